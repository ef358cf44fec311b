import { forkRng, type Rng, type RngState } from './random.js';

/** The fault families, each drawn from a stream of its own. */
export const FAULT_FAMILIES = ['publish', 'deliver', 'reorder', 'command', 'kill', 'restart'] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

/**
 * Every random stream a run draws from, declared in one place and each forked by name from
 * the seed, like a simulator's swarm options. A stream serves one purpose, so turning one
 * kind of randomness on or off (kills, say) leaves every other sequence as it was: a shrunk
 * schedule and a swarm mix stay stable.
 */
export interface RandomStreams {
  /** The scenario's workload: arrival times, customers. */
  readonly workload: Rng;
  /** The client's message ids. */
  readonly client: Rng;
  /** One per component: its message ids and record ids; it outlives crashes (it belongs to the run, not the component's memory). */
  component(name: string): Rng;
  /** One per fault family. */
  readonly faults: Readonly<Record<FaultFamily, Rng>>;
}

/** Where the streams a world draws from while it runs stood when it stopped (the workload is drawn before it starts). */
export interface StreamsImage {
  readonly client: RngState;
  readonly components: Readonly<Record<string, RngState>>;
  readonly faults: Readonly<Record<FaultFamily, RngState>>;
}

/** The streams of one run. Calling it twice with the same seed gives the same sequences; from an image, they carry on where it stood. */
export function randomStreams(seed: number, from?: StreamsImage): RandomStreams {
  return {
    workload: forkRng(seed, 'workload'),
    client: forkRng(seed, 'client', from?.client),
    component: (name) => forkRng(seed, name, from?.components[name]),
    faults: Object.fromEntries(FAULT_FAMILIES.map((f) => [f, forkRng(seed, `faults/${f}`, from?.faults[f])])) as Record<FaultFamily, Rng>,
  };
}

/** A fuzz seed's experiment, drawn from three streams: the workload, the mix of faults turned on, and the inboxes' dedupe window. */
export function fuzzCaseStreams(seed: number): { readonly workload: Rng; readonly faultMix: Rng; readonly inbox: Rng } {
  return { workload: forkRng(seed, 'fuzz/workload'), faultMix: forkRng(seed, 'fuzz/fault-mix'), inbox: forkRng(seed, 'fuzz/inbox') };
}

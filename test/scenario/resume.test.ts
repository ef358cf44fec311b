import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { findProfile } from '../../src/chaos/index.js';
import { withDisabled, type DefenceName } from '../../src/defences/index.js';
import { formatTraceEvent } from '../../src/kernel/index.js';
import { readWorldFile, runScenario, scenarioRun, writeWorldFile, type RunRequest, type ScenarioRun } from '../../src/scenario/index.js';
import type { SimulationImage, TickBoundary } from '../../src/world/index.js';
import { ownStyle, scratchDir } from '../helpers.js';

const BUILD = 'test-build';

/** Where a run stood each time it stopped, to show the stops landed where they matter. */
interface StopSeen {
  readonly down: number;
  readonly inFlight: number;
  readonly unsent: number;
  readonly clientUnsent: number;
  readonly calm: boolean;
}

/** Where to stop: the first tick boundary at which this says yes. */
type Stop = (at: TickBoundary) => boolean;

/** Stops before the world does anything after `tick`. */
const beforeTick =
  (tick: number): Stop =>
  (at) =>
    at.nextTick() > tick;

/**
 * Runs `request` stopping at each of `stops` in turn and carrying on from the run directory
 * alone, each time in a fresh world (new objects, databases reopened, the image read back from
 * world.json): the way a new process would.
 */
function runWithStops(request: RunRequest, stops: readonly Stop[]): { run: ScenarioRun; seen: StopSeen[] } {
  let dir = '';
  let image: SimulationImage | null = null;
  const seen: StopSeen[] = [];
  for (const stop of stops) {
    const steps = scenarioRun(image ? { ...request, resume: { dir, image } } : { ...request, onRunDir: (d) => (dir = d) });
    let step = steps.next();
    while (!step.done && !stop(step.value)) step = steps.next();
    if (step.done) return { run: step.value, seen };
    writeWorldFile(dir, step.value.image(), BUILD);
    steps.return(undefined as never);
    const read = readWorldFile(dir, BUILD);
    if ('problem' in read) throw new Error(read.problem);
    image = read.image;
    const { world } = image;
    seen.push({
      down: Object.values(world.components).filter((c) => c === null).length,
      inFlight: world.broker.ready.length + world.broker.inFlight.length,
      unsent: Object.values(world.components).reduce((n, c) => n + (c?.unsent?.length ?? 0), 0),
      clientUnsent: world.clientOutbox.length,
      calm: image.calmFromTick >= 0,
    });
  }
  const steps = scenarioRun({ ...request, resume: { dir, image: image! } });
  let step = steps.next();
  while (!step.done) step = steps.next();
  return { run: step.value, seen };
}

/** Everything a user or a test could see of a run: its report (as --json prints it), its timeline, and what it counted and injected. */
function visible(run: ScenarioRun) {
  return {
    result: JSON.stringify(run.result),
    trace: run.outcome.traceEvents.map(formatTraceEvent),
    counts: run.outcome.eventCounts,
    schedule: run.outcome.schedule,
  };
}

describe('a stopped world carried on in a new process', () => {
  const configurations: ReadonlyArray<{
    readonly label: string;
    readonly seed: number;
    readonly profile?: string;
    readonly disabled?: readonly DefenceName[];
  }> = [
    { label: 'its own faults, seed 1', seed: 1 },
    { label: 'chaotic network, seed 2', seed: 2, profile: 'chaotic' },
    // Publishes dropped often (the client keeps unconfirmed orders in memory), and no outbox: messages live only in memory until published.
    { label: 'lossy network without the outbox, seed 3', seed: 3, profile: 'lossy', disabled: ['outbox'] },
  ];
  const seen: StopSeen[] = [];

  for (const config of configurations) {
    describe(config.label, () => {
      it.each(SCENARIOS.map((s) => [s.name, s] as const))(
        '%s: stopped five times in a row, it ends with the same report, trace and digest as the run that never stopped',
        (_name, scenario) => {
          const request: RunRequest = {
            scenario,
            seed: config.seed,
            storage: 'file',
            dataRoot: scratchDir('resume'),
            ...(config.profile ? { profile: findProfile(config.profile)! } : {}),
            defences: withDisabled(config.disabled ?? []),
            ...ownStyle(scenario),
          };
          const whole = runScenario(request);
          const ticks = whole.result.ticks;
          const stops = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => beforeTick(Math.floor(ticks * f)));
          const stopped = runWithStops(request, stops);
          expect(stopped.seen.length).toBeGreaterThan(0);
          seen.push(...stopped.seen);
          expect(visible(stopped.run)).toEqual(visible(whole));
        },
      );
    });
  }

  it('the stops above landed with components down, messages in flight, outboxes unsent, and in the calm phase', () => {
    expect(seen.length).toBeGreaterThan(100);
    expect(seen.filter((s) => s.down > 0).length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.inFlight > 0).length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.unsent > 0).length).toBeGreaterThan(0);
    expect(seen.filter((s) => s.calm).length).toBeGreaterThan(0);
  });

  it('stopped where something lives only in memory (an order the broker refused, a message without an outbox), it still ends the same', () => {
    const scenario = SCENARIOS.find((s) => s.name === 'peak-load')!;
    const request: RunRequest = {
      scenario,
      seed: 3,
      storage: 'file',
      dataRoot: scratchDir('resume'),
      profile: findProfile('lossy')!,
      defences: withDisabled(['outbox']),
    };
    const clientUnsent: Stop = (at) => at.image().world.clientOutbox.length > 0;
    const relayUnsent: Stop = (at) => Object.values(at.image().world.components).some((c) => (c?.unsent?.length ?? 0) > 0);
    const stopped = runWithStops(request, [clientUnsent, relayUnsent, clientUnsent, relayUnsent]);
    expect(stopped.seen).toHaveLength(4);
    expect(visible(stopped.run)).toEqual(visible(runScenario(request)));
  });

  it('taking an image at every tick changes nothing: the run is the same as one nobody looked at', () => {
    for (const name of ['crash-mid-payment', 'lossy-network', 'poison-message']) {
      const scenario = SCENARIOS.find((s) => s.name === name)!;
      const request: RunRequest = { scenario, seed: 3, storage: 'memory' };
      const steps = scenarioRun(request);
      let step = steps.next();
      while (!step.done) {
        JSON.stringify(step.value.image());
        step = steps.next();
      }
      expect(visible(step.value)).toEqual(visible(runScenario(request)));
    }
  });
});

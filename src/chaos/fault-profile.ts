/** Seeded probabilities for the network's faults, applied to every publish and delivery during the fault phase. */
export interface FaultProfile {
  readonly name: string;
  readonly description: string;
  readonly dropPublish: number;
  readonly dropDelivery: number;
  readonly duplicate: number;
  readonly maxCopies: number;
  readonly delay: number;
  readonly maxDelayTicks: number;
  readonly reorder: number;
  /** After each commit, ack or publish, the chance its component is killed, for up to `maxDownTicks`. */
  readonly kill: number;
  readonly maxDownTicks: number;
  /** The chance a restarted component's queue comes back newest first (a broker that does not keep order across a consumer's restart). */
  readonly reverseOnRestart: number;
  /** The chance a command is answered with a failure (a business refusal; a failed compensation is retried). */
  readonly failCommand: number;
  /** The chance a handler crashes on a delivery (the message comes back). */
  readonly throwCommand: number;
  /** The chance a killed component comes back without re-arming its timers (a start-up that forgets): a saga waiting on one is stuck. */
  readonly forgetTimers: number;
}

const quiet = {
  dropPublish: 0,
  dropDelivery: 0,
  duplicate: 0,
  maxCopies: 1,
  delay: 0,
  maxDelayTicks: 0,
  reorder: 0,
  kill: 0,
  maxDownTicks: 0,
  reverseOnRestart: 0,
  failCommand: 0,
  throwCommand: 0,
  forgetTimers: 0,
};

/** The named profiles `--faults` accepts. */
export const FAULT_PROFILES: Readonly<Record<string, FaultProfile>> = Object.freeze({
  calm: { name: 'calm', description: 'no network faults', ...quiet },
  lossy: { name: 'lossy', description: '30% of publishes and deliveries dropped', ...quiet, dropPublish: 0.3, dropDelivery: 0.3 },
  duplicating: { name: 'duplicating', description: 'every message duplicated up to 3 times', ...quiet, duplicate: 1, maxCopies: 3 },
  delaying: { name: 'delaying', description: 'deliveries delayed and reordered', ...quiet, delay: 0.3, maxDelayTicks: 80, reorder: 0.3 },
  chaotic: {
    ...quiet,
    name: 'chaotic',
    description: 'a bit of everything',
    dropPublish: 0.1,
    dropDelivery: 0.1,
    duplicate: 0.1,
    maxCopies: 2,
    delay: 0.2,
    maxDelayTicks: 60,
    reorder: 0.2,
  },
});

/** Two profiles at once: each fault as likely as in the more faulty of the two. */
export function combineProfiles(a: FaultProfile, b: FaultProfile): FaultProfile {
  if (a.name === b.name || b.name === 'calm') return a;
  if (a.name === 'calm') return b;
  return {
    name: `${a.name}+${b.name}`,
    description: `${a.description}, and ${b.description}`,
    dropPublish: Math.max(a.dropPublish, b.dropPublish),
    dropDelivery: Math.max(a.dropDelivery, b.dropDelivery),
    duplicate: Math.max(a.duplicate, b.duplicate),
    maxCopies: Math.max(a.maxCopies, b.maxCopies),
    delay: Math.max(a.delay, b.delay),
    maxDelayTicks: Math.max(a.maxDelayTicks, b.maxDelayTicks),
    reorder: Math.max(a.reorder, b.reorder),
    kill: Math.max(a.kill, b.kill),
    maxDownTicks: Math.max(a.maxDownTicks, b.maxDownTicks),
    reverseOnRestart: Math.max(a.reverseOnRestart, b.reverseOnRestart),
    failCommand: Math.max(a.failCommand, b.failCommand),
    throwCommand: Math.max(a.throwCommand, b.throwCommand),
    forgetTimers: Math.max(a.forgetTimers, b.forgetTimers),
  };
}

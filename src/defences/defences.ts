/**
 * The mechanisms that keep the saga consistent. Each can be switched off to show what it
 * protects against: with it off, at least one catalogue scenario breaks an invariant.
 */
export interface Defences {
  /** Inbox dedupe by message id, and dedupe by business key (saga id) in payment and notification. */
  readonly idempotency: boolean;
  /** Messages written in the same transaction as the effect; off, they wait in memory and a crash loses them. */
  readonly outbox: boolean;
  /** The reservation's conditional update (available ≥ qty); off, concurrent sagas oversell. */
  readonly isolation: boolean;
  /** Re-arming timers from persisted deadlines on restart; off, a saga waiting on a timer when its orchestrator died waits for the reconciler's sweep. */
  readonly recovery: boolean;
  /** Step timeouts; off, a saga whose command was lost waits for the reconciler's sweep (an approval's SLA stays on: it is the business's). */
  readonly timeouts: boolean;
  /** Retrying a failed compensation; off, it is sent once and assumed done. */
  readonly compensationRetry: boolean;
  /** The reconciler's periodic sweep for stuck sagas; off, a saga whose timer was lost (a restart that forgot it) waits forever. */
  readonly reconciliation: boolean;
}

export type DefenceName = keyof Defences;

export const DEFENCE_NAMES: readonly DefenceName[] = [
  'idempotency',
  'outbox',
  'isolation',
  'recovery',
  'timeouts',
  'compensationRetry',
  'reconciliation',
];

export const ALL_DEFENCES: Defences = Object.freeze({
  idempotency: true,
  outbox: true,
  isolation: true,
  recovery: true,
  timeouts: true,
  compensationRetry: true,
  reconciliation: true,
});

/** The CLI spelling of a defence (`compensation-retry`). */
export function defenceFlag(name: DefenceName): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The defence a CLI spelling names, or null. */
export function parseDefence(flag: string): DefenceName | null {
  return DEFENCE_NAMES.find((n) => defenceFlag(n) === flag) ?? null;
}

/** Every defence on except the named ones. */
export function withDisabled(names: readonly DefenceName[]): Defences {
  return Object.freeze({ ...ALL_DEFENCES, ...Object.fromEntries(names.map((n) => [n, false])) });
}

import { FORWARD_STEPS, parseReplyType, replyType, SagaStatus, UNDO, type Command } from '../protocol/index.js';

/**
 * What the events of one choreographed saga say about it, folded: which forward steps were
 * done, which failed first, which were undone, whether a compensation was refused for good.
 * Each is a set (bits by step index), so the fold gives the same answer in whatever order
 * the events arrive: a projection that hears a compensation before the failure it answers
 * still converges.
 */
export interface Progress {
  /** Bit i: forward step i succeeded. */
  readonly done: number;
  /** The first forward step that failed, or null. */
  readonly failed: number | null;
  /** Bit i: the compensation of forward step i succeeded. */
  readonly undone: number;
  /** A compensation was refused for good (past the point of no return). */
  readonly escalated: boolean;
}

export const NO_PROGRESS: Progress = Object.freeze({ done: 0, failed: null, undone: 0, escalated: false });

/** The progress a stored row holds (SQLite keeps the flag as 0 or 1), or none for a saga not heard of yet. */
export function progressOf(row: { done: number; failed: number | null; undone: number; escalated: number } | undefined): Progress {
  return row ? { done: row.done, failed: row.failed, undone: row.undone, escalated: row.escalated === 1 } : NO_PROGRESS;
}

const STEP_OF_COMPENSATION = new Map(FORWARD_STEPS.flatMap((step, i) => (UNDO.has(step) ? [[UNDO.get(step)!, i] as const] : [])));
const LAST = FORWARD_STEPS.length - 1;

/** `p` after the event `type`; `p` itself for an event that says nothing of the saga's progress. */
export function fold(p: Progress, type: string): Progress {
  const reply = parseReplyType(type);
  if (reply === null) return p;
  const step = FORWARD_STEPS.indexOf(reply.command as Command);
  if (step >= 0) {
    if (reply.ok) return { ...p, done: p.done | (1 << step) };
    return { ...p, failed: p.failed === null ? step : Math.min(p.failed, step) };
  }
  const undoes = STEP_OF_COMPENSATION.get(reply.command as Command);
  if (undoes === undefined) return p;
  return reply.ok ? { ...p, undone: p.undone | undoneBit(reply.command as Command) } : { ...p, escalated: true };
}

/** The bit of `undone` that `compensation` sets. */
export function undoneBit(compensation: Command): number {
  return 1 << STEP_OF_COMPENSATION.get(compensation)!;
}

/** Bits of the steps a failure at step `failed` leaves to undo: every reversible step before it. */
function dueBits(failed: number): number {
  let due = 0;
  for (let i = 0; i < failed; i++) if (UNDO.has(FORWARD_STEPS[i]!)) due |= 1 << i;
  return due;
}

/** The compensations still to do, latest step first. */
export function compensationsDue(p: Progress): Command[] {
  if (p.failed === null) return [];
  const left = dueBits(p.failed) & ~p.undone;
  return FORWARD_STEPS.flatMap((step, i) => (left & (1 << i) ? [UNDO.get(step)!] : [])).reverse();
}

/**
 * The event that makes the next compensation happen when the services compensate themselves:
 * the failure of the step after it, or that step's own compensation done. Null when nothing is due.
 */
export function compensationTrigger(p: Progress): string | null {
  const next = compensationsDue(p)[0];
  if (next === undefined || p.failed === null) return null;
  const after = STEP_OF_COMPENSATION.get(next)! + 1;
  return after === p.failed ? replyType(FORWARD_STEPS[after]!, false) : replyType(UNDO.get(FORWARD_STEPS[after]!)!, true);
}

/** The saga's status as its events tell it (the orchestrated style's words, so one checker reads both). */
export function statusOf(p: Progress): SagaStatus {
  if (p.escalated) return SagaStatus.Escalated;
  if (p.failed === null) return p.done & (1 << LAST) ? SagaStatus.Completed : SagaStatus.Running;
  return compensationsDue(p).length === 0 ? SagaStatus.Compensated : SagaStatus.Compensating;
}

/** The last forward step done, or -1. */
export function lastDone(p: Progress): number {
  return p.done === 0 ? -1 : 31 - Math.clz32(p.done);
}

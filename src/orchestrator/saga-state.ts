import { isTerminal, SagaStatus, type ComponentName, type OrderPayload, type SagaStepEvent } from '../protocol/index.js';

export { isTerminal, SagaStatus };

/** The statuses a saga can still move on from by itself (or by a person's decision). */
export const UNFINISHED_STATUSES: readonly SagaStatus[] = Object.values(SagaStatus).filter((s) => !isTerminal(s));

/** Whether a saga ended by handing over to a person (FAILED, ESCALATED): a redrive of its dead letter starts at once. */
export function handsOver(status: SagaStatus): boolean {
  return status === SagaStatus.Failed || status === SagaStatus.Escalated;
}

/** Whether the machine still drives the saga: it has not ended, and it is not an approval escalated to a person (no deadline left). */
export function isWatched(saga: { readonly status: SagaStatus; readonly deadlineTick: number | null }): boolean {
  return !isTerminal(saga.status) && !(saga.status === SagaStatus.AwaitingApproval && saga.deadlineTick === null);
}

/** What the saga waits for: a reply to the action it sent, the end of a backoff before trying it again, or a person's decision. */
export type Waiting = 'reply' | 'backoff' | 'approval' | 'nothing';

/** One saga instance, as persisted. */
export interface SagaState {
  readonly id: string;
  readonly orderId: string;
  readonly status: SagaStatus;
  /** The step being run (RUNNING) or undone (COMPENSATING). */
  readonly step: number;
  /** Tries of the current action so far. */
  readonly attempt: number;
  readonly waiting: Waiting;
  /** When the wait ends: a reply timeout, the end of a backoff, or an approval's SLA (null once escalated to a person). */
  readonly deadlineTick: number | null;
  /** The highest step the compensation covers; the step that timed out is included, a step that said no is not. */
  readonly compensateFrom: number | null;
  /** Compensations given up on and left for a human, not yet redriven or resolved. */
  readonly deadLetters: number;
  /** The dead letter (its number) whose compensation a person asked to be sent again and is under way; null otherwise. */
  readonly redriving: number | null;
  /** Who approved the order, once someone has (a large order waits for it before the step that needs it). */
  readonly approvedBy: string | null;
  readonly payload: OrderPayload;
  /** Bumped by every transition, so a timer armed for an earlier state knows it is stale. */
  readonly version: number;
  /**
   * How many late successes of each step were compensated again, four bits a step (see
   * lateUndosOf): at most one for each time the step was tried, so a copy of an answer that
   * got past an inbox's dedupe window is not taken for another.
   */
  readonly lateUndos: number;
}

const LATE_UNDO_BITS = 4;

/** The most late successes one step's count holds. */
export const MAX_LATE_UNDOS = (1 << LATE_UNDO_BITS) - 1;

/** Steps whose counts fit in one 32-bit integer. */
const STEPS_COUNTED = 32 / LATE_UNDO_BITS;

/** Late successes of `step` compensated so far (steps past the eighth are not counted: always 0). */
export function lateUndosOf(lateUndos: number, step: number): number {
  return step < STEPS_COUNTED ? (lateUndos >>> (step * LATE_UNDO_BITS)) & MAX_LATE_UNDOS : 0;
}

/** `lateUndos` with one more for `step`, up to MAX_LATE_UNDOS. */
export function withLateUndo(lateUndos: number, step: number): number {
  if (step >= STEPS_COUNTED || lateUndosOf(lateUndos, step) === MAX_LATE_UNDOS) return lateUndos;
  return (lateUndos + (1 << (step * LATE_UNDO_BITS))) >>> 0;
}

/** What can happen to a saga. */
export type SagaEvent =
  | { readonly kind: 'start' }
  /** A service's answer; a `permanent` refusal is one no retry can change. */
  | { readonly kind: 'reply'; readonly command: string; readonly ok: boolean; readonly reason?: string; readonly permanent?: boolean }
  | { readonly kind: 'deadline' }
  /** A person asks for dead letter `letter` (the compensation of `step`) to be sent again. */
  | { readonly kind: 'redrive'; readonly letter: number; readonly step: number; readonly by: string; readonly note: string }
  /** A person says they did the compensation of dead letter `letter` by hand. */
  | { readonly kind: 'resolve'; readonly letter: number; readonly step: number; readonly by: string; readonly note: string }
  /** A person's decision on an order awaiting approval. */
  | { readonly kind: 'approve' | 'reject'; readonly by: string; readonly note: string }
  /** The reconciler found the saga with no progress for `idleTicks` and its timer lost; past its second SLA, `compensate`. */
  | { readonly kind: 'stuck'; readonly idleTicks: number; readonly compensate: boolean };

/** A command for the glue to write to the outbox. */
export interface SagaCommand {
  readonly service: ComponentName;
  readonly type: string;
}

/**
 * What a dead letter is about: a compensation given up on, a forward step given up on (the
 * saga undid it itself), or an approval nobody gave in time, escalated to a person.
 */
export type DeadLetterKind = 'compensation' | 'step' | 'approval';

/**
 * An action the saga gave up on. A compensation is left for a human to finish (open until
 * redriven or resolved); a forward step is recorded too, closed at once: the saga undid it;
 * an approval escalated stays open until someone approves or rejects the order.
 */
export interface SagaDeadLetter {
  readonly kind: DeadLetterKind;
  readonly step: number;
  readonly command: string;
  readonly reason: string;
}

/** The result of one transition: the new state, what to send, what to park, and what to write in the step log. */
export interface Transition {
  readonly saga: SagaState;
  readonly commands: readonly SagaCommand[];
  readonly deadLetters: readonly SagaDeadLetter[];
  /** What the transition did, as facts; `log` is the same in the step log's words. */
  readonly events: readonly SagaStepEvent[];
  readonly log: readonly string[];
}

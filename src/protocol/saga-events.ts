import type { TraceEvent } from '../kernel/index.js';
import type { Command } from './messages.js';
import type { SagaStatus } from './saga-status.js';

/**
 * What a saga's transition did, as typed facts. The step log and the trace show them as
 * text (`describeSagaEvent`); coverage, the benchmark and reports read the facts themselves.
 */
export type SagaStepEvent =
  | { readonly kind: 'started' }
  | { readonly kind: 'start-ignored' }
  | { readonly kind: 'step-done'; readonly step: string }
  | { readonly kind: 'step-failed'; readonly step: string; readonly reason?: string }
  | { readonly kind: 'step-undone'; readonly step: string }
  | { readonly kind: 'compensation-failed'; readonly step: string; readonly reason?: string }
  /** With compensation retry switched off, a failed compensation is taken as done. */
  | { readonly kind: 'compensation-assumed' }
  /** A success that arrived after the saga gave up on its step: the compensation is sent again. */
  | { readonly kind: 'late-success-compensated'; readonly command: string; readonly compensation: string }
  | { readonly kind: 'stale-reply'; readonly command: string; readonly ok: boolean }
  | { readonly kind: 'deadline-ignored' }
  | { readonly kind: 'timed-out'; readonly action: string; readonly attempt: number }
  | { readonly kind: 'retry-scheduled'; readonly waitTicks: number }
  /** The backoff is over: the action goes out again, as a new message. */
  | { readonly kind: 'retried'; readonly action: string; readonly attempt: number }
  | { readonly kind: 'step-gave-up'; readonly step: string; readonly attempts: number }
  /** A compensation out of retries, parked as a dead letter for a human. */
  | { readonly kind: 'compensation-gave-up'; readonly command: string; readonly attempts: number }
  /** A person asked for a compensation given up on to be sent again, with a fresh attempt budget. */
  | { readonly kind: 'redriven'; readonly command: string; readonly by: string; readonly note: string }
  /** A person says they did a compensation given up on by hand: it counts as done. */
  | { readonly kind: 'resolved-by-hand'; readonly command: string; readonly by: string; readonly note: string }
  /** A redrive asked for while the saga was still compensating: it starts once the saga has ended. */
  | { readonly kind: 'redrive-waiting'; readonly command: string; readonly by: string }
  /** A large order parks before `step` until a person decides, for up to `slaTicks`. */
  | { readonly kind: 'awaiting-approval'; readonly step: string; readonly amountCents: number; readonly slaTicks: number }
  | { readonly kind: 'approved'; readonly by: string; readonly note: string }
  | { readonly kind: 'rejected'; readonly by: string; readonly note: string }
  /** Nobody decided within the SLA: the policy rejected the order. */
  | { readonly kind: 'approval-expired'; readonly slaTicks: number }
  /** Nobody decided within the SLA: the policy left a dead letter, and the order waits for a person. */
  | { readonly kind: 'approval-escalated'; readonly slaTicks: number }
  /** A decision for a saga that awaits none (decided already, or never asked). */
  | { readonly kind: 'decision-ignored'; readonly decision: 'approve' | 'reject'; readonly by: string }
  /** The reconciler found the saga with no progress for `idleTicks`, its own timer lost: it takes over. */
  | { readonly kind: 'stuck'; readonly idleTicks: number }
  /** The reconciler sends the current action again (same saga, same command: consumers dedupe by business key). */
  | { readonly kind: 'resent'; readonly action: string; readonly attempt: number }
  /** Past the second SLA, the reconciler gives up on the forward step and compensates it (it may have happened). */
  | { readonly kind: 'reconciler-compensates'; readonly step: string }
  /** A compensation refused for good (past the point of no return): the saga stops undoing and hands over to a person. */
  | { readonly kind: 'escalated'; readonly command: string; readonly reason: string }
  | { readonly kind: 'completed' }
  | { readonly kind: 'compensated' }
  | { readonly kind: 'failed' };

/** What a service's handler did that is worth knowing beyond its note, carried by its trace event as a typed fact. */
export type ServiceFact =
  /** A compensation that arrived before the step it undoes: it left a record that makes the late step refuse. */
  | { readonly kind: 'compensation-first'; readonly compensation: Command }
  /** The choreography's janitor found a saga stalled and published again what should have moved it on. */
  | { readonly kind: 'nudged' }
  /** The janitor asked for a compensation as often as its policy allows: the broker's dead letter is a person's now. */
  | { readonly kind: 'left-to-person'; readonly compensation: string }
  /** The read model saw the saga end, with this status: in choreography, the moment a saga is over as the world sees it. */
  | { readonly kind: 'saga-ended'; readonly status: SagaStatus }
  /** Two-phase commit: the coordinator logged its decision (a no vote, or every yes, or no vote in time: presumed abort). */
  | { readonly kind: 'decided'; readonly decision: 'COMMIT' | 'ABORT'; readonly why: 'votes' | 'no-vote' | 'vote-timeout' }
  /** Two-phase commit: a participant in doubt for long asked the coordinator for the decision. */
  | { readonly kind: 'asked-for-decision' }
  /** Two-phase commit: decisions not yet acknowledged were sent again (participants dedupe by business key). */
  | { readonly kind: 'decision-resent'; readonly commands: readonly string[] }
  /** Two-phase commit: a reservation refused for lack of stock while units it could have had were locked by transactions in doubt or in progress. */
  | { readonly kind: 'refused-for-locked-stock'; readonly locked: number };

/** The service facts a trace event carries (none for any other event). */
export function serviceFactsOf(e: TraceEvent): readonly ServiceFact[] {
  return e.kind === 'handle' ? ((e.facts ?? []) as readonly ServiceFact[]) : [];
}

/** The saga step events a trace event carries (none for any other event). */
export function sagaEventsOf(e: TraceEvent): readonly SagaStepEvent[] {
  return e.kind === 'saga' ? ((e.facts ?? []) as readonly SagaStepEvent[]) : [];
}

/** The step log's words for one fact. */
export function describeSagaEvent(e: SagaStepEvent): string {
  const why = (reason: string | undefined): string => (reason ? `: ${reason}` : '');
  switch (e.kind) {
    case 'started':
      return 'started';
    case 'start-ignored':
      return 'start ignored: saga already started';
    case 'step-done':
      return `${e.step} done`;
    case 'step-failed':
      return `${e.step} failed${why(e.reason)}`;
    case 'step-undone':
      return `${e.step} undone`;
    case 'compensation-failed':
      return `${e.step} compensation failed${why(e.reason)}`;
    case 'compensation-assumed':
      return 'not retried: assumed undone';
    case 'late-success-compensated':
      return `late ${e.command} success after giving up: sending ${e.compensation} again`;
    case 'stale-reply':
      return `stale reply ${e.command}${e.ok ? '' : ' (failed)'} ignored`;
    case 'deadline-ignored':
      return 'deadline with nothing to wait for ignored';
    case 'timed-out':
      return `${e.action} timed out (attempt ${e.attempt})`;
    case 'retry-scheduled':
      return `retrying in ${e.waitTicks} ticks`;
    case 'retried':
      return `${e.action} sent again (attempt ${e.attempt})`;
    case 'step-gave-up':
      return `${e.step} gave up after ${e.attempts} attempts`;
    case 'compensation-gave-up':
      return `${e.command} gave up after ${e.attempts} attempts: dead letter`;
    case 'redriven':
      return `${e.command} redriven by ${e.by}${why(e.note)}`;
    case 'resolved-by-hand':
      return `${e.command} done by hand, says ${e.by}${why(e.note)}`;
    case 'redrive-waiting':
      return `redrive of ${e.command} by ${e.by} waits for the compensation in progress to end`;
    case 'awaiting-approval':
      return `${e.amountCents} cents needs approval before ${e.step}: waiting up to ${e.slaTicks} ticks`;
    case 'approved':
      return `approved by ${e.by}${why(e.note)}`;
    case 'rejected':
      return `rejected by ${e.by}${why(e.note)}`;
    case 'approval-expired':
      return `no decision within ${e.slaTicks} ticks: rejected`;
    case 'approval-escalated':
      return `no decision within ${e.slaTicks} ticks: escalated to a person (dead letter)`;
    case 'decision-ignored':
      return `${e.decision} by ${e.by} ignored: nothing awaits approval`;
    case 'stuck':
      return `reconciler: no progress for ${e.idleTicks} ticks and its timer lost`;
    case 'resent':
      return `sending ${e.action} again (attempt ${e.attempt})`;
    case 'reconciler-compensates':
      return `giving up on ${e.step}: compensating it`;
    case 'escalated':
      return `${e.command} refused for good: nothing below it is undone, ESCALATED to a person`;
    case 'completed':
      return 'every step done: COMPLETED';
    case 'compensated':
      return 'every step undone: COMPENSATED';
    case 'failed':
      return 'compensation finished with dead letters: FAILED';
  }
}

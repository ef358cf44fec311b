import { describeSagaEvent, type SagaStepEvent } from '../protocol/index.js';
import { backoffTicks, DEFAULT_APPROVAL, type ApprovalPolicy, type SagaDefinition, type SagaStep } from './saga-definition.js';
import {
  lateUndosOf,
  MAX_LATE_UNDOS,
  withLateUndo,
  handsOver,
  SagaStatus,
  type SagaCommand,
  type SagaDeadLetter,
  type SagaEvent,
  type SagaState,
  type Transition,
} from './saga-state.js';

/** How the orchestrator treats a failed compensation, and which orders wait for a person. */
export interface TransitionOptions {
  /** Retry it until it succeeds (or park it for a human); false sends it once and assumes it worked. */
  readonly retryCompensations: boolean;
  readonly approval: ApprovalPolicy;
  /** Count a step's late successes, a business key for answers (part of the idempotency defence); false undoes every one again. */
  readonly boundLateSuccesses?: boolean;
}

const DEFAULT_OPTIONS: TransitionOptions = Object.freeze({
  retryCompensations: true,
  approval: DEFAULT_APPROVAL,
  boundLateSuccesses: true,
});

/** A new saga, before its first transition. */
export function newSaga(id: string, payload: SagaState['payload']): SagaState {
  return {
    id,
    orderId: payload.orderId,
    status: SagaStatus.Running,
    step: 0,
    attempt: 0,
    waiting: 'nothing',
    deadlineTick: null,
    compensateFrom: null,
    deadLetters: 0,
    redriving: null,
    approvedBy: null,
    payload,
    version: 0,
    lateUndos: 0,
  };
}

/**
 * The orchestrator's whole decision logic: state + event → new state + commands. Pure: it
 * reads no clock but `now`, touches no database and sends nothing; the glue does that.
 */
export function transition(
  def: SagaDefinition,
  saga: SagaState,
  event: SagaEvent,
  now: number,
  options: TransitionOptions = DEFAULT_OPTIONS,
): Transition {
  const t = new Builder(def, saga, now, options);
  switch (event.kind) {
    case 'start':
      if (saga.version !== 0) {
        t.event({ kind: 'start-ignored' });
        break;
      }
      t.event({ kind: 'started' });
      t.sendForward(0, 1);
      break;
    case 'reply':
      onReply(t, event.command, event.ok, event.reason, event.permanent ?? false);
      break;
    case 'deadline':
      onDeadline(t);
      break;
    case 'redrive':
      onRedrive(t, event);
      break;
    case 'resolve':
      onResolve(t, event);
      break;
    case 'approve':
    case 'reject':
      onDecision(t, event);
      break;
    case 'stuck':
      onStuck(t, event);
      break;
  }
  return t.result();
}

function onReply(t: Builder, command: string, ok: boolean, reason: string | undefined, permanent: boolean): void {
  const { saga, def } = t;
  const forward = def.steps.findIndex((s) => s.command === command);
  const undo = def.steps.findIndex((s) => s.compensation === command);

  if (saga.status === SagaStatus.Running && forward === saga.step && saga.waiting !== 'nothing') {
    if (!ok) {
      // The step said no, so it did nothing: undo only the steps before it.
      t.event({ kind: 'step-failed', step: def.steps[forward]!.name, ...(reason ? { reason } : {}) });
      return t.beginCompensation(forward - 1);
    }
    t.event({ kind: 'step-done', step: def.steps[forward]!.name });
    if (forward + 1 < def.steps.length) return t.sendForward(forward + 1, 1);
    return t.complete();
  }

  if (saga.status === SagaStatus.Compensating && undo === saga.step && saga.waiting !== 'nothing') {
    if (ok) {
      t.event({ kind: 'step-undone', step: def.steps[undo]!.name });
      return t.compensateBelow(undo - 1);
    }
    t.event({ kind: 'compensation-failed', step: def.steps[undo]!.name, ...(reason ? { reason } : {}) });
    if (permanent) return t.escalate(reason ?? 'refused for good');
    if (!t.options.retryCompensations) {
      t.event({ kind: 'compensation-assumed' });
      return t.compensateBelow(undo - 1);
    }
    return t.retryOrGiveUp();
  }

  if (ok && forward >= 0 && saga.status !== SagaStatus.Running && saga.status !== SagaStatus.Completed) {
    const step = def.steps[forward]!;
    const stillToUndo = saga.status === SagaStatus.Compensating && forward <= saga.step;
    // At most once for each try the step's policy allows: a service answers each command once,
    // so any more are copies of an answer that an inbox past its dedupe window took for new.
    const bounded = t.options.boundLateSuccesses ?? true;
    if (
      step.compensation &&
      !stillToUndo &&
      saga.compensateFrom !== null &&
      forward <= saga.compensateFrom &&
      (!bounded || lateUndosOf(saga.lateUndos, forward) < Math.min(step.retry.maxAttempts, MAX_LATE_UNDOS))
    ) {
      // A success that arrives after the saga gave up on the step: its effect exists, so undo it again (idempotent).
      t.event({ kind: 'late-success-compensated', command, compensation: step.compensation });
      t.update({ lateUndos: withLateUndo(saga.lateUndos, forward) });
      return t.send(step, step.compensation);
    }
  }
  t.event({ kind: 'stale-reply', command, ok });
}

function onDeadline(t: Builder): void {
  const { saga } = t;
  if (saga.waiting === 'approval') return onApprovalOverdue(t);
  if (saga.waiting === 'backoff') {
    const next = saga.attempt + 1;
    const step = t.def.steps[saga.step]!;
    t.event({ kind: 'retried', action: saga.status === SagaStatus.Running ? step.command : step.compensation!, attempt: next });
    return saga.status === SagaStatus.Running ? t.sendForward(saga.step, next) : t.sendCompensation(saga.step, next);
  }
  if (saga.waiting !== 'reply') return t.event({ kind: 'deadline-ignored' });
  const step = t.def.steps[saga.step]!;
  t.event({ kind: 'timed-out', action: saga.status === SagaStatus.Running ? step.command : step.compensation!, attempt: saga.attempt });
  t.retryOrGiveUp();
}

/**
 * A person asks for a compensation given up on to be sent again. Once the saga has ended, it
 * compensates that step again with a fresh attempt budget: a FAILED saga then ends anew (the
 * steps below were undone already); an ESCALATED one stopped at that step, so it goes on to
 * undo the steps below. While it is still compensating, the request waits (the glue keeps it
 * and asks again).
 */
function onRedrive(t: Builder, e: Extract<SagaEvent, { kind: 'redrive' }>): void {
  const { saga, def } = t;
  const command = def.steps[e.step]!.compensation!;
  if (!handsOver(saga.status) || saga.redriving !== null) return t.event({ kind: 'redrive-waiting', command, by: e.by });
  t.event({ kind: 'redriven', command, by: e.by, note: e.note });
  t.update({ deadLetters: saga.deadLetters - 1, redriving: saga.status === SagaStatus.Escalated ? null : e.letter });
  t.sendCompensation(e.step, 1);
}

/**
 * A person did a compensation given up on by hand: it counts as done, and a saga with no
 * other dead letter is COMPENSATED. An ESCALATED saga stopped undoing at that step: it now
 * undoes the steps below it.
 */
function onResolve(t: Builder, e: Extract<SagaEvent, { kind: 'resolve' }>): void {
  const { saga, def } = t;
  t.event({ kind: 'resolved-by-hand', command: def.steps[e.step]!.compensation!, by: e.by, note: e.note });
  t.update({ deadLetters: saga.deadLetters - 1 });
  if (saga.status === SagaStatus.Escalated) return t.compensateBelow(e.step - 1);
  if (saga.status === SagaStatus.Failed && saga.deadLetters - 1 === 0) {
    t.event({ kind: 'compensated' });
    t.update({ status: SagaStatus.Compensated });
  }
}

/** A person approves the order (the saga goes on to the step that waited) or rejects it (the saga undoes what it did). */
function onDecision(t: Builder, e: Extract<SagaEvent, { kind: 'approve' | 'reject' }>): void {
  const { saga } = t;
  if (saga.status !== SagaStatus.AwaitingApproval) return t.event({ kind: 'decision-ignored', decision: e.kind, by: e.by });
  if (e.kind === 'reject') {
    t.event({ kind: 'rejected', by: e.by, note: e.note });
    return t.beginCompensation(saga.step - 1);
  }
  t.event({ kind: 'approved', by: e.by, note: e.note });
  t.update({ approvedBy: e.by });
  t.sendForward(saga.step, 1);
}

/** Nobody decided within the approval's SLA: the policy rejects the order, or escalates it to a person and keeps waiting. */
function onApprovalOverdue(t: Builder): void {
  const { saga, def } = t;
  const { slaTicks, onSla } = t.options.approval;
  if (onSla === 'reject') {
    t.event({ kind: 'approval-expired', slaTicks });
    return t.beginCompensation(saga.step - 1);
  }
  const step = def.steps[saga.step]!;
  t.event({ kind: 'approval-escalated', slaTicks });
  t.leaveDeadLetter({ kind: 'approval', step: saga.step, command: step.command, reason: `no decision within ${slaTicks} ticks` });
  t.update({ deadlineTick: null });
}

/**
 * The reconciler found the saga stuck: no progress for a long time, and its own timer lost.
 * It does what the lost timer would have done, now: an overdue approval follows its policy;
 * the current action is sent again (within its retry budget; past it, the saga gives up as
 * it would have); past the second SLA a forward step that can be undone is compensated.
 */
function onStuck(t: Builder, e: Extract<SagaEvent, { kind: 'stuck' }>): void {
  const { saga, def } = t;
  if (saga.status !== SagaStatus.Running && saga.status !== SagaStatus.Compensating && saga.status !== SagaStatus.AwaitingApproval)
    return t.event({ kind: 'deadline-ignored' });
  t.event({ kind: 'stuck', idleTicks: e.idleTicks });
  if (saga.status === SagaStatus.AwaitingApproval) return onApprovalOverdue(t);
  const step = def.steps[saga.step]!;
  const running = saga.status === SagaStatus.Running;
  if (running && e.compensate && step.compensation !== null) {
    t.event({ kind: 'reconciler-compensates', step: step.name });
    return t.beginCompensation(saga.step);
  }
  const policy = running ? step.retry : step.compensationRetry;
  if (saga.attempt >= policy.maxAttempts) return t.retryOrGiveUp();
  t.event({ kind: 'resent', action: running ? step.command : step.compensation!, attempt: saga.attempt + 1 });
  return running ? t.sendForward(saga.step, saga.attempt + 1) : t.sendCompensation(saga.step, saga.attempt + 1);
}

/** Accumulates one transition's changes. */
class Builder {
  private readonly commands: SagaCommand[] = [];
  private readonly deadLetters: SagaDeadLetter[] = [];
  private readonly events: SagaStepEvent[] = [];
  private changed = false;
  saga: SagaState;

  constructor(
    readonly def: SagaDefinition,
    saga: SagaState,
    private readonly now: number,
    readonly options: TransitionOptions,
  ) {
    this.saga = saga;
  }

  event(e: SagaStepEvent): void {
    this.events.push(e);
  }

  send(step: SagaStep, type: string): void {
    this.commands.push({ service: step.service, type });
  }

  sendForward(index: number, attempt: number): void {
    const step = this.def.steps[index]!;
    if (this.mustAwaitApproval(step)) return this.awaitApproval(index);
    this.send(step, step.command);
    this.update({ status: SagaStatus.Running, step: index, attempt, waiting: 'reply', deadlineTick: this.now + step.timeoutTicks });
  }

  sendCompensation(index: number, attempt: number): void {
    const step = this.def.steps[index]!;
    this.send(step, step.compensation!);
    this.update({ status: SagaStatus.Compensating, step: index, attempt, waiting: 'reply', deadlineTick: this.now + step.timeoutTicks });
  }

  /** Whether the order must wait for a person before `step`: it is large enough, and nobody has approved it yet. */
  private mustAwaitApproval(step: SagaStep): boolean {
    return (
      this.saga.approvedBy === null &&
      step.name === this.def.approvalBefore &&
      this.saga.payload.amountCents >= this.options.approval.thresholdCents
    );
  }

  /** Park before step `index` until a person decides, or the approval's SLA runs out; nothing is sent. */
  private awaitApproval(index: number): void {
    const { slaTicks } = this.options.approval;
    this.event({ kind: 'awaiting-approval', step: this.def.steps[index]!.name, amountCents: this.saga.payload.amountCents, slaTicks });
    this.update({ status: SagaStatus.AwaitingApproval, step: index, attempt: 0, waiting: 'approval', deadlineTick: this.now + slaTicks });
  }

  /** Record an action given up on, or a decision overdue, in the dead letters. */
  leaveDeadLetter(letter: SagaDeadLetter): void {
    this.deadLetters.push(letter);
  }

  /** Undo steps `from`..0 in reverse order. */
  beginCompensation(from: number): void {
    this.update({ status: SagaStatus.Compensating, compensateFrom: from });
    this.compensateBelow(from);
  }

  /** Undo the highest step at or below `index` that has a compensation, or finish. A redriven compensation was the only one left: it finishes. */
  compensateBelow(index: number): void {
    let i = this.saga.redriving === null ? index : -1;
    while (i >= 0 && this.def.steps[i]!.compensation === null) i--;
    if (i >= 0) return this.sendCompensation(i, 1);
    const status = this.saga.deadLetters > 0 ? SagaStatus.Failed : SagaStatus.Compensated;
    this.event({ kind: status === SagaStatus.Failed ? 'failed' : 'compensated' });
    this.update({ status, waiting: 'nothing', deadlineTick: null, redriving: null });
  }

  /**
   * A compensation refused for good: the step cannot be undone (the parcel left). Undoing the
   * steps below it would make things worse (goods shipped and the money back), so the saga
   * stops here, ESCALATED, with a dead letter a person resolves once they have dealt with it.
   */
  escalate(reason: string): void {
    const step = this.def.steps[this.saga.step]!;
    this.event({ kind: 'escalated', command: step.compensation!, reason });
    this.leaveDeadLetter({
      kind: 'compensation',
      step: this.saga.step,
      command: step.compensation!,
      reason: `refused for good: ${reason}`,
    });
    this.update({
      status: SagaStatus.Escalated,
      waiting: 'nothing',
      deadlineTick: null,
      deadLetters: this.saga.deadLetters + 1,
      redriving: null,
    });
  }

  complete(): void {
    for (const c of this.def.onCompleted) this.commands.push({ service: c.service, type: c.command });
    this.event({ kind: 'completed' });
    this.update({ status: SagaStatus.Completed, waiting: 'nothing', deadlineTick: null });
  }

  /** After a timeout or a failed compensation: wait and try again, or give up on the action. */
  retryOrGiveUp(): void {
    const { saga } = this;
    const step = this.def.steps[saga.step]!;
    const running = saga.status === SagaStatus.Running;
    const policy = running ? step.retry : step.compensationRetry;
    if (saga.attempt < policy.maxAttempts) {
      const wait = backoffTicks(policy, saga.attempt);
      this.event({ kind: 'retry-scheduled', waitTicks: wait });
      return this.update({ waiting: 'backoff', deadlineTick: this.now + wait });
    }
    if (running) {
      // No answer: the step may or may not have happened, so its own compensation runs too.
      this.event({ kind: 'step-gave-up', step: step.name, attempts: saga.attempt });
      this.leaveDeadLetter({
        kind: 'step',
        step: saga.step,
        command: step.command,
        reason: `no answer after ${saga.attempt} attempts; compensated`,
      });
      return this.beginCompensation(saga.step);
    }
    this.event({ kind: 'compensation-gave-up', command: step.compensation!, attempts: saga.attempt });
    this.leaveDeadLetter({
      kind: 'compensation',
      step: saga.step,
      command: step.compensation!,
      reason: `no success after ${saga.attempt} attempts`,
    });
    this.update({ deadLetters: saga.deadLetters + 1 });
    this.compensateBelow(saga.step - 1);
  }

  result(): Transition {
    const changed = this.changed || this.commands.length > 0;
    return {
      saga: changed ? { ...this.saga, version: this.saga.version + 1 } : this.saga,
      commands: this.commands,
      deadLetters: this.deadLetters,
      events: this.events,
      log: this.events.map(describeSagaEvent),
    };
  }

  /** Changes the saga's state. */
  update(patch: Partial<SagaState>): void {
    this.saga = { ...this.saga, ...patch };
    this.changed = true;
  }
}

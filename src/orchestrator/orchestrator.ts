import { sql } from 'kysely';
import type { Message } from '../broker/index.js';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import type { TimerData, TraceEvent } from '../kernel/index.js';
import {
  OperatorAction,
  parseReplyType,
  PLACE_ORDER,
  Reconcile,
  readsAtRelease,
  replyType,
  sagaIdFor,
  type SweepAnswer,
  type SweepBody,
  type DeadLetterBody,
  type OperatorBody,
  type OrderPayload,
  type ReplyBody,
} from '../protocol/index.js';
import { arg, Prepared, queryBuilder, type Database, type SqlValue } from '../store/index.js';
import { ORCHESTRATOR_MIGRATIONS, type DeadLetterState, type OrchestratorTables, type SagasTable } from './orchestrator-tables.js';
import {
  DEFAULT_APPROVAL,
  DEFAULT_RECONCILIATION,
  PLACE_ORDER_SAGA,
  type ApprovalPolicy,
  type ReconciliationPolicy,
  type SagaDefinition,
} from './saga-definition.js';
import {
  handsOver,
  isTerminal,
  isWatched,
  SagaStatus,
  UNFINISHED_STATUSES,
  type DeadLetterKind,
  type SagaEvent,
  type SagaState,
  type Waiting,
} from './saga-state.js';
import { newSaga, transition } from './transition.js';

/**
 * Drives every order's saga. The decisions come from the pure `transition`; this handler is
 * the glue that runs each one inside the local transaction the endpoint opened (load,
 * decide, save, log, outbox) and arms a timer for the saga's next deadline once it has committed.
 */
class OrchestratorHandler implements Handler {
  private readonly findSaga;
  private readonly findSagaByOrder;
  private readonly insertSaga;
  private readonly updateSaga;
  private readonly insertLog;
  private readonly insertDeadLetter;
  private readonly findDeadLetter;
  private readonly actOnDeadLetter;
  private readonly findRedriveRequested;
  private readonly closeApprovalLetters;
  private readonly findUnfinished;
  private readonly setResting;
  /** Whether the reconciler rests, as the database says (read once per start). */
  private resting: boolean;
  /**
   * Committed state of the sagas still running: memory that spares a read per reply and
   * per timer. A crash forgets it; a miss reads the database, which holds the same state.
   */
  private readonly cache = new Map<string, SagaState>();

  constructor(
    db: Database,
    private readonly env: HandlerEnv,
    private readonly def: SagaDefinition,
    private readonly approval: ApprovalPolicy,
    private readonly reconciliation: ReconciliationPolicy,
  ) {
    const q = queryBuilder<OrchestratorTables>();
    this.findSaga = new Prepared(db, q.selectFrom('sagas').selectAll().where('id', '=', arg('id')));
    this.findSagaByOrder = new Prepared(db, q.selectFrom('sagas').select('id').where('order_id', '=', arg('orderId')));
    const columns = {
      status: arg<SagaStatus>('status'),
      step: arg<number>('step'),
      attempt: arg<number>('attempt'),
      waiting: arg<Waiting>('waiting'),
      deadline_tick: arg<number | null>('deadlineTick'),
      compensate_from: arg<number | null>('compensateFrom'),
      dead_letters: arg<number>('deadLetters'),
      redriving: arg<number | null>('redriving'),
      late_undos: arg<number>('lateUndos'),
      approved_by: arg<string | null>('approvedBy'),
      version: arg<number>('version'),
      ended_tick: arg<number | null>('endedTick'),
    };
    // A saga ends once: a late resend of a compensation keeps the tick it first ended at. A redrive starts it again.
    const keepEnded = {
      ...columns,
      ended_tick: sql<
        number | null
      >`case when ${arg<number | null>('endedTick')} is null then null else coalesce(ended_tick, ${arg<number | null>('endedTick')}) end`,
    };
    this.insertSaga = new Prepared(
      db,
      q.insertInto('sagas').values({
        ...columns,
        id: arg('id'),
        order_id: arg('orderId'),
        payload: arg('payload'),
        started_tick: arg<number>('tick'),
        progress_tick: arg<number>('tick'),
      }),
    );
    this.updateSaga = new Prepared(
      db,
      q
        .updateTable('sagas')
        // A retry is not progress: the tick moves only with a new step or status.
        .set({ ...keepEnded, progress_tick: sql<number>`coalesce(${arg<number | null>('progressTick')}, progress_tick)` })
        .where('id', '=', arg('id')),
    );
    this.insertLog = new Prepared(
      db,
      q.insertInto('saga_log').values({
        saga_id: arg('id'),
        tick: arg<number>('tick'),
        status: arg<SagaStatus>('status'),
        step: arg<number>('step'),
        note: arg('note'),
      }),
    );
    this.insertDeadLetter = new Prepared(
      db,
      q.insertInto('dead_letters').values({
        saga_id: arg('id'),
        kind: arg<DeadLetterKind>('kind'),
        step: arg<number>('step'),
        command: arg('command'),
        reason: arg('reason'),
        tick: arg<number>('tick'),
        state: arg<DeadLetterState>('state'),
      }),
    );
    this.findDeadLetter = new Prepared(db, q.selectFrom('dead_letters').selectAll().where('seq', '=', arg<number>('seq')).limit(1));
    this.actOnDeadLetter = new Prepared(
      db,
      q
        .updateTable('dead_letters')
        .set({ state: arg<DeadLetterState>('state'), acted_by: arg('by'), acted_tick: arg<number>('tick'), note: arg('note') })
        .where('seq', '=', arg<number>('seq')),
    );
    this.findRedriveRequested = new Prepared(
      db,
      q
        .selectFrom('dead_letters')
        .selectAll()
        .where('saga_id', '=', arg('id'))
        .where('state', '=', 'redrive-requested')
        .orderBy('seq')
        .limit(1),
    );
    // A decision on an order whose approval was escalated: the dead letter it left is done with.
    this.closeApprovalLetters = new Prepared(
      db,
      q
        .updateTable('dead_letters')
        .set({ state: 'resolved', acted_by: arg('by'), acted_tick: arg<number>('tick'), note: arg('note') })
        .where('saga_id', '=', arg('id'))
        .where('kind', '=', 'approval')
        .where('state', '=', 'open'),
    );
    // What a sweep reads: the sagas not ended (no index on status: a sweep comes every few hundred ticks, a transition every tick).
    this.findUnfinished = new Prepared(
      db,
      q
        .selectFrom('sagas')
        .select(['id', 'status', 'deadline_tick', 'progress_tick'])
        .where('status', 'in', UNFINISHED_STATUSES)
        .orderBy('started_tick')
        .orderBy('id'),
    );
    this.setResting = new Prepared(
      db,
      q
        .insertInto('reconciler_watch')
        .values({ id: 0, resting: arg<number>('resting') })
        .onConflict((oc) => oc.column('id').doUpdateSet({ resting: arg<number>('resting') })),
    );
    this.resting = (db.prepare('select resting from reconciler_watch').get() as { resting: number } | undefined)?.resting === 1;
    // Recovery after a (re)start: every saga still waiting gets its timer back.
    if (env.defences.recovery) this.rearmTimers(db);
  }

  handle(tx: HandlerTx, message: Message): HandleOutcome | void {
    if (message.type === PLACE_ORDER) {
      const payload = JSON.parse(message.body) as OrderPayload;
      if (this.findSagaByOrder.get({ orderId: payload.orderId })) {
        tx.note(`a saga for ${payload.orderId} exists (business key)`);
        return 'duplicate';
      }
      const saga = newSaga(sagaIdFor(payload.orderId), payload);
      tx.note(`saga ${saga.id} for ${payload.orderId}`);
      return this.apply1(tx, saga, { kind: 'start' }, true);
    }
    if (message.type === OperatorAction.redrive || message.type === OperatorAction.resolve) return this.onOperator(tx, message);
    if (message.type === OperatorAction.approve || message.type === OperatorAction.reject) return this.onDecision(tx, message);
    if (message.type === Reconcile.sweep) return this.onSweep(tx, message);
    const reply = parseReplyType(message.type);
    if (!reply) throw new Error(`orchestrator cannot handle ${message.type}`);
    const saga = this.load(message.sagaId);
    if (!saga) return tx.note('reply for an unknown saga ignored');
    const { reason, permanent, chargeId } = JSON.parse(message.body) as ReplyBody;
    if (chargeId !== undefined) tx.note(chargeId === null ? 'no charge id: written before payment knew it' : `charge ${chargeId}`);
    this.apply1(
      tx,
      saga,
      {
        kind: 'reply',
        command: reply.command,
        ok: reply.ok,
        ...(reason === undefined ? {} : { reason }),
        ...(permanent ? { permanent } : {}),
      },
      false,
    );
  }

  /**
   * A person acts on a dead letter (the CLI checked it exists and is theirs to act on; a
   * letter acted on since is left as it is). A redrive starts at once on a saga that has
   * ended, or waits for the compensation in progress; a resolution counts the compensation done.
   */
  private onOperator(tx: HandlerTx, message: Message): void {
    const { deadLetter: seq, by, note } = JSON.parse(message.body) as DeadLetterBody;
    const letter = this.findDeadLetter.get({ seq });
    const saga = this.load(message.sagaId);
    if (!letter || !saga || letter.saga_id !== saga.id || letter.kind !== 'compensation')
      return tx.note(`no dead letter ${seq} of ${message.sagaId} to act on`);
    const waiting = letter.state === 'open' || letter.state === 'redrive-requested';
    if (!waiting || (message.type === OperatorAction.redrive && letter.state !== 'open'))
      return tx.note(`dead letter ${seq} is ${letter.state}: nothing to do`);
    const event = { letter: seq, step: letter.step, by, note };
    if (message.type === OperatorAction.resolve) {
      this.actOnDeadLetter.run({ seq, state: 'resolved', by, tick: tx.now, note });
      return this.apply1(tx, saga, { kind: 'resolve', ...event }, false);
    }
    const starts = handsOver(saga.status) && saga.redriving === null;
    this.actOnDeadLetter.run({ seq, state: starts ? 'redriven' : 'redrive-requested', by, tick: tx.now, note });
    this.apply1(tx, saga, { kind: 'redrive', ...event }, false);
  }

  /** A person approves or rejects an order awaiting approval; one escalated to them leaves its dead letter resolved. */
  private onDecision(tx: HandlerTx, message: Message): void {
    const { by, note } = JSON.parse(message.body) as OperatorBody;
    const saga = this.load(message.sagaId);
    if (!saga) return tx.note(`no saga ${message.sagaId} to decide on`);
    const kind = message.type === OperatorAction.approve ? 'approve' : 'reject';
    // The escalation's letter says what was decided, and why.
    const decided = `${kind === 'approve' ? 'approved' : 'rejected'}${note ? `: ${note}` : ''}`;
    if (saga.status === SagaStatus.AwaitingApproval) this.closeApprovalLetters.run({ id: saga.id, by, tick: tx.now, note: decided });
    this.apply1(tx, saga, { kind, by, note }, false);
  }

  /**
   * The reconciler asks for a sweep: every saga that made no progress for longer than its SLA
   * and whose own deadline passed more than a sweep ago (its timer is lost) is stuck, and gets
   * the `stuck` transition, in this transaction. The answer says how many sagas are still the
   * machine's to drive (an order escalated to a person is not); with none, the reconciler rests.
   */
  private onSweep(tx: HandlerTx, message: Message): void {
    const { sweep } = JSON.parse(message.body) as SweepBody;
    const { stuckAfterTicks, compensateAfterTicks, sweepEveryTicks } = this.reconciliation;
    const now = tx.now;
    let active = 0;
    const stuck: string[] = [];
    for (const row of this.findUnfinished.all()) {
      if (!isWatched({ status: row.status, deadlineTick: row.deadline_tick })) continue;
      active++;
      const idleTicks = now - row.progress_tick;
      const timerLost = row.deadline_tick === null || now - row.deadline_tick >= sweepEveryTicks;
      if (idleTicks < stuckAfterTicks || !timerLost) continue;
      stuck.push(row.id);
      this.apply1(tx, this.load(row.id)!, { kind: 'stuck', idleTicks, compensate: idleTicks >= compensateAfterTicks }, false);
    }
    tx.note(`sweep ${sweep}: ${stuck.length} stuck of ${active} unfinished`);
    // The reconciler rests exactly when told there is nothing to watch; a saga that starts while it rests wakes it.
    if ((active === 0) !== this.resting) this.rest(tx, active === 0);
    const answer: SweepAnswer = { sweep, stuck, active };
    tx.send('reconciler', replyType(Reconcile.sweep, true), '', JSON.stringify(answer));
  }

  /** Records whether the reconciler rests; the memory follows once the transaction commits. */
  private rest(tx: HandlerTx, resting: boolean): void {
    this.setResting.run({ resting: resting ? 1 : 0 });
    tx.afterCommit(() => (this.resting = resting));
  }

  /** Runs one transition and writes everything it decided, inside the current transaction. */
  private apply1(tx: HandlerTx, before: SagaState, event: SagaEvent, isNew: boolean): void {
    const now = tx.now;
    const { saga, commands, deadLetters, events, log } = transition(this.def, before, event, now, {
      retryCompensations: this.env.defences.compensationRetry,
      approval: this.approval,
      boundLateSuccesses: this.env.defences.idempotency,
    });
    const row = {
      id: saga.id,
      status: saga.status,
      step: saga.step,
      attempt: saga.attempt,
      waiting: saga.waiting,
      deadlineTick: saga.deadlineTick,
      compensateFrom: saga.compensateFrom,
      deadLetters: saga.deadLetters,
      version: saga.version,
      redriving: saga.redriving,
      lateUndos: saga.lateUndos,
      approvedBy: saga.approvedBy,
      endedTick: isTerminal(saga.status) ? now : null,
      progressTick: saga.status !== before.status || saga.step !== before.step ? now : null,
    } satisfies Record<string, SqlValue>;
    if (isNew) this.insertSaga.run({ ...row, orderId: saga.orderId, payload: JSON.stringify(saga.payload), tick: now });
    else if (saga.version !== before.version) this.updateSaga.run(row);
    // One row per transition, its notes together: the saga's story, a line per decision.
    if (log.length > 0) this.insertLog.run({ id: saga.id, tick: now, status: saga.status, step: saga.step, note: log.join('; ') });
    for (const d of deadLetters)
      this.insertDeadLetter.run({
        id: saga.id,
        kind: d.kind,
        step: d.step,
        command: d.command,
        reason: d.reason,
        tick: now,
        // A forward step given up on is recorded for the operator, and closed: the saga undid it itself.
        state: d.kind === 'step' ? 'closed' : 'open',
      });
    const body = JSON.stringify(saga.payload);
    for (const c of commands) tx.send(c.service, c.type, saga.id, body);
    // A saga that starts (or starts again) while the reconciler rests wakes it: there is something to watch again.
    if (this.resting && isWatched(saga) && (isNew || !isWatched(before))) {
      tx.send('reconciler', Reconcile.wake, '', '{}');
      this.rest(tx, false);
    }

    const event1: TraceEvent = {
      kind: 'saga',
      tick: now,
      actor: 'orchestrator',
      sagaId: saga.id,
      detail: `${saga.status} ${this.def.steps[saga.step]!.name}: ${log.join('; ')}`,
      facts: events,
    };
    tx.emit(event1);
    for (const d of deadLetters) {
      if (d.kind !== 'step')
        tx.emit({ kind: 'dead-letter', tick: now, actor: 'orchestrator', type: d.command, sagaId: saga.id, detail: d.reason });
    }
    // A redrive asked for while the saga was still compensating starts once it has ended.
    if (handsOver(saga.status) && saga.redriving === null && saga.version !== before.version) {
      const requested = this.findRedriveRequested.get({ id: saga.id });
      if (requested) {
        this.actOnDeadLetter.run({ seq: requested.seq, state: 'redriven', by: requested.acted_by, tick: now, note: requested.note });
        const redrive = {
          kind: 'redrive',
          letter: requested.seq,
          step: requested.step,
          by: requested.acted_by ?? '?',
          note: requested.note ?? '',
        } as const;
        this.apply1(tx, saga, redrive, false);
      }
    }
    if (saga.version !== before.version) {
      tx.afterCommit(() => {
        if (isTerminal(saga.status)) this.cache.delete(saga.id);
        else this.cache.set(saga.id, saga);
        // The saga's timer for its previous version is moot: the new deadline replaces it, or none does.
        if (saga.deadlineTick !== null && this.timed(saga.status)) this.arm(saga.id, saga.version, saga.deadlineTick);
        else this.env.timers.cancel(saga.id);
      });
    }
  }

  private arm(sagaId: string, version: number, dueTick: number): void {
    this.env.timers.at(dueTick, { sagaId, version }, sagaId);
  }

  /** A deadline is due: the saga times out, unless it has moved on since the timer was set (then the timer is stale, nothing to do). */
  onTimer(data: TimerData, dueTick: number): void {
    const sagaId = String(data.sagaId);
    const version = Number(data.version);
    if (!isDue(this.load(sagaId), version, dueTick)) return;
    this.env.transact((tx) => {
      const saga = this.load(sagaId);
      if (isDue(saga, version, dueTick)) this.apply1(tx, saga, { kind: 'deadline' }, false);
    });
  }

  /** Whether a saga in `status` waits on a timer: step timeouts can be switched off, an approval's SLA is the business's and cannot. */
  private timed(status: SagaStatus): boolean {
    return this.env.defences.timeouts || status === SagaStatus.AwaitingApproval;
  }

  /** After a restart: every saga still waiting gets its timer back from the deadline it persisted. */
  private rearmTimers(db: Database): void {
    const waiting = new Prepared(
      db,
      queryBuilder<OrchestratorTables>()
        .selectFrom('sagas')
        .select(['id', 'status', 'version', 'deadline_tick'])
        .where('status', 'in', UNFINISHED_STATUSES)
        .where('deadline_tick', 'is not', null)
        .orderBy('deadline_tick')
        .orderBy('id'),
    );
    for (const s of waiting.all()) if (this.timed(s.status)) this.arm(s.id, s.version, s.deadline_tick!);
  }

  private load(id: string): SagaState | null {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const row = this.findSaga.get({ id });
    return row ? toState(row) : null;
  }
}

/** The orchestrator as a component: its tables, and its handler running `def` (the shop's saga unless told otherwise) under an approval policy. */
export function orchestratorComponent(
  def: SagaDefinition = PLACE_ORDER_SAGA,
  approval: ApprovalPolicy = DEFAULT_APPROVAL,
  reconciliation: ReconciliationPolicy = DEFAULT_RECONCILIATION,
  release = 1,
): ComponentDefinition {
  return {
    name: 'orchestrator',
    // Release 2 reads payment's replies with the charge's id (version 2), and older ones brought up to it.
    reads: readsAtRelease(release),
    migrations: ORCHESTRATOR_MIGRATIONS,
    createHandler: (db, env) => new OrchestratorHandler(db, env, def, approval, reconciliation),
  };
}

function toState(row: SagasTable): SagaState {
  return {
    id: row.id,
    orderId: row.order_id,
    status: row.status,
    step: row.step,
    attempt: row.attempt,
    waiting: row.waiting,
    deadlineTick: row.deadline_tick,
    compensateFrom: row.compensate_from,
    deadLetters: row.dead_letters,
    redriving: row.redriving,
    approvedBy: row.approved_by,
    payload: JSON.parse(row.payload) as OrderPayload,
    version: row.version,
    lateUndos: row.late_undos,
  };
}

/** Whether a deadline set for `version` at `dueTick` still stands: the saga has not moved on since. */
function isDue(saga: SagaState | null, version: number, dueTick: number): saga is SagaState {
  return saga !== null && saga.version === version && saga.deadlineTick === dueTick;
}

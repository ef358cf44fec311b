import { sql } from 'kysely';
import type { Message } from '../broker/index.js';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import type { TimerData } from '../kernel/index.js';
import {
  ABORTS,
  bitsSet,
  ASK_DECISION,
  DECISION_MESSAGES,
  parseReplyType,
  PARTICIPANTS,
  PLACE_ORDER,
  serviceOf,
  SagaStatus,
  type OrderPayload,
  type ReplyBody,
  type ServiceFact,
} from '../protocol/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import type { AskBody } from './participant.js';

export type Decision = keyof typeof DECISION_MESSAGES;

/**
 * Where a transaction stands: PREPARING (votes coming in), then its decision, COMMITTING or
 * ABORTING (told to every participant, acknowledgements coming in), then COMMITTED or ABORTED
 * (every participant acknowledged: the coordinator may forget it), or FAILED: an abort a
 * participant refused every time it was sent, left to a person with what it still holds.
 */
export type TransactionState = 'PREPARING' | 'COMMITTING' | 'ABORTING' | 'COMMITTED' | 'ABORTED' | 'FAILED';

/**
 * The coordinator's decision log: one row per transaction. The decision is written in the same
 * local transaction that puts its messages in the outbox, so a coordinator restarted from its
 * database tells the participants the decision it took, never the other one.
 */
export interface TransactionsTable {
  saga_id: string;
  order_id: string;
  payload: string;
  state: TransactionState;
  /** Bit i: participant i voted yes. */
  votes: number;
  /** Bit i: decision message i was acknowledged. */
  acks: number;
  /** Why it was decided so. */
  reason: string | null;
  /** When its timer is due: the end of the vote, or the next time unacknowledged decisions are sent again. */
  due_tick: number | null;
  /** 1 when a start that skipped its recovery found it overdue: stuck until a message reminded the coordinator. */
  stuck: number;
  /** How often the unacknowledged decisions were sent again on its timer (an abort's budget), and to a participant that asked. */
  resends: number;
  answered: number;
  started_tick: number;
  decided_tick: number | null;
  ended_tick: number | null;
}

interface CoordinatorTables {
  transactions: TransactionsTable;
}

const q = queryBuilder<CoordinatorTables>();

/** The orchestrated style's words for where a transaction stands, so one checker reads every style. */
const STATUS_OF_STATE = sql<SagaStatus>`case state when 'COMMITTED' then ${SagaStatus.Completed} when 'ABORTED' then ${SagaStatus.Compensated} when 'ABORTING' then ${SagaStatus.Compensating} when 'FAILED' then ${SagaStatus.Failed} else ${SagaStatus.Running} end`;

/** What the checker, `saga sagas` and `saga compare` read of the coordinator. */
export const COORDINATOR_SNAPSHOT = {
  sagas: q
    .selectFrom('transactions')
    .select([
      'saga_id as id',
      'order_id as orderId',
      STATUS_OF_STATE.as('status'),
      sql<number>`json_extract(payload, '$.amountCents')`.as('amountCents'),
      sql<null>`null`.as('approvedBy'),
      'started_tick as startedTick',
      'ended_tick as endedTick',
    ])
    .orderBy('started_tick')
    .orderBy('saga_id'),
  /** Decisions sent again: each resend is one more message of every decision not yet acknowledged. */
  resends: q
    .selectFrom('transactions')
    .select(['saga_id as sagaId', sql<number>`resends + answered`.as('nudges')])
    .where(sql<number>`resends + answered`, '>', 0)
    .orderBy('saga_id'),
  /** Transactions a start without its recovery left overdue, found when a message reminded the coordinator. */
  stuck: q.selectFrom('transactions').select('saga_id as sagaId').where('stuck', '=', 1).orderBy('saga_id'),
  /** Transactions left to a person, with the aborts acknowledged (the others are what the person must finish). */
  failed: q.selectFrom('transactions').select(['saga_id as sagaId', 'acks']).where('state', '=', 'FAILED').orderBy('saga_id'),
};

/** Each transaction as `saga sagas` lists it: where it stands in the coordinator's own words, and in the sagas'. */
export const TRANSACTIONS_VIEW = q
  .selectFrom('transactions')
  .select([
    'saga_id as id',
    'order_id as orderId',
    STATUS_OF_STATE.as('status'),
    'state',
    'votes',
    sql<number>`resends + answered`.as('resends'),
    'started_tick as startedTick',
    sql<number>`coalesce(ended_tick, decided_tick, started_tick)`.as('lastChangeTick'),
  ])
  .orderBy('started_tick')
  .orderBy('saga_id');

const COORDINATOR_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('transactions')
      .addColumn('saga_id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('votes', 'integer', (c) => c.notNull())
      .addColumn('acks', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('due_tick', 'integer')
      .addColumn('resends', 'integer', (c) => c.notNull())
      .addColumn('answered', 'integer', (c) => c.notNull())
      .addColumn('stuck', 'integer', (c) => c.notNull())
      .addColumn('started_tick', 'integer', (c) => c.notNull())
      .addColumn('decided_tick', 'integer')
      .addColumn('ended_tick', 'integer'),
  ],
];

/**
 * How long the coordinator waits for every vote before it aborts (presumed abort), how long
 * before it sends a decision not yet acknowledged again, doubling up to a cap, and how often
 * it sends an abort before leaving it to a person (a commit it sends until it is done: a yes
 * was a promise that it would succeed). Nothing bounds how long a participant that voted yes
 * waits: that is two-phase commit.
 */
export interface CoordinatorPolicy {
  readonly voteTimeoutTicks: number;
  readonly resendTicks: number;
  readonly maxResendTicks: number;
  readonly maxAbortResends: number;
}

const DEFAULT_COORDINATOR: CoordinatorPolicy = Object.freeze({
  voteTimeoutTicks: 200,
  resendTicks: 100,
  maxResendTicks: 800,
  maxAbortResends: 8,
});

const ALL_VOTES = (1 << PARTICIPANTS.length) - 1;
const allAcks = (decision: Decision): number => (1 << DECISION_MESSAGES[decision].length) - 1;
/** The decision a transaction's log holds (being told, applied, or left to a person), or null while the vote is open. */
const decisionIn = (state: TransactionState): Decision | null =>
  state === 'PREPARING' ? null : state === 'COMMITTING' || state === 'COMMITTED' ? 'COMMIT' : 'ABORT';

/**
 * The coordinator of the two-phase commit. For each order it asks every participant to
 * prepare at once; every yes makes it decide COMMIT, the first no ABORT, and a vote missing
 * after `voteTimeoutTicks` ABORT too (presumed abort). It logs the decision, tells every
 * participant, and sends it again until each has acknowledged. The `timeouts` defence is its
 * vote timeout, `compensationRetry` its resends, `recovery` the timers it re-arms from its log
 * at a start. `reconciliation` finds the transactions nobody moves on: the participants in
 * doubt ask for the decision (see participant.ts), and a start that skipped its recovery
 * re-arms its timers at the first message it hears, marking those overdue as stuck.
 */
class CoordinatorHandler implements Handler {
  private readonly find;
  private readonly insert;
  private readonly update;
  /** The due tick of each transaction's timer set by this start of the coordinator: a crash forgets them with the timers. */
  private readonly armed = new Map<string, number>();
  private readonly open;
  private readonly markStuck;
  /** Whether this start armed every open transaction's timer: at once, or, after a start that skipped its recovery, at its first message. */
  private rearmed = false;

  constructor(
    db: Database,
    private readonly env: HandlerEnv,
    private readonly policy: CoordinatorPolicy,
  ) {
    this.find = new Prepared(db, q.selectFrom('transactions').selectAll().where('saga_id', '=', arg('sagaId')));
    this.insert = new Prepared(
      db,
      q.insertInto('transactions').values({
        saga_id: arg('sagaId'),
        order_id: arg('orderId'),
        payload: arg('payload'),
        state: 'PREPARING',
        votes: 0,
        acks: 0,
        reason: null,
        due_tick: arg<number | null>('due'),
        resends: 0,
        answered: 0,
        stuck: 0,
        started_tick: arg<number>('tick'),
        decided_tick: null,
        ended_tick: null,
      }),
    );
    this.update = new Prepared(
      db,
      q
        .updateTable('transactions')
        .set({
          state: arg<TransactionState>('state'),
          votes: arg<number>('votes'),
          acks: arg<number>('acks'),
          reason: arg<string | null>('reason'),
          due_tick: arg<number | null>('due'),
          resends: arg<number>('resends'),
          answered: arg<number>('answered'),
          decided_tick: arg<number | null>('decided'),
          ended_tick: arg<number | null>('ended'),
        })
        .where('saga_id', '=', arg('sagaId')),
    );
    this.markStuck = new Prepared(
      db,
      q.updateTable('transactions').set({ stuck: 1 }).where('due_tick', 'is not', null).where('due_tick', '<', arg<number>('now')),
    );
    this.open = new Prepared(
      db,
      q
        .selectFrom('transactions')
        .select(['saga_id as sagaId', 'due_tick as due'])
        .where('due_tick', 'is not', null)
        .orderBy('due_tick')
        .orderBy('saga_id'),
    );
    // Recovery after a (re)start: every open transaction gets its timer back from its log (one past due fires at once).
    if (env.defences.recovery) this.rearm();
  }

  /** Arms the timer of every open transaction that has none from this start of the coordinator. */
  private rearm(): void {
    this.rearmed = true;
    for (const t of this.open.all()) if (this.armed.get(t.sagaId) !== t.due) this.arm(t.sagaId, t.due!);
  }

  handle(tx: HandlerTx, message: Message): HandleOutcome | void {
    // A start that skipped its recovery is reminded by the first message it hears, whatever transaction it is about:
    // each transaction overdue by then was stuck, and the log says so.
    if (!this.rearmed && this.env.defences.reconciliation) {
      if (this.markStuck.run({ now: tx.now }) > 0) tx.note('timers lost by a start without recovery: re-armed');
      tx.afterCommit(() => this.rearm());
    }
    if (message.type === PLACE_ORDER) return this.begin(tx, message);
    if (message.type === ASK_DECISION) return this.answer(tx, message);
    const reply = parseReplyType(message.type);
    if (reply === null) throw new Error(`coordinator cannot handle ${message.type}`);
    const t = this.find.get({ sagaId: message.sagaId });
    if (!t) return tx.note('answer for an unknown transaction ignored');
    const { reason } = JSON.parse(message.body) as ReplyBody;
    const voter = PARTICIPANTS.findIndex((p) => p.prepare === reply.command);
    if (voter >= 0) return this.vote(tx, t, voter, reply.ok, reason);
    return this.acknowledged(tx, t, reply.command, reply.ok, reason);
  }

  /** A new order: its transaction starts, and every participant is asked to prepare. */
  private begin(tx: HandlerTx, message: Message): HandleOutcome | void {
    const sagaId = message.sagaId;
    if (this.find.get({ sagaId })) {
      tx.note('a transaction for this order exists (business key)');
      return 'duplicate';
    }
    const order = JSON.parse(message.body) as OrderPayload;
    const due = this.env.defences.timeouts ? tx.now + this.policy.voteTimeoutTicks : null;
    this.insert.run({ sagaId, orderId: order.orderId, payload: message.body, due, tick: tx.now });
    for (const p of PARTICIPANTS) tx.send(p.service, p.prepare, sagaId, message.body);
    tx.note(`PREPARING: ${PARTICIPANTS.map((p) => p.service).join(', ')} asked to prepare`);
    this.armAfterCommit(tx, sagaId, due);
  }

  private vote(tx: HandlerTx, t: TransactionsTable, voter: number, yes: boolean, reason: string | undefined): HandleOutcome | void {
    const service = PARTICIPANTS[voter]!.service;
    // Too late to count: the abort already on its way to this participant undoes what it prepared.
    if (t.state !== 'PREPARING') return tx.note(`${yes ? 'yes' : 'no'} from ${service} after the decision (${t.state}): ignored`);
    if (!yes) return tx.note(this.decide(tx, t, 'ABORT', `${service} voted no${reason ? `: ${reason}` : ''}`, 'no-vote'));
    const bit = 1 << voter;
    if (t.votes & bit) return 'duplicate';
    const votes = t.votes | bit;
    if (votes === ALL_VOTES) return tx.note(this.decide(tx, { ...t, votes }, 'COMMIT', 'every participant voted yes', 'votes'));
    this.save(t, { votes });
    tx.note(`yes from ${service} (${bitsSet(votes)} of ${PARTICIPANTS.length})`);
  }

  private acknowledged(
    tx: HandlerTx,
    t: TransactionsTable,
    command: string,
    ok: boolean,
    reason: string | undefined,
  ): HandleOutcome | void {
    // An abort left to a person that gets done after all (its participant was down, not refusing) still counts.
    const decision = t.state === 'COMMITTED' || t.state === 'ABORTED' ? null : decisionIn(t.state);
    const i = decision === null ? -1 : DECISION_MESSAGES[decision].indexOf(command as never);
    if (decision === null || i < 0) return tx.note(`${command} answered while ${t.state}: nothing to do`);
    if (!ok) {
      const next =
        t.state === 'FAILED'
          ? 'it is left to a person'
          : t.due_tick === null
            ? 'it is not sent again (compensation retry is off)'
            : `the coordinator looks again at tick ${t.due_tick}`;
      return tx.note(`${command} failed${reason ? `: ${reason}` : ''}; ${next}`);
    }
    const bit = 1 << i;
    if (t.acks & bit) return 'duplicate';
    const acks = t.acks | bit;
    if (acks !== allAcks(decision)) {
      this.save(t, { acks });
      return tx.note(`${command} done (${bitsSet(acks)} of ${DECISION_MESSAGES[decision].length})`);
    }
    const state: TransactionState = decision === 'COMMIT' ? 'COMMITTED' : 'ABORTED';
    this.save(t, { acks, state, due_tick: null, ended_tick: tx.now });
    tx.fact({ kind: 'saga-ended', status: decision === 'COMMIT' ? SagaStatus.Completed : SagaStatus.Compensated });
    tx.note(`${state}: every participant acknowledged`);
  }

  /**
   * A participant in doubt asks for the decision: it is sent to it again. Still undecided past
   * the end of the vote, the coordinator lost the timer that should have ended it (a restart
   * without its recovery): it aborts now, as that timer would have (presumed abort).
   */
  private answer(tx: HandlerTx, message: Message): void {
    const { participant } = JSON.parse(message.body) as AskBody;
    const t = this.find.get({ sagaId: message.sagaId });
    if (!t) return tx.note(`${participant} asks about an unknown transaction`);
    if (t.state === 'FAILED') return tx.note(`${participant} asks; its abort is left to a person`);
    const decision = decisionIn(t.state);
    if (decision === null) {
      const over = t.started_tick + this.policy.voteTimeoutTicks;
      if (!this.env.defences.timeouts) return tx.note(`${participant} asks; with timeouts off the vote never closes`);
      if (tx.now < over) return tx.note(`${participant} asks; the vote is open until tick ${over}`);
      return tx.note(
        this.decide(tx, t, 'ABORT', `${participant} asked, and the vote was over at tick ${over}: presumed abort`, 'vote-timeout'),
      );
    }
    // Telling a decision again is its retry: without compensation retry, the decision went out once.
    if (!this.env.defences.compensationRetry) return tx.note(`${participant} asks; ${decision} was sent once, and is not sent again`);
    const command = DECISION_MESSAGES[decision].find((c) => serviceOf(c) === participant)!;
    tx.send(participant, command, t.saga_id, t.payload);
    this.save(t, { answered: t.answered + 1 });
    tx.note(`${participant} asks: ${decision}, ${command} sent again`);
  }

  /** Logs `decision` and tells every participant; returns what it did, for the timeline. */
  private decide(
    tx: HandlerTx,
    t: TransactionsTable,
    decision: Decision,
    reason: string,
    why: 'votes' | 'no-vote' | 'vote-timeout',
  ): string {
    const due = this.env.defences.compensationRetry ? tx.now + this.policy.resendTicks : null;
    const state: TransactionState = decision === 'COMMIT' ? 'COMMITTING' : 'ABORTING';
    this.save(t, { state, reason, acks: 0, due_tick: due, decided_tick: tx.now });
    const sent = DECISION_MESSAGES[decision];
    for (const command of sent) tx.send(serviceOf(command), command, t.saga_id, t.payload);
    tx.fact({ kind: 'decided', decision, why });
    this.armAfterCommit(tx, t.saga_id, due);
    return `${decision} (${reason}): ${sent.join(', ')}`;
  }

  /** A transaction's timer: the vote is over (presumed abort), or decisions wait for acknowledgement (sent again). */
  onTimer(data: TimerData, dueTick: number): void {
    const sagaId = String(data.sagaId);
    if (this.armed.get(sagaId) === dueTick) this.armed.delete(sagaId);
    if (this.find.get({ sagaId })?.due_tick !== dueTick) return;
    this.env.transact((tx) => {
      const t = this.find.get({ sagaId })!;
      let detail: string;
      let fact: ServiceFact;
      if (t.state === 'PREPARING') {
        const missing = PARTICIPANTS.filter((_, i) => !(t.votes & (1 << i))).map((p) => p.service);
        const reason = `no vote from ${missing.join(', ')} within ${this.policy.voteTimeoutTicks} ticks: presumed abort`;
        detail = this.decide(tx, t, 'ABORT', reason, 'vote-timeout');
        fact = { kind: 'decided', decision: 'ABORT', why: 'vote-timeout' };
      } else if (t.state === 'ABORTING' && t.resends >= this.policy.maxAbortResends) {
        const unacked = ABORTS.filter((_, i) => !(t.acks & (1 << i)));
        this.save(t, { state: 'FAILED', due_tick: null, ended_tick: tx.now });
        detail = `FAILED: ${unacked.join(', ')} not done after ${this.policy.maxAbortResends + 1} sends; left to a person`;
        fact = { kind: 'saga-ended', status: SagaStatus.Failed };
      } else {
        const decision = decisionIn(t.state)!;
        const unacked = DECISION_MESSAGES[decision].filter((_, i) => !(t.acks & (1 << i)));
        for (const command of unacked) tx.send(serviceOf(command), command, sagaId, t.payload);
        const resends = t.resends + 1;
        const due = tx.now + Math.min(this.policy.maxResendTicks, this.policy.resendTicks * 2 ** resends);
        this.save(t, { resends, due_tick: due });
        this.armAfterCommit(tx, sagaId, due);
        detail = `${decision} not yet acknowledged: ${unacked.join(', ')} sent again`;
        fact = { kind: 'decision-resent', commands: unacked };
      }
      tx.emit({ kind: 'handle', tick: tx.now, actor: 'coordinator', type: 'timer', sagaId, detail, facts: [fact] });
    });
  }

  private save(t: TransactionsTable, change: Partial<TransactionsTable>): void {
    const n = { ...t, ...change };
    this.update.run({
      sagaId: n.saga_id,
      state: n.state,
      votes: n.votes,
      acks: n.acks,
      reason: n.reason,
      due: n.due_tick,
      resends: n.resends,
      answered: n.answered,
      decided: n.decided_tick,
      ended: n.ended_tick,
    });
  }

  private armAfterCommit(tx: HandlerTx, sagaId: string, due: number | null): void {
    if (due !== null) tx.afterCommit(() => this.arm(sagaId, due));
  }

  private arm(sagaId: string, due: number): void {
    this.armed.set(sagaId, due);
    this.env.timers.at(due, { sagaId });
  }
}

/** The coordinator as a component. */
export function coordinatorComponent(policy: CoordinatorPolicy = DEFAULT_COORDINATOR): ComponentDefinition {
  return {
    name: 'coordinator',
    migrations: COORDINATOR_MIGRATIONS,
    createHandler: (db, env) => new CoordinatorHandler(db, env, policy),
  };
}

import type { Message } from '../broker/index.js';
import type { ComponentDefinition, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import {
  FORWARD_STEPS,
  isTerminal,
  replyType,
  serviceOf,
  subscribersOf,
  parseReplyType,
  SagaStatus,
  type Compensator,
  type ServiceFact,
} from '../protocol/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { compensationsDue, compensationTrigger, fold, lastDone, progressOf, statusOf, undoneBit, type Progress } from './saga-progress.js';

/** Each saga the janitor has heard of: its progress folded from its events, and the order its events carry, to send again. */
export interface WatchTable {
  saga_id: string;
  payload: string;
  done: number;
  failed: number | null;
  undone: number;
  escalated: number;
  status: SagaStatus;
  last_tick: number;
  nudges: number;
  /** Bit i: the compensation of step i was left to a person (the janitor undid the rest without it). */
  skipped: number;
}

interface JanitorTables {
  watch: WatchTable;
}

const q = queryBuilder<JanitorTables>();

/** What the checker and `saga compare` read of the janitor: the sagas it had to nudge, and how often. */
export const JANITOR_SNAPSHOT = {
  nudged: q.selectFrom('watch').select(['saga_id as sagaId', 'nudges']).where('nudges', '>', 0).orderBy('saga_id'),
  /** Sagas with a compensation the janitor left to a person. */
  leftToPerson: q.selectFrom('watch').select('saga_id as sagaId').where('skipped', '>', 0).orderBy('saga_id'),
};

const JANITOR_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('watch')
      .addColumn('saga_id', 'text', (c) => c.primaryKey())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull())
      .addColumn('failed', 'integer')
      .addColumn('undone', 'integer', (c) => c.notNull())
      .addColumn('escalated', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('last_tick', 'integer', (c) => c.notNull())
      .addColumn('nudges', 'integer', (c) => c.notNull())
      .addColumn('skipped', 'integer', (c) => c.notNull()),
  ],
];

/**
 * How often the janitor looks for stalled sagas, how long without an event makes one stalled,
 * and how many nudges it gives a saga before leaving it to a person (a compensation the broker
 * dead-lettered will not happen however often it is asked for).
 */
interface JanitorPolicy {
  readonly sweepEveryTicks: number;
  readonly stalledAfterTicks: number;
  readonly maxNudges: number;
}

const DEFAULT_JANITOR: JanitorPolicy = Object.freeze({ sweepEveryTicks: 500, stalledAfterTicks: 1_000, maxNudges: 3 });

/**
 * The janitor of the choreographed saga. Without a coordinator nobody waits for a reply, so
 * a lost or stuck event leaves a saga where it is. The janitor hears every event and keeps
 * each saga's progress; while any saga is unfinished it sweeps on its own timer, and a saga
 * with no event for `stalledAfterTicks` is nudged: the event that should have moved it on
 * is published again to the services that react to it (they dedupe by business key), or,
 * while it compensates, the compensations still due are asked for again.
 *
 * With the janitor as compensator it also subscribes to the error topic: a failure event
 * makes it send the compensation of the step before the failed one, and each compensation
 * done the next, in reverse order of the steps (the Pub/Sub design). With either compensator,
 * a compensation still not done after its nudges is left to a person (the broker has parked
 * it) and the janitor sends the next one itself: the services' chain, which a parked link
 * would stop, carries on from there. Its sweep is the `reconciliation` defence.
 */
class JanitorHandler implements Handler {
  private readonly find;
  private readonly upsert;
  private readonly stalled;
  private readonly unfinished: Prepared<{ saga_id: string }>;
  private readonly nudged;
  private readonly skip;
  /** A sweep is due on the clock; a crash forgets it, and the start-up arms it again. */
  private armed = false;

  constructor(
    db: Database,
    private readonly env: HandlerEnv,
    private readonly compensator: Compensator,
    private readonly policy: JanitorPolicy,
  ) {
    this.find = new Prepared(db, q.selectFrom('watch').selectAll().where('saga_id', '=', arg('sagaId')));
    const row = {
      saga_id: arg('sagaId'),
      payload: arg('payload'),
      done: arg<number>('done'),
      failed: arg<number | null>('failed'),
      undone: arg<number>('undone'),
      escalated: arg<number>('escalated'),
      status: arg<SagaStatus>('status'),
      last_tick: arg<number>('tick'),
      nudges: 0,
      skipped: 0,
    };
    this.upsert = new Prepared(
      db,
      q
        .insertInto('watch')
        .values(row)
        .onConflict((oc) =>
          oc.column('saga_id').doUpdateSet({
            done: row.done,
            failed: row.failed,
            undone: row.undone,
            escalated: row.escalated,
            status: row.status,
            last_tick: row.last_tick,
          }),
        ),
    );
    const open: SagaStatus[] = [SagaStatus.Running, SagaStatus.Compensating];
    // A saga nudged as often as the policy allows is left to a person: it is no longer watched.
    const watched = q.selectFrom('watch').where('status', 'in', open).where('nudges', '<', policy.maxNudges);
    this.unfinished = new Prepared(db, watched.select('saga_id').limit(1));
    this.stalled = new Prepared(db, watched.selectAll().where('last_tick', '<=', arg<number>('before')).orderBy('saga_id'));
    this.skip = new Prepared(
      db,
      q
        .updateTable('watch')
        .set({
          undone: arg<number>('undone'),
          skipped: arg<number>('skipped'),
          status: arg<SagaStatus>('status'),
          nudges: 0,
          last_tick: arg<number>('tick'),
        })
        .where('saga_id', '=', arg('sagaId')),
    );
    this.nudged = new Prepared(
      db,
      q
        .updateTable('watch')
        .set((eb) => ({ last_tick: arg<number>('tick'), nudges: eb('nudges', '+', 1) }))
        .where('saga_id', '=', arg('sagaId')),
    );
    // Recovery after a (re)start: if a saga is still open, a sweep at once (a timer due in the past fires at the next tick).
    if (env.defences.reconciliation && env.defences.recovery && this.unfinished.get()) this.arm(0);
  }

  handle(tx: HandlerTx, message: Message): void {
    const { sagaId, type, body } = message;
    const row = this.find.get({ sagaId });
    const before = progressOf(row);
    const after = fold(before, type);
    const status = statusOf(after);
    this.upsert.run({
      sagaId,
      payload: row?.payload ?? body,
      done: after.done,
      failed: after.failed,
      undone: after.undone,
      escalated: after.escalated ? 1 : 0,
      status,
      tick: tx.now,
    });
    // One compensation at a time, latest step first: the next goes out when the one before it is done.
    const next = compensationsDue(after)[0];
    if (this.compensator === 'janitor' && next !== undefined && next !== compensationsDue(before)[0]) {
      tx.send(serviceOf(next), next, sagaId, row?.payload ?? body);
      tx.note(`${status}: ${next} sent`);
    } else tx.note(status);
    if (!isTerminal(status) && !this.armed && this.env.defences.reconciliation) {
      const due = tx.now + this.policy.sweepEveryTicks;
      tx.afterCommit(() => this.arm(due));
    }
  }

  onTimer(): void {
    this.armed = false;
    this.env.transact((tx) => {
      for (const saga of this.stalled.all({ before: tx.now - this.policy.stalledAfterTicks })) {
        const p = progressOf(saga);
        const lastChance = saga.nudges === this.policy.maxNudges - 1;
        const leaving = lastChance && p.failed !== null ? compensationsDue(p)[0]! : null;
        const what =
          leaving !== null
            ? this.leaveToPerson(tx, saga.saga_id, p, saga.skipped, saga.payload)
            : this.nudge(tx, saga.saga_id, p, saga.payload, saga.skipped !== 0);
        const fact: ServiceFact = leaving !== null ? { kind: 'left-to-person', compensation: leaving } : { kind: 'nudged' };
        tx.emit({
          kind: 'handle',
          tick: tx.now,
          actor: 'janitor',
          type: 'timer',
          sagaId: saga.saga_id,
          detail: `stalled: ${what}`,
          facts: [fact],
        });
      }
      if (this.unfinished.get()) {
        const due = tx.now + this.policy.sweepEveryTicks;
        tx.afterCommit(() => this.arm(due));
      }
    });
  }

  /** Sends again what should have moved the saga on, and counts the nudge; returns what it sent. */
  private nudge(tx: HandlerTx, sagaId: string, p: Progress, payload: string, tookOver: boolean): string {
    this.nudged.run({ sagaId, tick: tx.now });
    if (p.failed === null) {
      const event = replyType(FORWARD_STEPS[lastDone(p)]!, true);
      return this.republish(tx, event, sagaId, payload);
    }
    // A chain the janitor took over (a link of it was left to a person) has no event left to publish again: it asks for the compensation itself.
    if (this.compensator === 'services' && !tookOver) return this.republish(tx, compensationTrigger(p)!, sagaId, payload);
    const next = compensationsDue(p)[0]!;
    tx.send(serviceOf(next), next, sagaId, payload);
    return `${next} sent again`;
  }

  /**
   * The compensation in hand was asked for as often as the policy allows: it is counted as
   * done by the janitor (the broker's dead letter is a person's now), and the next goes out.
   */
  private leaveToPerson(tx: HandlerTx, sagaId: string, p: Progress, skipped: number, payload: string): string {
    const stuck = compensationsDue(p)[0]!;
    const bit = undoneBit(stuck);
    const after = { ...p, undone: p.undone | bit };
    this.skip.run({ sagaId, undone: after.undone, skipped: skipped | bit, status: statusOf(after), tick: tx.now });
    const next = compensationsDue(after)[0];
    if (next !== undefined) tx.send(serviceOf(next), next, sagaId, payload);
    return `left ${stuck} to a person${next === undefined ? '' : `; ${next} sent`}`;
  }

  /** Publishes `event` again to the services that react to it (the projection and the janitor heard it already). */
  private republish(tx: HandlerTx, event: string, sagaId: string, payload: string): string {
    const services = subscribersOf(event, this.compensator).filter((s) => s !== 'projection' && s !== 'janitor');
    for (const service of services)
      tx.send(service, event, sagaId, JSON.stringify({ ...JSON.parse(payload), ok: parseReplyType(event)!.ok }));
    return `${event} published again to ${services.join(', ')}`;
  }

  private arm(due: number): void {
    this.armed = true;
    this.env.timers.at(due, {});
  }
}

/** The janitor as a component, compensating (or not) as `compensator` says. */
export function janitorComponent(compensator: Compensator, policy: JanitorPolicy = DEFAULT_JANITOR): ComponentDefinition {
  return {
    name: 'janitor',
    migrations: JANITOR_MIGRATIONS,
    createHandler: (db, env) => new JanitorHandler(db, env, compensator, policy),
  };
}

import type { Generated } from 'kysely';
import type { Message } from '../broker/index.js';
import type { ComponentDefinition, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import type { TimerData } from '../kernel/index.js';
import { Reconcile, replyType, type SweepAnswer, type SweepBody } from '../protocol/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { DEFAULT_RECONCILIATION, type ReconciliationPolicy } from './saga-definition.js';

/** Each sweep the reconciler asked for, and the orchestrator's answer once it came. */
export interface SweepsTable {
  seq: number;
  sent_tick: number;
  answered_tick: number | null;
  stuck: number | null;
  active: number | null;
  /** Woken while this sweep was out: whatever its answer says, a saga started after the orchestrator counted. */
  woken: Generated<number>;
}

/** The sagas each sweep found stuck (the orchestrator's log says what it did about them). */
export interface FoundStuckTable {
  sweep: number;
  saga_id: string;
}

interface ReconcilerTables {
  sweeps: SweepsTable;
  found_stuck: FoundStuckTable;
}

const q = queryBuilder<ReconcilerTables>();

/** What the checker reads of the reconciler: the sagas its sweeps found stuck, over the run, each once. */
export const RECONCILER_SNAPSHOT = {
  stuckSagas: q.selectFrom('found_stuck').select('saga_id as sagaId').distinct().orderBy('saga_id'),
};

const RECONCILER_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('sweeps')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('sent_tick', 'integer', (c) => c.notNull())
      .addColumn('answered_tick', 'integer')
      .addColumn('stuck', 'integer')
      .addColumn('active', 'integer')
      .addColumn('woken', 'integer', (c) => c.notNull().defaultTo(0)),
    q.schema
      .createTable('found_stuck')
      .addColumn('sweep', 'integer', (c) => c.notNull())
      .addColumn('saga_id', 'text', (c) => c.notNull()),
  ],
];

/** The timer for the next sweep names its number; a timer for a sweep already sent is stale. `0`: the sweep at start-up, whatever its number. */
const AT_START_UP = 0;

/**
 * The janitor: a component of its own, so it can crash and be switched off like the others.
 * At start-up, and then every `sweepEveryTicks` while the orchestrator still drives a saga,
 * it asks the orchestrator for a sweep (the orchestrator holds the sagas, and acts on the
 * stuck ones in its own transaction). When nothing is left to watch it rests, until the
 * orchestrator wakes it. It remembers its sweeps in its own database, so a sweep it sent
 * before a crash is recognised, and its answer ignored, once it has sent a newer one.
 */
class ReconcilerHandler implements Handler {
  private readonly last;
  private readonly insertSweep;
  private readonly answerSweep;
  private readonly insertFound;
  private readonly markWoken;

  constructor(
    db: Database,
    private readonly env: HandlerEnv,
    private readonly policy: ReconciliationPolicy,
  ) {
    this.last = new Prepared(db, q.selectFrom('sweeps').selectAll().orderBy('seq', 'desc').limit(1));
    this.insertSweep = new Prepared(db, q.insertInto('sweeps').values({ seq: arg<number>('seq'), sent_tick: arg<number>('tick') }));
    this.answerSweep = new Prepared(
      db,
      q
        .updateTable('sweeps')
        .set({ answered_tick: arg<number>('tick'), stuck: arg<number>('stuck'), active: arg<number>('active') })
        .where('seq', '=', arg<number>('seq')),
    );
    this.markWoken = new Prepared(db, q.updateTable('sweeps').set({ woken: 1 }).where('seq', '=', arg<number>('seq')));
    this.insertFound = new Prepared(db, q.insertInto('found_stuck').values({ sweep: arg<number>('sweep'), saga_id: arg('sagaId') }));
    // At start-up: a sweep at once (a timer due in the past fires at the next tick).
    if (env.defences.reconciliation) env.timers.at(0, { sweep: AT_START_UP });
  }

  onTimer(data: TimerData): void {
    this.env.transact((tx) => {
      const next = (this.last.get()?.seq ?? 0) + 1;
      if (data.sweep !== AT_START_UP && data.sweep !== next) return tx.note(`sweep ${String(data.sweep)} already sent`);
      this.insertSweep.run({ seq: next, tick: tx.now });
      const body: SweepBody = { sweep: next };
      tx.send('orchestrator', Reconcile.sweep, '', JSON.stringify(body));
    });
  }

  handle(tx: HandlerTx, message: Message): void {
    if (!this.env.defences.reconciliation) return tx.note('reconciliation is off');
    const last = this.last.get();
    if (message.type === replyType(Reconcile.sweep, true)) {
      const answer = JSON.parse(message.body) as SweepAnswer;
      // A redelivered answer is one the inbox already saw: the endpoint never hands it over twice.
      this.answerSweep.run({ seq: answer.sweep, tick: tx.now, stuck: answer.stuck.length, active: answer.active });
      for (const sagaId of answer.stuck) this.insertFound.run({ sweep: answer.sweep, sagaId });
      if (answer.sweep !== last?.seq) return tx.note(`answer to sweep ${answer.sweep}, not the latest`);
      if (answer.active === 0 && last.woken === 0) return tx.note('no saga to watch: resting until woken');
      tx.note(`${answer.stuck.length} stuck of ${answer.active} unfinished; next sweep in ${this.policy.sweepEveryTicks} ticks`);
      return this.armNext(tx, answer.sweep + 1);
    }
    if (message.type === Reconcile.wake) {
      // A sweep is out: its answer may have counted before this saga started, so it must not send the reconciler to rest.
      if (last && last.answered_tick === null) {
        this.markWoken.run({ seq: last.seq });
        return tx.note(`woken while sweep ${last.seq} is out: watching on whatever it finds`);
      }
      // Resting means: its latest sweep was answered, with nothing to watch.
      if (last && last.active !== 0) return tx.note('already watching');
      tx.note(`woken: next sweep in ${this.policy.sweepEveryTicks} ticks`);
      return this.armNext(tx, (last?.seq ?? 0) + 1);
    }
    throw new Error(`reconciler cannot handle ${message.type}`);
  }

  private armNext(tx: HandlerTx, sweep: number): void {
    const due = tx.now + this.policy.sweepEveryTicks;
    tx.afterCommit(() => this.env.timers.at(due, { sweep }));
  }
}

/** The reconciler as a component: its sweep log, and its handler sweeping as `policy` says. */
export function reconcilerComponent(policy: ReconciliationPolicy = DEFAULT_RECONCILIATION): ComponentDefinition {
  return {
    name: 'reconciler',
    migrations: RECONCILER_MIGRATIONS,
    createHandler: (db, env) => new ReconcilerHandler(db, env, policy),
  };
}

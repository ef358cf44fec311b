import { sql, type Generated } from 'kysely';
import type { Message } from '../broker/index.js';
import type { ComponentDefinition, Handler, HandlerTx } from '../endpoint/index.js';
import { isTerminal, parseReplyType, type OrderPayload, type SagaStatus } from '../protocol/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { fold, progressOf, statusOf } from './saga-progress.js';

/** One row per saga: its state as the outside world sees it, folded from its events. */
export interface SagaViewTable {
  id: string;
  order_id: string;
  amount_cents: number;
  done: number;
  failed: number | null;
  undone: number;
  escalated: number;
  /** The compensation refused for good (past the point of no return), if one was: a person must take the saga over from there. */
  escalated_by: string | null;
  status: SagaStatus;
  last_event: string;
  started_tick: number;
  last_tick: number;
  ended_tick: number | null;
}

/** Every event the projection heard, in the order it heard them: the view is a fold of these, and can be rebuilt from them. */
export interface SagaEventsTable {
  seq: Generated<number>;
  saga_id: string;
  type: string;
  body: string;
  tick: number;
}

interface ProjectionTables {
  saga_view: SagaViewTable;
  saga_events: SagaEventsTable;
}

const q = queryBuilder<ProjectionTables>();

/** What the checker reads of the projection in choreography: the sagas, as the orchestrator's table would show them. */
export const PROJECTION_SNAPSHOT = {
  sagas: q
    .selectFrom('saga_view')
    .select([
      'id',
      'order_id as orderId',
      'status',
      'amount_cents as amountCents',
      sql<null>`null`.as('approvedBy'),
      'started_tick as startedTick',
      'ended_tick as endedTick',
    ])
    .orderBy('started_tick')
    .orderBy('id'),
  /** Sagas a compensation refused for good handed over to a person, and which compensation it was. */
  escalations: q
    .selectFrom('saga_view')
    .select(['id as sagaId', 'escalated_by as command'])
    .where('escalated_by', 'is not', null)
    .orderBy('id'),
};

const PROJECTION_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('saga_view')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('amount_cents', 'integer', (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull())
      .addColumn('failed', 'integer')
      .addColumn('undone', 'integer', (c) => c.notNull())
      .addColumn('escalated', 'integer', (c) => c.notNull())
      .addColumn('escalated_by', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('last_event', 'text', (c) => c.notNull())
      .addColumn('started_tick', 'integer', (c) => c.notNull())
      .addColumn('last_tick', 'integer', (c) => c.notNull())
      .addColumn('ended_tick', 'integer'),
    q.schema
      .createTable('saga_events')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('saga_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull()),
  ],
];

/** The view's statements, prepared once on a database. */
class SagaView {
  private readonly find;
  private readonly upsert;

  constructor(db: Database) {
    this.find = new Prepared(
      db,
      q.selectFrom('saga_view').select(['done', 'failed', 'undone', 'escalated', 'escalated_by', 'ended_tick']).where('id', '=', arg('id')),
    );
    const row = {
      id: arg('id'),
      order_id: arg('orderId'),
      amount_cents: arg<number>('amountCents'),
      done: arg<number>('done'),
      failed: arg<number | null>('failed'),
      undone: arg<number>('undone'),
      escalated: arg<number>('escalated'),
      escalated_by: arg<string | null>('escalatedBy'),
      status: arg<SagaStatus>('status'),
      last_event: arg('type'),
      started_tick: arg<number>('tick'),
      last_tick: arg<number>('tick'),
      ended_tick: arg<number | null>('endedTick'),
    };
    this.upsert = new Prepared(
      db,
      q
        .insertInto('saga_view')
        .values(row)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            done: row.done,
            failed: row.failed,
            undone: row.undone,
            escalated: row.escalated,
            escalated_by: row.escalated_by,
            status: row.status,
            last_event: row.last_event,
            last_tick: row.last_tick,
            ended_tick: row.ended_tick,
          }),
        ),
    );
  }

  /** Folds one event of saga `sagaId` into its row; returns its status after, and whether this event ended the saga. */
  apply(sagaId: string, type: string, body: string, tick: number): { status: SagaStatus; ended: boolean } {
    const row = this.find.get({ id: sagaId });
    const before = progressOf(row);
    const after = fold(before, type);
    const status = statusOf(after);
    const order = JSON.parse(body) as OrderPayload;
    this.upsert.run({
      id: sagaId,
      orderId: order.orderId,
      amountCents: order.amountCents,
      done: after.done,
      failed: after.failed,
      undone: after.undone,
      escalated: after.escalated ? 1 : 0,
      escalatedBy: row?.escalated_by ?? (after.escalated ? (parseReplyType(type)?.command ?? type) : null),
      status,
      type,
      tick,
      endedTick: row?.ended_tick ?? (isTerminal(status) ? tick : null),
    });
    return { status, ended: (row?.ended_tick ?? null) === null && isTerminal(status) };
  }
}

/**
 * The read model (CQRS): in choreography no table holds a saga, so this component hears
 * every event and keeps one row per saga, eventually consistent with the services. It only
 * reads events and writes its own database: it drives nothing.
 */
class ProjectionHandler implements Handler {
  private readonly view;
  private readonly record;

  constructor(db: Database) {
    this.view = new SagaView(db);
    this.record = new Prepared(
      db,
      q.insertInto('saga_events').values({ saga_id: arg('sagaId'), type: arg('type'), body: arg('body'), tick: arg<number>('tick') }),
    );
  }

  handle(tx: HandlerTx, message: Message): void {
    const { sagaId, type, body } = message;
    this.record.run({ sagaId, type, body, tick: tx.now });
    const { status, ended } = this.view.apply(sagaId, type, body, tx.now);
    tx.note(status);
    if (ended) tx.fact({ kind: 'saga-ended', status });
  }
}

/**
 * Throws the view away and folds it again from the events the projection recorded, in the
 * order it heard them: the view is derived data, and this is how it is repaired or
 * re-shaped. Returns how many events it folded.
 */
export function rebuildView(db: Database): number {
  const events = db.prepare('select saga_id as sagaId, type, body, tick from saga_events order by seq').all() as Array<{
    sagaId: string;
    type: string;
    body: string;
    tick: number;
  }>;
  db.transaction(() => {
    db.prepare('delete from saga_view').run();
    const view = new SagaView(db);
    for (const e of events) view.apply(e.sagaId, e.type, e.body, e.tick);
  })();
  return events.length;
}

export const PROJECTION: ComponentDefinition = Object.freeze<ComponentDefinition>({
  name: 'projection',
  migrations: PROJECTION_MIGRATIONS,
  createHandler: (db) => new ProjectionHandler(db),
});

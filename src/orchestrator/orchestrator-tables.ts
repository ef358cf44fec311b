import { sql, type Generated } from 'kysely';
import { queryBuilder, type Migration } from '../store/index.js';
import type { DeadLetterKind, SagaStatus, Waiting } from './saga-state.js';

export interface SagasTable {
  id: string;
  order_id: string;
  status: SagaStatus;
  step: number;
  attempt: number;
  waiting: Waiting;
  deadline_tick: number | null;
  compensate_from: number | null;
  dead_letters: number;
  redriving: number | null;
  approved_by: string | null;
  payload: string;
  version: number;
  /** Late successes compensated, per step (see SagaState.lateUndos). */
  late_undos: number;
  started_tick: number;
  /** The last time it moved on to a new step or status (a retry is not progress): what the reconciler measures. */
  progress_tick: number;
  ended_tick: number | null;
}

/** Whether the reconciler rests (its last sweep found no saga to watch): a saga that starts must wake it. One row at most. */
export interface ReconcilerWatchTable {
  id: number;
  resting: number;
}

/** One row per transition with its notes, in order: the saga's own story. */
export interface SagaLogTable {
  seq: Generated<number>;
  saga_id: string;
  tick: number;
  status: SagaStatus;
  step: number;
  note: string;
}

/**
 * What a dead letter's state can be: open (a person must act), redrive-requested (asked
 * while the saga was still compensating; it starts once the saga ends), redriven, resolved
 * (done by hand; an escalated approval: decided), or closed (a forward step given up on,
 * which the saga undid itself).
 */
export type DeadLetterState = 'open' | 'redrive-requested' | 'redriven' | 'resolved' | 'closed';

/** Actions the orchestrator gave up on: a compensation needs a human; a forward step is recorded, closed. */
export interface SagaDeadLettersTable {
  seq: Generated<number>;
  saga_id: string;
  kind: DeadLetterKind;
  step: number;
  command: string;
  reason: string;
  tick: number;
  state: DeadLetterState;
  /** Who redrove or resolved it, when, and why. */
  acted_by: string | null;
  acted_tick: number | null;
  note: string | null;
}

/** The component's own tables; the inbox and outbox belong to its endpoint, and a handler cannot reach them. */
export interface OrchestratorTables {
  sagas: SagasTable;
  saga_log: SagaLogTable;
  dead_letters: SagaDeadLettersTable;
  reconciler_watch: ReconcilerWatchTable;
}

const q = queryBuilder<OrchestratorTables>();

/** What the checker reads of this orchestrator: each query ordered, so the snapshot is the same on every run, and named as the snapshot names it. */
export const ORCHESTRATOR_SNAPSHOT = {
  sagas: q
    .selectFrom('sagas')
    .select([
      'id',
      'order_id as orderId',
      'status',
      sql<number>`json_extract(payload, '$.amountCents')`.as('amountCents'),
      'approved_by as approvedBy',
      'started_tick as startedTick',
      'ended_tick as endedTick',
    ])
    .orderBy('started_tick')
    .orderBy('id'),
  // Only the letters still waiting for a person: a redriven or resolved one explains nothing any more.
  sagaDeadLetters: q
    .selectFrom('dead_letters')
    .select(['saga_id as sagaId', 'kind', 'step', 'command'])
    .where('state', 'in', ['open', 'redrive-requested'])
    .orderBy('seq'),
  // Compensations a person redrove or did by hand: a redrive gives a fresh attempt budget, and either runs out of the saga's order on purpose.
  sagaActedOn: q
    .selectFrom('dead_letters')
    .select(['saga_id as sagaId', 'command', 'state'])
    .where('state', 'in', ['redriven', 'resolved'])
    .orderBy('seq'),
};

export const ORCHESTRATOR_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('sagas')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().unique())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('waiting', 'text', (c) => c.notNull())
      .addColumn('deadline_tick', 'integer')
      .addColumn('compensate_from', 'integer')
      .addColumn('dead_letters', 'integer', (c) => c.notNull())
      .addColumn('redriving', 'integer')
      .addColumn('approved_by', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('started_tick', 'integer', (c) => c.notNull())
      .addColumn('progress_tick', 'integer', (c) => c.notNull())
      .addColumn('ended_tick', 'integer')
      // WITHOUT ROWID: keyed by text, each row is stored once, in its key's b-tree, not in a table and again in the key's index.
      .modifyEnd(sql`without rowid`),
    // No index on status: only a restart looks sagas up by status, and an index would cost
    // every transition an extra write.
    q.schema
      .createTable('saga_log')
      // Rows are never deleted, so a plain integer key already grows with every insert.
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('saga_id', 'text', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull()),
    q.schema
      .createTable('dead_letters')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('saga_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('step', 'integer', (c) => c.notNull())
      .addColumn('command', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('acted_by', 'text')
      .addColumn('acted_tick', 'integer')
      .addColumn('note', 'text'),
    q.schema
      .createTable('reconciler_watch')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('resting', 'integer', (c) => c.notNull()),
  ],
  [q.schema.alterTable('sagas').addColumn('late_undos', 'integer', (c) => c.notNull().defaultTo(0))],
];

import { sql, type Generated } from 'kysely';
import type { Migration } from '../store/index.js';
import { queryBuilder } from '../store/index.js';

/**
 * Message ids this endpoint has handled: a redelivered message finds its id here and is
 * skipped. The saga id lets an operator see every message a saga's components handled.
 */
export interface InboxTable {
  message_id: string;
  type: string;
  saga_id: string;
  tick: number;
}

/**
 * Messages written in the same transaction as the effect that caused them, until the broker
 * confirms them: the relay publishes them, then deletes them. What is left is what is unsent.
 */
export interface OutboxTable {
  seq: Generated<number>;
  id: string;
  queue: string;
  type: string;
  saga_id: string;
  body: string;
  /** The schema version of the message's body (see src/protocol/schemas.ts). */
  version: number;
}

export interface EndpointTables {
  inbox: InboxTable;
  outbox: OutboxTable;
}

const q = queryBuilder<EndpointTables>();

/** The inbox and outbox every endpoint database starts with (schema version 1). */
export const ENDPOINT_MIGRATION: Migration = [
  // WITHOUT ROWID: the message id is the key and is stored once, in one b-tree, instead of
  // in a table and again in its unique index.
  q.schema
    .createTable('inbox')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('saga_id', 'text', (c) => c.notNull())
    .addColumn('tick', 'integer', (c) => c.notNull())
    .modifyEnd(sql`without rowid`),
  // AUTOINCREMENT: seq never goes back, not even once every row has been deleted, so the
  // relay can delete what the broker confirmed by a range of the primary key.
  q.schema
    .createTable('outbox')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('saga_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
];

/** What the checker reads of every endpoint: how many outbox rows were never confirmed by the broker. */
export const ENDPOINT_SNAPSHOT = {
  unsent: queryBuilder<EndpointTables>()
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n')),
};

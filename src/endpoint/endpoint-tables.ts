import type { Generated } from 'kysely';
import type { Migration } from '../store/index.js';
import { queryBuilder } from '../store/index.js';

/** Message ids this endpoint has handled: a redelivered message finds its id here and is skipped. */
export interface InboxTable {
  message_id: string;
  type: string;
  tick: number;
}

/** Messages written in the same transaction as the effect that caused them; the relay publishes them. */
export interface OutboxTable {
  seq: Generated<number>;
  id: string;
  queue: string;
  type: string;
  saga_id: string;
  body: string;
  /** 1 once the broker confirmed the publish. */
  sent: number;
}

export interface EndpointTables {
  inbox: InboxTable;
  outbox: OutboxTable;
}

const q = queryBuilder<EndpointTables>();

/** The inbox and outbox every endpoint database starts with (schema version 1). */
export const ENDPOINT_MIGRATION: Migration = [
  q.schema
    .createTable('inbox')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tick', 'integer', (c) => c.notNull()),
  q.schema
    .createTable('outbox')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('saga_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('sent', 'integer', (c) => c.notNull().defaultTo(0)),
  // No index on `sent`: the relay holds unsent rows in memory and reads the table back only
  // after a restart, and marks rows sent by a range of the primary key. An index would cost
  // every insert and every update for a read that happens once per crash.
];

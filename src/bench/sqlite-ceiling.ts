import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ENDPOINT_MIGRATION } from '../endpoint/index.js';
import { nextTurn, wallClockMs } from '../kernel/index.js';

/** Transactions between two turns of the event loop. */
const BATCH = 20_000;
import { migrate, openDatabase } from '../store/index.js';

/** Local commits the fewest a five-step orchestrated saga with inbox and outbox needs: one to start, then per step one in the service and one in the orchestrator. */
export const MIN_COMMITS_PER_SAGA = 11;

/**
 * The limit for this design: how fast plain better-sqlite3 commits transactions of three
 * small statements (one lookup, two inserts), on the same storage with the same pragmas as
 * the engine. Returns transactions per second, or null when `shouldStop` said so between two
 * batches (the wall time of the pauses between batches is not counted).
 */
export async function measureSqliteCeiling(
  storage: 'memory' | 'file',
  transactions: number,
  dir: string,
  shouldStop: () => boolean = () => false,
): Promise<number | null> {
  const path = join(dir, 'ceiling.db');
  if (storage === 'file') rmSync(dir, { recursive: true, force: true });
  const db = openDatabase(storage === 'memory' ? { kind: 'memory' } : { kind: 'file', path });
  try {
    // The engine's own inbox and outbox tables, so the ceiling does the same work per statement:
    // the inbox keyed by message id (WITHOUT ROWID), the outbox by its autoincrement seq, no
    // secondary index on either.
    migrate(db, [ENDPOINT_MIGRATION]);
    const lookup = db.prepare('select message_id from inbox where message_id = ?');
    const remember = db.prepare("insert into inbox (message_id, type, saga_id, tick) values (?, ?, 'saga-1', ?)");
    const send = db.prepare(
      "insert into outbox (id, queue, type, saga_id, body) values (?, 'orchestrator', 'payment.charge.done', 'saga-1', ?)",
    );
    const body = JSON.stringify({ orderId: 'order-000001', customer: 'customer-001', sku: 'SKU-A', qty: 2, amountCents: 2500 });
    const commit = db.transaction((i: number) => {
      // Ids shaped like the engine's: a sequence, then random hex.
      const id = `msg-${i.toString(36).padStart(6, '0')}-${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}`;
      lookup.get(id);
      remember.run(id, 'payment.charge', i);
      send.run(`out-${id}`, body);
    });
    let ms = 0;
    for (let from = 0; from < transactions; from += BATCH) {
      if (shouldStop()) return null;
      const start = wallClockMs();
      for (let i = from; i < Math.min(transactions, from + BATCH); i++) commit(i);
      ms += wallClockMs() - start;
      // A turn for the event loop between batches, so a Ctrl-C is heard.
      await nextTurn();
    }
    return transactions / (ms / 1000);
  } finally {
    db.close();
    if (storage === 'file') rmSync(dir, { recursive: true, force: true });
  }
}

import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ALL_DEFENCES, withDisabled, type Defences } from '../../src/defences/index.js';
import type { Handler, HandlerTx } from '../../src/endpoint/index.js';
import { orchestratorComponent } from '../../src/orchestrator/index.js';
import { PLACE_ORDER } from '../../src/protocol/index.js';
import { migrate } from '../../src/store/index.js';
import { fakeTx, message, PAYLOAD } from '../helpers.js';

/** The orchestrator's handler on one database, with timers kept in a list, every transaction "committed" at once. */
function orchestrator(db: BetterSqlite3.Database, defences: Defences = ALL_DEFENCES) {
  const timers: Array<{ dueTick: number; fire: () => void }> = [];
  let handler: Handler | null = null;
  const sent: string[] = [];
  let now = 0;
  const commit = <R>(work: (tx: HandlerTx) => R): R => {
    const t = fakeTx(now);
    const result = work(t.tx);
    sent.push(...t.sent.map((m) => m.type));
    t.afterCommit.forEach((f) => f());
    return result;
  };
  const definition = orchestratorComponent();
  migrate(db, definition.migrations);
  handler = definition.createHandler(db, {
    defences,
    timers: { at: (dueTick, data) => void timers.push({ dueTick, fire: () => handler!.onTimer!(data, dueTick) }), cancel: () => {} },
    transact: commit,
  });
  return {
    timers,
    sent,
    at: (tick: number) => (now = tick),
    handle: (type: string, sagaId = 'saga-1', body: unknown = PAYLOAD) =>
      commit((tx) => handler!.handle(tx, message('orchestrator', type, sagaId, body))),
  };
}

const sagaRow = (db: BetterSqlite3.Database) =>
  db.prepare('select id, status, step, attempt, deadline_tick as deadline from sagas').get() as {
    id: string;
    status: string;
    step: number;
    attempt: number;
    deadline: number;
  };

describe('orchestrator glue', () => {
  it('starts a saga once per order, sends its first command, and arms a timer for its deadline only after the commit', () => {
    const db = new BetterSqlite3(':memory:');
    const o = orchestrator(db);
    o.handle(PLACE_ORDER);
    expect(o.handle(PLACE_ORDER)).toBe('duplicate');
    expect(o.sent).toEqual(['order.create']);
    const saga = sagaRow(db);
    expect(saga).toMatchObject({ status: 'RUNNING', step: 0, attempt: 1, deadline: 100 });
    expect(o.timers.map((t) => t.dueTick)).toEqual([100]);
  });

  it('a timer armed for an earlier state does nothing once the saga moved on; the current one retries the step', () => {
    const db = new BetterSqlite3(':memory:');
    const o = orchestrator(db);
    o.handle(PLACE_ORDER);
    const sagaId = sagaRow(db).id;
    o.at(10);
    o.handle('order.create.done', sagaId);
    expect(o.sent).toEqual(['order.create', 'inventory.reserve']);
    // The first timer (for order.create) fires late: stale, nothing sent.
    o.at(100);
    o.timers[0]!.fire();
    expect(o.sent).toHaveLength(2);
    // The reserve's own deadline: it timed out, so a backoff, then the retry.
    o.at(110);
    o.timers[1]!.fire();
    expect(sagaRow(db)).toMatchObject({ step: 1, attempt: 1 });
    o.at(130);
    o.timers[2]!.fire();
    expect(o.sent).toEqual(['order.create', 'inventory.reserve', 'inventory.reserve']);
    expect(sagaRow(db)).toMatchObject({ step: 1, attempt: 2 });
  });

  it('after a restart, re-arms every waiting saga’s timer from its persisted deadline; without recovery it does not', () => {
    const db = new BetterSqlite3(':memory:');
    orchestrator(db).handle(PLACE_ORDER);
    expect(orchestrator(db).timers.map((t) => t.dueTick)).toEqual([100]);
    expect(orchestrator(db, withDisabled(['recovery'])).timers).toEqual([]);
  });

  it('answers a reply for a saga it does not know with a note, and sends nothing', () => {
    const db = new BetterSqlite3(':memory:');
    const o = orchestrator(db);
    expect(o.handle('payment.charge.done', 'saga-unknown')).toBeUndefined();
    expect(o.sent).toEqual([]);
  });
});

import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ComponentDied, Endpoint, type TransactionCrashes } from '../../src/endpoint/index.js';
import { ORDER_SERVICE, seedCustomers } from '../../src/services/index.js';
import { runScenario, type Scenario } from '../../src/scenario/index.js';
import { SCENARIOS } from '../../scenarios/index.js';
import { formatTraceEvent } from '../../src/kernel/index.js';
import { drainOutbox, message, testContext, PAYLOAD } from '../helpers.js';

/** A crash model that kills the component at one moment of one kind of work, and records the deaths it carried out. */
function dieAt(moment: 'before-commit' | 'after-commit', what: string) {
  const deaths: string[] = [];
  const crashes: TransactionCrashes = {
    reached: (m, component, w) => (m === moment && w === what ? () => void deaths.push(`${component} ${m} ${w}`) : null),
  };
  return { crashes, deaths };
}

const count = (db: BetterSqlite3.Database, table: string): number =>
  (db.prepare(`select count(*) n from ${table}`).get() as { n: number }).n;

describe('a crash inside a transaction', () => {
  it('before the commit: nothing of the handling is written, the death is carried out, and handle throws ComponentDied', () => {
    const db = new BetterSqlite3(':memory:');
    const { crashes, deaths } = dieAt('before-commit', 'order.create');
    const ctx = testContext(undefined, crashes);
    const order = new Endpoint(ORDER_SERVICE, db, ctx);
    expect(() => order.handle(message('order', 'order.create'))).toThrow(ComponentDied);
    expect(deaths).toEqual(['order before-commit order.create']);
    expect([count(db, 'orders'), count(db, 'inbox'), count(db, 'outbox')]).toEqual([0, 0, 0]);
    expect(ctx.events.filter((e) => e.kind === 'handle')).toEqual([]);
  });

  it('after the commit: the rows stand and the handling is in the trace, but nothing after the commit runs (no relay hand-off)', () => {
    const db = new BetterSqlite3(':memory:');
    const { crashes, deaths } = dieAt('after-commit', 'order.create');
    const ctx = testContext(undefined, crashes);
    const order = new Endpoint(ORDER_SERVICE, db, ctx);
    seedCustomers(db, [{ customer: PAYLOAD.customer }]);
    // Read the (empty) outbox first, so the relay would hand new rows over in memory if the commit let it.
    drainOutbox(order);
    expect(() => order.handle(message('order', 'order.create'))).toThrow(ComponentDied);
    expect(deaths).toEqual(['order after-commit order.create']);
    expect([count(db, 'orders'), count(db, 'inbox'), count(db, 'outbox')]).toEqual([1, 1, 1]);
    expect(ctx.events.filter((e) => e.kind === 'handle').map((e) => e.type)).toEqual(['order.create']);
    // The dead object's relay never got the row; a restarted one reads it back from the outbox.
    expect(drainOutbox(order)).toEqual([]);
    expect(drainOutbox(new Endpoint(ORDER_SERVICE, db, testContext())).map((m) => m.type)).toEqual(['order.create.done']);
  });
});

describe('in a world', () => {
  const happy = SCENARIOS.find((s) => s.name === 'happy-path')!;
  const withKill = (on: 'before-commit' | 'after-commit', component: 'orchestrator' | 'payment', type: string): Scenario => ({
    ...happy,
    faults: [{ kind: 'kill', component, when: { on, type, actor: component }, downTicks: 40 }],
  });

  it('the orchestrator dying right after committing a reply still completes every saga, and the trace says where it died', () => {
    const { result, outcome } = runScenario({
      scenario: withKill('after-commit', 'orchestrator', 'payment.charge.done'),
      seed: 1,
      storage: 'memory',
    });
    expect(result.ok).toBe(true);
    const lines = outcome.traceEvents.map(formatTraceEvent);
    expect(lines.filter((l) => / crash orchestrator died after commit of payment.charge.done, down for 40 ticks$/.test(l))).toHaveLength(1);
  });

  it('a service dying before its commit handles the redelivered message after its restart, exactly once', () => {
    const { result, outcome } = runScenario({
      scenario: withKill('before-commit', 'payment', 'payment.charge'),
      seed: 1,
      storage: 'memory',
    });
    expect(result.ok).toBe(true);
    expect(result.services.payment.charges).toBe(result.sagas.length);
    const crash = outcome.traceEvents.findIndex((e) => e.kind === 'crash');
    expect(formatTraceEvent(outcome.traceEvents[crash]!)).toContain('died before commit of payment.charge');
    // The first delivery wrote nothing and the broker gave it back uncounted: it is handled once, as attempt 1 again.
    const charged = outcome.traceEvents.filter((e) => e.kind === 'handle' && e.type === 'payment.charge');
    expect(charged.length).toBe(result.sagas.length);
  });
});

describe('a compensation that overtakes its step, on purpose', () => {
  it('inventory down past the retry window, back newest first: the release arrives before the reservations and they are refused', () => {
    const happy = SCENARIOS.find((s) => s.name === 'happy-path')!;
    const scenario: Scenario = {
      ...happy,
      shop: { ...happy.shop, orders: 1 },
      faults: [
        { kind: 'kill', component: 'inventory', when: { on: 'handle', type: 'order.create' }, downTicks: 900 },
        { kind: 'reverse-queue', queue: 'inventory', nth: 1 },
      ],
      expectedStatuses: ['COMPENSATED'],
    };
    const { result, outcome } = runScenario({ scenario, seed: 1, storage: 'memory' });
    expect(result.invariants.filter((r) => !r.ok)).toEqual([]);
    expect(result.sagas.map((s) => s.status)).toEqual(['COMPENSATED']);
    const facts = outcome.traceEvents.flatMap((e) => e.facts ?? []);
    expect(facts).toContainEqual({ kind: 'compensation-first', compensation: 'inventory.release' });
    expect(result.services.inventory.stock.every((s) => s.reserved === 0 && s.sold === 0)).toBe(true);
  });
});

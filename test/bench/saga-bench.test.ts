import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchWorkload, measureSqlFloor, measureSqliteCeiling, MIN_COMMITS_PER_SAGA, runSagaBench } from '../../src/bench/index.js';
import { SCENARIOS } from '../../scenarios/index.js';
import { runScenario } from '../../src/scenario/index.js';
import { FAULT_PROFILES } from '../../src/chaos/index.js';
import { simulation, type Workload } from '../../src/world/index.js';
import { startStatementLog, stopStatementLog } from '../../src/store/index.js';
import { sagaCli, scratchDir } from '../helpers.js';

// Speed targets live in `npm run bench`; these only check that the benchmark measures what it says.
describe('saga bench', () => {
  it('runs happy-path sagas to completion and reports every measure', async () => {
    const r = await runSagaBench(60, 'memory', scratchDir('bench'));
    if ('stopped' in r) throw new Error('the bench stopped although nobody asked it to');
    expect(r.ok).toBe(true);
    expect(r.orders).toBe(60);
    // Counted, not derived: 6 orchestrator commits (the order and 5 replies) and 7 service commits (5 steps,
    // confirm, commit) per saga, plus the relays' confirmations, which the run batches by tick.
    expect(r.txPerSaga).toBeGreaterThanOrEqual(13);
    expect(r.txPerSaga).toBeLessThan(13 + 6);
    expect(MIN_COMMITS_PER_SAGA).toBe(11);
    // Five steps, each a command and its reply a tick apart: a happy saga takes 10 virtual ticks.
    expect(r.virtualTicksPerSaga).toEqual({ median: 10, p99: 10 });
  });

  it('benches the choreographed saga too, timing each saga to the moment the read model saw it complete', async () => {
    const r = await runSagaBench(60, 'memory', scratchDir('bench'), {}, { style: 'choreography', compensator: 'janitor' });
    if ('stopped' in r) throw new Error('the bench stopped although nobody asked it to');
    expect(r).toMatchObject({ ok: true, style: 'choreography' });
    // Five steps, each an event a tick after the one before it, with no coordinator in between: 4 ticks from the order's creation.
    expect(r.virtualTicksPerSaga).toEqual({ median: 4, p99: 4 });
    // Each event goes to the next service, the projection and the janitor: more messages than the orchestrator's 13 a saga.
    expect(r.messagesPerSaga).toBe(17);
    expect(r.floorRatio).toBeGreaterThan(0);
  });

  it('benches two-phase commit too, timing each transaction to the moment the coordinator heard every acknowledgement', async () => {
    const r = await runSagaBench(60, 'memory', scratchDir('bench'), {}, { style: '2pc', compensator: 'janitor' });
    if ('stopped' in r) throw new Error('the bench stopped although nobody asked it to');
    expect(r).toMatchObject({ ok: true, style: '2pc' });
    // Begun, prepared, voted, decided, acknowledged: a tick each, whatever the number of participants.
    expect(r.virtualTicksPerSaga).toEqual({ median: 4, p99: 4 });
    // The order, 4 prepares, 4 votes, 5 decisions (with the notification) and 5 acknowledgements.
    expect(r.messagesPerSaga).toBe(19);
  });

  it('with --style all, runs each style in turn and prints them side by side', async () => {
    const { code, stdout } = await sagaCli(['bench', '--orders', '50', '--style', 'all', '--json'], {
      env: { SAGA_HOME: scratchDir('bench-styles') },
    });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { styles: Array<{ style: string; ok: boolean; orders: number }> };
    expect(report.styles.map((r) => [r.style, r.ok, r.orders])).toEqual([
      ['orchestration', true, 50],
      ['choreography', true, 50],
      ['2pc', true, 50],
    ]);
  });

  it('stopped early, it reports the sagas completed so far and judges nothing', async () => {
    let asked = 0;
    const r = await runSagaBench(2000, 'memory', scratchDir('bench'), { shouldStop: () => ++asked > 15 });
    expect(r).toMatchObject({ stopped: true, orders: 2000 });
    if (!('stopped' in r)) throw new Error('the bench ran to its end');
    // 100 orders start per tick and each takes the same number of ticks: it stops with whole ticks' worth completed.
    expect(r.completed).toBeGreaterThan(0);
    expect(r.completed).toBeLessThan(2000);
    expect(r.completed % 100).toBe(0);
    expect(r.sagasPerSec).toBeGreaterThan(0);
  });

  it('the ceiling runs on files too', async () => {
    expect(await measureSqliteCeiling('file', 200, join(scratchDir('bench'), 'ceiling'))).toBeGreaterThan(0);
  });

  it('the bench workload is happy: stock and money for every order', () => {
    const w = benchWorkload(250);
    expect(w.orders).toHaveLength(250);
    const units = w.stock.reduce((n, s) => n + s.units, 0);
    expect(units).toBeGreaterThanOrEqual(250);
    // Its orders are worked out from their number: each reads as a plain order of the shop's.
    const read = w.orders.map((o) => ({ orderId: o.orderId, customer: o.customer, sku: o.sku, qty: o.qty, atTick: o.atTick }));
    expect(read[0]).toEqual({ orderId: 'order-000000', customer: 'customer-0', sku: 'SKU-0', qty: 1, atTick: 0 });
    expect(read[249]).toEqual({ orderId: 'order-000249', customer: 'customer-49', sku: 'SKU-9', qty: 1, atTick: 2 });
    expect(new Set(read.map((o) => o.orderId)).size).toBe(250);
    expect(read.every((o) => w.customers.some((c) => c.customer === o.customer) && w.stock.some((s) => s.sku === o.sku))).toBe(true);
    expect(w.dedupeWindowTicks).toBe(100);
    // Nothing holds them, yet they read as an ordinary array.
    expect([...w.orders].map((o) => o.orderId)).toEqual(read.map((o) => o.orderId));
    expect([249 in w.orders, 250 in w.orders, w.orders[250]]).toEqual([true, false, undefined]);
    expect(JSON.parse(JSON.stringify(w.orders))).toHaveLength(250);
  });

  it('a world reads the bench orders in place and runs exactly as it does on a copy of them', () => {
    const w = benchWorkload(300);
    const digest = (workload: Workload) => {
      const steps = simulation({
        ...{ seed: 1, storage: 'memory', dataDir: '', workload, profile: FAULT_PROFILES.calm!, script: [], keepTrace: false },
        ...{ faultPhaseTicks: 1_000, maxTicks: 10_000 },
      });
      for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value.digest;
    };
    expect(digest(w)).toBe(
      digest({ ...w, orders: w.orders.map(({ orderId, customer, sku, qty, atTick }) => ({ orderId, customer, sku, qty, atTick })) }),
    );
  });
});

describe('the SQL floor', () => {
  it('logs exactly the statements that committed, and replays them alone on fresh databases', async () => {
    startStatementLog();
    const { outcome } = runScenario({
      scenario: SCENARIOS.find((s) => s.name === 'crash-after-commit-before-ack')!,
      seed: 1,
      storage: 'memory',
    });
    const log = stopStatementLog();
    const writes = (table: string) =>
      log.transactions.flatMap((t) => t.statements).filter((s) => s.use === 'run' && new RegExp(`^insert into "${table}"`).test(s.sql))
        .length;
    // One saga row per saga, and one charge per saga: the charge handled twice (redelivered after the crash) committed once.
    expect(writes('sagas')).toBe(outcome.snapshot.sagas.length);
    expect(writes('charges')).toBe(outcome.snapshot.charges.length);
    expect(await measureSqlFloor(log, 'memory', scratchDir('floor'))).toBeGreaterThan(0);
  });

  it('a transaction that rolled back is not in the log', async () => {
    startStatementLog();
    const happy = SCENARIOS.find((s) => s.name === 'happy-path')!;
    runScenario({
      scenario: {
        ...happy,
        faults: [{ kind: 'kill', component: 'payment', when: { on: 'before-commit', type: 'payment.charge' }, downTicks: 30 }],
      },
      seed: 1,
      storage: 'memory',
    });
    const log = stopStatementLog();
    const charges = log.transactions.flatMap((t) => t.statements).filter((s) => /^insert into "charges"/.test(s.sql)).length;
    expect(charges).toBe(happy.shop.orders ?? 5);
  });
});

import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { compareStyles, COMPARED_STYLES, runScenario, type Scenario } from '../../src/scenario/index.js';
import { SagaStatus } from '../../src/protocol/index.js';
import { sagaCli, scratchDir } from '../helpers.js';

const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;

describe('saga compare', () => {
  it('runs one scenario under every style with the same seed, and each row is that style run alone', () => {
    const rows = compareStyles(scenario('payment-declined'), 4);
    expect(rows.map((r) => r.style)).toEqual(COMPARED_STYLES.map((s) => s.label));
    for (const [i, row] of rows.entries()) {
      if (row.verdict === 'n/a') throw new Error(`${row.style} should apply`);
      const how = COMPARED_STYLES[i]!;
      const alone = runScenario({ scenario: scenario('payment-declined'), seed: 4, storage: 'memory', coordination: how });
      expect(row.digest).toBe(alone.result.digest);
      expect(row.verdict).toBe(alone.result.ok ? 'pass' : 'FAIL');
      expect(row.messagesPerOrder).toBe(alone.outcome.broker.delivered / alone.result.sagas.length);
    }
  });

  it('says where a scenario does not apply, and why', () => {
    const [orchestrated, ...choreographed] = compareStyles(scenario('crash-mid-payment'), 1);
    expect(orchestrated!.verdict).toBe('pass');
    for (const r of choreographed) expect(r).toMatchObject({ verdict: 'n/a', why: expect.stringMatching(/orchestrator/) });
  });

  it('counts the stock held reserved over time: units times the ticks from reservation to commit', () => {
    // Two orders of 2 units each, on a calm network: each holds its units from its reservation until the stock is committed.
    const shop: Scenario = {
      name: 'held-stock',
      description: 'two orders of two units',
      fault: 'none',
      faults: [],
      shop: { orders: 2, arrivalTicks: 1, minQty: 2, maxQty: 2 },
      expectedStatuses: [SagaStatus.Completed],
    };
    for (const how of COMPARED_STYLES) {
      const { outcome } = runScenario({ scenario: shop, seed: 1, storage: 'memory', coordination: how });
      const reservedAt = new Map<string, number>();
      let expected = 0;
      for (const e of outcome.traceEvents) {
        if (e.kind !== 'handle' || e.actor !== 'inventory' || !e.sagaId) continue;
        if (e.type === 'inventory.reserve' && !reservedAt.has(e.sagaId)) reservedAt.set(e.sagaId, e.tick);
        if (e.type === 'inventory.commit' || e.type === 'inventory.release') expected += 2 * (e.tick - reservedAt.get(e.sagaId)!);
      }
      expect(expected, how.label).toBeGreaterThan(0);
      expect(outcome.heldUnitTicks, how.label).toBe(expected);
    }
  });

  it('counts the orders refused for stock other orders only held, and not those refused for stock there is not', () => {
    for (const row of compareStyles(scenario('concurrent-orders'), 1)) {
      if (row.verdict === 'n/a') throw new Error(`${row.style} should apply`);
      // Fifty orders race for ten units: the forty refused all came while units were reserved, not yet sold.
      expect(row.refusedForLockedStock, row.style).toBeGreaterThan(0);
      expect(row.refusedForLockedStock, row.style).toBeLessThanOrEqual(40);
    }
    // Each order wants more units than the shop ever had: nothing held stood in its way.
    for (const row of compareStyles(scenario('insufficient-stock'), 1))
      if (row.verdict !== 'n/a') expect(row.refusedForLockedStock).toBe(0);
  });

  it('prints one table, with a line per style and the command that reruns it; refuses what it cannot do', async () => {
    const cli = (args: string[]) => sagaCli(args, { env: { SAGA_HOME: scratchDir('compare-cli') } });
    const { code, stdout } = await cli(['compare', '--scenario', 'payment-declined', '--seed', '2']);
    expect(code).toBe(0);
    expect(stdout).toContain('choreography (services): 1 of 1 passed');
    expect(stdout).toContain('replay: npx saga compare --scenario payment-declined --seed 2');
    const none = await cli(['compare']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/needs --scenario <name> or --all/);
    const typo = await cli(['compare', '--scenario', 'payment-declind']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean 'payment-declined'/);
  });
});

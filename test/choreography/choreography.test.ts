import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { fold, NO_PROGRESS, statusOf } from '../../src/choreography/saga-progress.js';
import { rebuildView } from '../../src/choreography/index.js';
import { withDisabled } from '../../src/defences/index.js';
import { COMPENSATORS, replyType, type Compensator } from '../../src/protocol/index.js';
import { notApplicable, planCrashMatrix, runCrashPoint, runScenario, type Scenario } from '../../src/scenario/index.js';
import { DEFENCE_NAMES, type DefenceName } from '../../src/defences/index.js';
import { fuzz, mergeShards, readReplayFile } from '../../src/fuzz/index.js';
import type { Database } from '../../src/store/index.js';
import { sagaCli, scratchDir } from '../helpers.js';

const choreography = (compensator: Compensator) => ({ style: 'choreography' as const, compensator });
const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;
const failures = (r: { invariants: readonly { ok: boolean; name: string }[]; expectations: readonly { ok: boolean; name: string }[] }) =>
  [...r.invariants, ...r.expectations].filter((i) => !i.ok).map((i) => i.name);

describe('the choreographed saga', () => {
  for (const compensator of COMPENSATORS)
    it(`passes every scenario that applies to it, compensated by the ${compensator}, on seeds 1-20`, () => {
      const applicable = SCENARIOS.filter((s) => notApplicable(s, choreography(compensator)) === null);
      expect(applicable.length).toBeGreaterThanOrEqual(17);
      for (const s of applicable)
        for (let seed = 1; seed <= 20; seed++) {
          const { result } = runScenario({ scenario: s, seed, storage: 'memory', coordination: choreography(compensator) });
          expect(failures(result), `${s.name} seed ${seed}`).toEqual([]);
        }
    });

  it('runs with no orchestrator: the services hear events, and the projection and the janitor hear every one', () => {
    const { outcome } = runScenario({
      scenario: scenario('payment-declined'),
      seed: 1,
      storage: 'memory',
      coordination: choreography('janitor'),
    });
    const actors = new Set(outcome.traceEvents.filter((e) => e.kind === 'handle').map((e) => e.actor));
    expect(actors.has('orchestrator')).toBe(false);
    expect([...actors]).toEqual(expect.arrayContaining(['order', 'inventory', 'payment', 'projection', 'janitor']));
    // payment reacted to the event that stock was reserved, and its decline made the janitor undo the reservation.
    const charge = outcome.traceEvents.find((e) => e.kind === 'handle' && e.actor === 'payment' && e.type === 'payment.charge');
    expect(charge?.detail).toMatch(/^on inventory\.reserve\.done/);
    expect(outcome.traceEvents.some((e) => e.kind === 'publish' && e.actor === 'janitor' && e.type === 'inventory.release')).toBe(true);
    expect(outcome.snapshot.sagas.every((s) => s.status === 'COMPENSATED')).toBe(true);
  });

  it('undoes the steps in reverse order with either compensator (the chain, or the janitor one at a time)', () => {
    for (const compensator of COMPENSATORS) {
      const { outcome } = runScenario({
        scenario: scenario('notification-fails'),
        seed: 1,
        storage: 'memory',
        coordination: choreography(compensator),
      });
      const undone = outcome.traceEvents
        .filter((e) => e.kind === 'handle' && e.sagaId === 'saga-001' && /\.(cancel|release|refund)$/.test(e.type ?? ''))
        .map((e) => e.type);
      expect(undone, compensator).toEqual(['fulfillment.cancel', 'payment.refund', 'inventory.release', 'order.cancel']);
    }
  });

  for (const compensator of COMPENSATORS) {
    it(`replays exactly: every scenario that applies gives the same digest in memory and on files (${compensator})`, () => {
      const dataRoot = scratchDir('choreography-determinism');
      for (const s of SCENARIOS.filter((x) => notApplicable(x, choreography(compensator)) === null)) {
        const run = (storage: 'memory' | 'file') =>
          runScenario({ scenario: s, seed: 3, storage, dataRoot, coordination: choreography(compensator) }).result.digest;
        expect(run('file'), s.name).toBe(run('memory'));
      }
      // And a different run from the orchestrated one with the same seed.
      const orchestrated = runScenario({ scenario: scenario('lossy-network'), seed: 3, storage: 'memory' }).result.digest;
      expect(orchestrated).not.toBe(
        runScenario({ scenario: scenario('lossy-network'), seed: 3, storage: 'memory', coordination: choreography(compensator) }).result
          .digest,
      );
    });
  }

  it('sweeps to the same summary on one worker and on two', async () => {
    const sweep = (workers: number) =>
      fuzz({ range: { from: 1, seeds: 40 }, disabled: [], coordination: choreography('services'), workers, shrink: false });
    expect((await sweep(2)).summary).toEqual((await sweep(1)).summary);
  });

  it('is caught when the idempotency defence is off: duplicated events charge twice', () => {
    const { result } = runScenario({
      scenario: scenario('duplicate-storm'),
      seed: 1,
      storage: 'memory',
      defences: withDisabled(['idempotency']),
      coordination: choreography('janitor'),
    });
    expect(failures(result).length).toBeGreaterThan(0);
  });
});

describe('the janitor', () => {
  it('is what ends a saga whose event was parked: without its sweep, a poison event leaves the saga RUNNING for good', () => {
    for (const compensator of COMPENSATORS) {
      const run = (disabled: 'reconciliation'[]) =>
        runScenario({
          scenario: scenario('poison-message'),
          seed: 1,
          storage: 'memory',
          defences: withDisabled(disabled),
          coordination: choreography(compensator),
        }).result;
      expect(failures(run([])), compensator).toEqual([]);
      const without = run(['reconciliation']);
      expect(failures(without), compensator).toContain('saga-terminal');
      expect(
        without.sagas.some((s) => s.status === 'RUNNING'),
        compensator,
      ).toBe(true);
    }
  });
});

describe('the projection (the read model)', () => {
  it('is a fold of the events it recorded: thrown away and rebuilt, it is the same, and a damaged view is repaired', () => {
    let views: { before: unknown[]; rebuilt: unknown[]; repaired: unknown[]; folded: number } | null = null;
    runScenario({
      scenario: scenario('peak-load'),
      seed: 1,
      storage: 'memory',
      coordination: choreography('janitor'),
      onEnd: (_image, dbs) => {
        const db = dbs.projection as Database;
        const all = () => db.prepare('select * from saga_view order by id').all();
        const before = all();
        const folded = rebuildView(db);
        const rebuilt = all();
        db.prepare("update saga_view set status = 'RUNNING', done = 0").run();
        rebuildView(db);
        views = { before, rebuilt, repaired: all(), folded };
      },
    });
    expect(views).not.toBeNull();
    const { before, rebuilt, repaired, folded } = views!;
    expect(before.length).toBe(200);
    expect(folded).toBeGreaterThan(before.length);
    expect(rebuilt).toEqual(before);
    expect(repaired).toEqual(before);
  });

  it('converges whatever order the events of a saga arrive in', () => {
    const events = [
      replyType('order.create', true),
      replyType('inventory.reserve', true),
      replyType('payment.charge', false),
      replyType('inventory.release', true),
      replyType('order.cancel', true),
    ];
    const permutations = (xs: string[]): string[][] =>
      xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    const statuses = new Set(permutations(events).map((order) => statusOf(order.reduce(fold, NO_PROGRESS))));
    expect([...statuses]).toEqual(['COMPENSATED']);
    // Without the order's cancellation it is still compensating.
    expect(statusOf(events.slice(0, 4).reduce(fold, NO_PROGRESS))).toBe('COMPENSATING');
  });
});

describe('the crash matrix, choreographed', () => {
  for (const compensator of COMPENSATORS) {
    it(`passes at every crash point of every component that runs, compensated by the ${compensator}`, () => {
      const how = choreography(compensator);
      const planned = planCrashMatrix(3, how);
      const rows = planned.map((p) => runCrashPoint(p, 3));
      expect(rows.filter((r) => !r.ok).map((r) => `${r.label}: ${r.failed.map((f) => f.detail).join('; ')}`)).toEqual([]);
      expect([...new Set(rows.map((r) => r.point.component))].sort()).toEqual([
        'fulfillment',
        'inventory',
        'janitor',
        'notification',
        'order',
        'payment',
        'projection',
      ]);
      // The baseline that waits on a person has no counterpart: choreography has no approval step.
      expect(new Set(rows.map((r) => r.point.baseline))).toEqual(
        new Set(['forward', 'compensation', 'contended', 'undo-retried', 'poisoned']),
      );
      expect(rows.some((r) => r.point.compensating && r.point.component === 'janitor')).toBe(true);
    });
  }

  it('fails with each defence the style has switched off; step timeouts it has none of', () => {
    const how = choreography('janitor');
    const planned = planCrashMatrix(3, how);
    const firstFailure = (defence: DefenceName) => {
      for (const point of planned) {
        const row = runCrashPoint(point, 3, withDisabled([defence]));
        if (!row.ok) return row;
      }
      return undefined;
    };
    for (const defence of DEFENCE_NAMES.filter((d) => d !== 'timeouts')) expect(firstFailure(defence)?.label, defence).toBeDefined();
    expect(firstFailure('timeouts')).toBeUndefined();
  });
});

describe('saga fuzz --style choreography', () => {
  it("sweeps with no violation, reaching the janitor's paths, and a summary that says its style", async () => {
    const report = await fuzz({
      range: { from: 1, seeds: 40 },
      disabled: [],
      coordination: choreography('janitor'),
      workers: 1,
      shrink: false,
    });
    expect(report.summary.violations).toEqual([]);
    expect(report.summary.coordination).toEqual(choreography('janitor'));
    expect(report.summary.coverage.nudged).toBeGreaterThan(0);
    expect(report.summary.coverage['compensate:payment.refund']).toBeGreaterThan(0);
    // The orchestrator's paths are not counted, so a choreographed sweep is not reported as never reaching them.
    expect(report.summary.coverage).not.toHaveProperty('timeout');
    expect(report.recipe).toMatchObject({ command: 'fuzz', style: 'choreography' });
  });

  it('shrinks a failure to a replay file that records the style, and the file replays it', async () => {
    const failuresDir = scratchDir('chor-failures');
    // Seed 26 without idempotency: a duplicated event makes payment charge twice.
    const report = await fuzz({
      range: { from: 26, seeds: 1 },
      disabled: ['idempotency'],
      coordination: choreography('janitor'),
      workers: 1,
      shrink: true,
      failuresDir,
    });
    const charged = report.shrunk.find((f) => f.invariant === 'single-charge')!;
    expect(charged.faultsAfter).toBeLessThanOrEqual(2);
    expect(charged.file).toMatch(/single-charge-seed26-choreography-without-idempotency\.json$/);
    expect(readReplayFile(charged.file!).coordination).toEqual(choreography('janitor'));
    const replayed = await sagaCli(['replay', charged.file!], { env: { SAGA_HOME: scratchDir('chor-replay') } });
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('choreography (janitor compensates)');
    expect(replayed.stdout).toContain('reproduced: single-charge violated again, same digest');
  });

  it('refuses to merge shards of different styles', async () => {
    const shard = async (index: number, coordination?: ReturnType<typeof choreography>) =>
      (
        await fuzz({
          range: { from: 1, seeds: 2, shard: { index, count: 2 } },
          disabled: [],
          ...(coordination ? { coordination } : {}),
          workers: 1,
          shrink: false,
        })
      ).summary;
    const a = { file: 'a.json', summary: await shard(1, choreography('janitor')) };
    const orchestrated = { file: 'b.json', summary: await shard(2) };
    const choreographed = { file: 'b.json', summary: await shard(2, choreography('janitor')) };
    expect(() => mergeShards([a, orchestrated])).toThrow(/its style differ/);
    expect(mergeShards([a, choreographed]).coordination).toEqual(choreography('janitor'));
  });
});

describe('saga run --style', () => {
  const cli = (args: readonly string[]) => sagaCli(args, { env: { SAGA_HOME: scratchDir('style-cli') } });

  it('runs the catalogue choreographed, says which scenarios do not apply, and replays with the same words', async () => {
    const { code, stdout, stderr } = await cli([
      'run',
      '--all',
      '--style',
      'choreography',
      '--compensator',
      'services',
      '--storage',
      'memory',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^Not run, as they do not apply to choreography: .*crash-mid-payment/);
    expect(stdout).toContain('replay: npx saga run --all --seed 1 --style choreography --compensator services');
    expect(stdout).not.toContain('crash-mid-payment');
  });

  it("leaves a run directory whose sagas 'saga sagas' lists from the read model; the orchestrator's commands refuse it", async () => {
    const home = scratchDir('style-run-dir');
    const at = (args: readonly string[]) => sagaCli(args, { env: { SAGA_HOME: home } });
    expect((await at(['run', '--scenario', 'payment-declined', '--style', 'choreography'])).code).toBe(0);
    const listed = await at(['sagas', 'payment-declined-seed1', '--json']);
    expect(listed.code).toBe(0);
    const sagas = JSON.parse(listed.stdout) as Array<{ orderId: string; status: string; step: string }>;
    expect(sagas.map((s) => s.orderId).sort()).toEqual(['order-001', 'order-002', 'order-003']);
    // Each charge declined: the step its last event was about is the charge's, its compensation the last heard.
    expect(new Set(sagas.map((s) => s.status))).toEqual(new Set(['COMPENSATED']));
    expect(sagas.every((s) => s.step !== 'done')).toBe(true);
    expect((await at(['sagas', 'payment-declined-seed1', '--status', 'completed'])).stdout).toContain('0 COMPLETED sagas');
    for (const args of [
      ['show', 'payment-declined-seed1', 'order-001'],
      ['dlq', 'payment-declined-seed1'],
    ]) {
      const refused = await at(args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(/is a choreographed run: it has no orchestrator .*'saga sagas' lists its sagas/);
    }
  });

  it('ab runs only what applies, and says why step timeouts protect nothing here', async () => {
    const { code, stdout, stderr } = await cli(['ab', '--disable', 'timeouts', '--style', 'choreography']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Not run, as they do not apply to choreography: .*step-timeout/);
    expect(stdout).toContain('a choreographed saga has no step timeouts');
    expect(stdout).toContain('replay: npx saga ab --disable timeouts --seed 1 --style choreography');
  });

  it('refuses, with exit 2 and one sentence, what it cannot do', async () => {
    const refused = async (args: string[], said: RegExp) => {
      const { code, stdout, stderr } = await cli(['run', ...args, '--storage', 'memory']);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(said);
    };
    await refused(['--scenario', 'happy-path', '--style', 'choreograpy'], /Unknown style 'choreograpy'\. Did you mean 'choreography'\?/);
    await refused(['--scenario', 'happy-path', '--compensator', 'services'], /give it with --style choreography/);
    await refused(
      ['--scenario', 'crash-mid-payment', '--style', 'choreography'],
      /does not apply to choreography, because it kills the orchestrator/,
    );
    await refused(['--scenario', 'happy-path', '--style', 'choreography', '--show', 'saga-001'], /--show reads the orchestrator's sagas/);
  });
});

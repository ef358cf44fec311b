import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { notApplicable, planCrashMatrix, runCrashPoint, runScenario, type Scenario } from '../../src/scenario/index.js';
import { DEFENCE_NAMES, withDisabled, type DefenceName } from '../../src/defences/index.js';
import { fuzz, readReplayFile } from '../../src/fuzz/index.js';
import { serviceFactsOf, type ServiceFact } from '../../src/protocol/index.js';
import type { TraceEvent } from '../../src/kernel/index.js';
import { sagaCli, scratchDir } from '../helpers.js';

const TWO_PC = { style: '2pc' as const, compensator: 'janitor' as const };
const scenario = (name: string): Scenario => SCENARIOS.find((s) => s.name === name)!;
const failures = (r: { invariants: readonly { ok: boolean; name: string }[]; expectations: readonly { ok: boolean; name: string }[] }) =>
  [...r.invariants, ...r.expectations].filter((i) => !i.ok).map((i) => i.name);
const run = (name: string, seed = 1) => runScenario({ scenario: scenario(name), seed, storage: 'memory', coordination: TWO_PC });
const handled = (events: readonly TraceEvent[], saga: string) => events.filter((e) => e.kind === 'handle' && e.sagaId === saga);
const factsOf = (events: readonly TraceEvent[]): ServiceFact[] => events.flatMap((e) => [...serviceFactsOf(e)]);

describe('two-phase commit', () => {
  it('passes every scenario that applies to it, on seeds 1-20', () => {
    const applicable = SCENARIOS.filter((s) => notApplicable(s, TWO_PC) === null);
    expect(applicable.length).toBeGreaterThanOrEqual(15);
    for (const s of applicable)
      for (let seed = 1; seed <= 20; seed++) {
        const { result } = runScenario({ scenario: s, seed, storage: 'memory', coordination: TWO_PC });
        expect(failures(result), `${s.name} seed ${seed}`).toEqual([]);
      }
  });

  it('asks every participant to prepare at once, and decides only once all four voted yes', () => {
    const { outcome } = run('happy-path');
    const events = handled(outcome.traceEvents, 'saga-001');
    expect(new Set(outcome.traceEvents.filter((e) => e.kind === 'handle').map((e) => e.actor)).has('orchestrator')).toBe(false);
    const prepares = events.filter((e) =>
      ['order.create', 'inventory.reserve', 'payment.charge', 'fulfillment.schedule'].includes(e.type!),
    );
    expect(new Set(prepares.map((e) => e.tick)).size).toBe(1);
    // Prepared, nothing taken for good: the funds and the slot are held until the decision.
    expect(prepares.find((e) => e.actor === 'payment')!.detail).toMatch(/held until the decision/);
    expect(prepares.find((e) => e.actor === 'fulfillment')!.detail).toBe('slot HELD until the decision');
    const decided = events.find((e) => e.actor === 'coordinator' && /^COMMIT/.test(e.detail ?? ''))!;
    expect(decided.detail).toContain('every participant voted yes');
    expect(decided.tick).toBeGreaterThan(prepares[0]!.tick);
    expect(events.find((e) => e.type === 'payment.capture')!.detail).toMatch(/^captured /);
    expect(outcome.snapshot.charges.every((c) => c.status === 'CHARGED')).toBe(true);
    expect(outcome.snapshot.shipments.every((s) => s.status === 'SCHEDULED')).toBe(true);
  });

  it('a single no aborts every participant, the ones that voted yes included: holds voided, nothing refunded', () => {
    const { outcome, result } = run('payment-declined');
    expect(failures(result)).toEqual([]);
    const s = outcome.snapshot;
    expect(s.sagas.every((x) => x.status === 'COMPENSATED')).toBe(true);
    expect(s.reservations.every((r) => r.status === 'RELEASED')).toBe(true);
    expect(s.shipments.every((x) => x.status === 'CANCELLED')).toBe(true);
    expect(s.refunds).toEqual([]);
    expect(factsOf(outcome.traceEvents)).toContainEqual({ kind: 'decided', decision: 'ABORT', why: 'no-vote' });
  });

  it('a vote that never comes aborts the transaction when the vote is over (presumed abort)', () => {
    const { outcome, result } = run('step-timeout');
    expect(failures(result)).toEqual([]);
    const timeout = outcome.traceEvents.find((e) => e.actor === 'coordinator' && e.type === 'timer')!;
    expect(timeout.detail).toMatch(/^ABORT \(no vote from payment within 200 ticks: presumed abort\)/);
    expect(outcome.snapshot.sagas.map((x) => x.status)).toEqual(['COMPENSATED']);
  });

  it('a coordinator that dies between its decision and telling it blocks the participants, who hold their locks and ask', () => {
    const { outcome, result } = run('coordinator-crash-in-doubt');
    expect(failures(result)).toEqual([]);
    const events = outcome.traceEvents;
    const crash = events.find((e) => e.kind === 'crash' && e.actor === 'coordinator')!;
    // The decision was logged right before the crash, and went out only from the outbox once the coordinator was back.
    const decided = events.filter((e) => e.actor === 'coordinator' && /^COMMIT/.test(e.detail ?? '') && e.tick <= crash.tick).at(-1)!;
    expect(decided.tick).toBe(crash.tick);
    const commit = events.find((e) => e.kind === 'publish' && e.type === 'inventory.commit' && e.sagaId === decided.sagaId)!;
    expect(commit.tick).toBeGreaterThanOrEqual(crash.tick + 600);
    expect(commit.detail).toBe('from the outbox after a restart');
    // In doubt meanwhile: each participant asked for the decision, and the units stayed reserved.
    const askers = new Set(events.filter((e) => serviceFactsOf(e).some((f) => f.kind === 'asked-for-decision')).map((e) => e.actor));
    expect([...askers].sort()).toEqual(['fulfillment', 'inventory', 'order', 'payment']);
    expect(outcome.heldUnitTicks).toBeGreaterThanOrEqual(2 * 600);
  });

  it('leaves an abort not done after nine sends to a person, and ends the transaction ABORTED if it gets done after all', () => {
    // Payment declines, so the transaction aborts; fulfillment prepared and died, and is down for longer than the coordinator sends.
    const s: Scenario = {
      name: 'abort-while-down',
      description: 'an abort its participant cannot hear for 6,000 ticks',
      fault: 'fulfillment down',
      shop: { orders: 1, arrivalTicks: 1, balanceCents: 0 },
      faults: [{ kind: 'kill', component: 'fulfillment', when: { on: 'handle', type: 'fulfillment.schedule' }, downTicks: 6000 }],
      expectedStatuses: ['COMPENSATED'],
    };
    const { outcome, result } = runScenario({ scenario: s, seed: 1, storage: 'memory', coordination: TWO_PC });
    expect(failures(result)).toEqual([]);
    const said = outcome.traceEvents.filter((e) => e.actor === 'coordinator' && e.kind === 'handle').map((e) => e.detail ?? '');
    const failed = said.findIndex((d) => d === 'FAILED: fulfillment.cancel not done after 9 sends; left to a person');
    expect(failed).toBeGreaterThan(0);
    expect(said.slice(failed)).toContain('ABORTED: every participant acknowledged');
    expect(said.filter((d) => d.startsWith('ABORT not yet acknowledged'))).toHaveLength(8);
  });

  it('never gives up on a commit: one its participant cannot hear for 6,000 ticks is sent until it is done, and the transaction ends COMMITTED', () => {
    // Fulfillment voted yes and died, and is down for longer than an abort is sent before a person is asked.
    const s: Scenario = {
      name: 'commit-while-down',
      description: 'a commit its participant cannot hear for 6,000 ticks',
      fault: 'fulfillment down',
      shop: { orders: 1, arrivalTicks: 1 },
      faults: [{ kind: 'kill', component: 'fulfillment', when: { on: 'publish', type: 'fulfillment.schedule.done' }, downTicks: 6000 }],
      expectedStatuses: ['COMPLETED'],
    };
    const { outcome, result } = runScenario({ scenario: s, seed: 1, storage: 'memory', coordination: TWO_PC });
    expect(failures(result)).toEqual([]);
    const said = outcome.traceEvents.filter((e) => e.actor === 'coordinator' && e.kind === 'handle').map((e) => e.detail ?? '');
    expect(said.filter((d) => d.startsWith('COMMIT not yet acknowledged')).length).toBeGreaterThan(8);
    expect(said.some((d) => d.startsWith('FAILED'))).toBe(false);
    expect(said).toContain('COMMITTED: every participant acknowledged');
  });

  it('replays exactly: every scenario that applies gives the same digest in memory and on files', () => {
    const dataRoot = scratchDir('two-phase-determinism');
    for (const s of SCENARIOS.filter((x) => notApplicable(x, TWO_PC) === null)) {
      const digest = (storage: 'memory' | 'file') =>
        runScenario({ scenario: s, seed: 3, storage, dataRoot, coordination: TWO_PC }).result.digest;
      expect(digest('file'), s.name).toBe(digest('memory'));
    }
  });

  it('the CLI runs it with --style 2pc, and refuses its own scenario in the other styles', async () => {
    const home = { env: { SAGA_HOME: scratchDir('two-phase-cli') } };
    const ok = await sagaCli(['run', '--scenario', 'coordinator-crash-in-doubt', '--style', '2pc', '--storage', 'memory'], home);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('replay: npx saga run --scenario coordinator-crash-in-doubt --seed 1 --style 2pc');
    // On files, its run directory lists the transactions from the coordinator's log; the orchestrator's views refuse it by name.
    expect((await sagaCli(['run', '--scenario', 'payment-declined', '--style', '2pc'], home)).code).toBe(0);
    const listed = await sagaCli(['sagas', 'payment-declined-seed1'], home);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/saga-001\s+order-001\s+COMPENSATED\s+ABORTED/);
    expect(listed.stdout).toContain("A two-phase commit run's transactions, as its coordinator's log (coordinator.db) has them.");
    const shown = await sagaCli(['show', 'payment-declined-seed1', 'order-001'], home);
    expect(shown.code).not.toBe(0);
    expect(shown.stderr).toContain(
      "is a two-phase commit run: it has no orchestrator whose sagas this command reads; 'saga sagas' lists its transactions",
    );
    const refused = await sagaCli(['run', '--scenario', 'coordinator-crash-in-doubt', '--storage', 'memory'], home);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('coordinator-crash-in-doubt does not apply to orchestration, because it kills the coordinator');
  });
});

describe('two-phase commit under the crash matrix and the fuzzer', () => {
  it('passes every crash point of its baselines, the coordinator among the components killed', () => {
    const rows = planCrashMatrix(3, TWO_PC).map((p) => runCrashPoint(p, 3));
    expect(rows.filter((r) => !r.ok).map((r) => `${r.label}: ${r.failed.map((f) => f.detail).join('; ')}`)).toEqual([]);
    expect([...new Set(rows.map((r) => r.point.component))].sort()).toEqual([
      'coordinator',
      'fulfillment',
      'inventory',
      'notification',
      'order',
      'payment',
    ]);
    // Its own baseline, a vote that never comes; and a coordinator back without its timers, which the participants in doubt remind.
    expect(new Set(rows.map((r) => r.point.baseline))).toEqual(
      new Set(['forward', 'compensation', 'contended', 'undo-retried', 'unvoted']),
    );
    expect(rows.some((r) => r.point.component === 'coordinator' && r.point.forgetsTimers)).toBe(true);
  });

  it('fails the matrix with each defence switched off, reconciliation (the participants asking for the decision) included', () => {
    const planned = planCrashMatrix(3, TWO_PC);
    const firstFailure = (defence: DefenceName) => planned.find((point) => !runCrashPoint(point, 3, withDisabled([defence])).ok);
    for (const defence of DEFENCE_NAMES) expect(firstFailure(defence), defence).toBeDefined();
  });

  it("sweeps with no violation, reaching the coordinator's paths, and a replay file that records the style", async () => {
    const report = await fuzz({ range: { from: 1, seeds: 60 }, disabled: [], coordination: TWO_PC, workers: 1, shrink: false });
    expect(report.summary.violations).toEqual([]);
    expect(report.summary.coordination).toEqual(TWO_PC);
    expect(report.summary.coverage['vote-timeout']).toBeGreaterThan(0);
    expect(report.summary.coverage['abort:payment.void']).toBeGreaterThan(0);
    expect(report.summary.coverage).not.toHaveProperty('compensate:payment.refund');
    const failuresDir = scratchDir('two-phase-failures');
    const broken = await fuzz({
      range: { from: 1, seeds: 20 },
      disabled: ['isolation'],
      coordination: TWO_PC,
      workers: 1,
      shrink: true,
      failuresDir,
    });
    const found = broken.shrunk[0]!;
    expect(found.file).toMatch(/-2pc-without-isolation\.json$/);
    expect(readReplayFile(found.file!).coordination).toEqual(TWO_PC);
    const replayed = await sagaCli(['replay', found.file!], { env: { SAGA_HOME: scratchDir('two-phase-replay') } });
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toContain('two-phase commit');
    expect(replayed.stdout).toContain('violated again, same digest');
  });
});

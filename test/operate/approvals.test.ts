import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { DeadLetterEntry, SagaDetail } from '../../src/operate/index.js';
import { filesOf, sagaCli, scratchDir } from '../helpers.js';

/** A home of its own for each test, and the CLI run in it. */
function home() {
  const dir = scratchDir('home');
  const cli = (args: readonly string[]) => sagaCli(args, { env: { SAGA_HOME: dir } });
  return { cli, run: (name: string) => join(dir, 'runs', name) };
}

type Report = {
  ok: boolean;
  sagas: Array<{ orderId: string; status: string }>;
  invariants: Array<{ ok: boolean }>;
  interventions?: number;
};

describe('saga approve and saga reject: a person decides on an order parked for approval in a stopped run', () => {
  it('stopped at the first order awaiting approval; approved and rejected by hand; resumed: each saga goes the way the person said', async () => {
    const { cli, run } = home();
    const stopped = await cli(['run', '--scenario', 'manual-approval', '--stop-when', 'approval']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/awaiting approval: order-003 \(decide with 'npx saga approve manual-approval-seed1 order-003' or/);
    const dir = run('manual-approval-seed1');
    // Stop again once all three are parked, and decide two of them by hand.
    expect((await cli(['resume', dir, '--stop-at', '100'])).code).toBe(0);
    const approve = await cli(['approve', dir, 'order-003', '--by', 'bob', '--note', 'known customer']);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toMatch(/^Approved order-003 \(saga-003\) as bob: /);
    expect((await cli(['reject', dir, 'saga-002', '--by', 'bob', '--reason', 'address unknown'])).code).toBe(0);

    const resumed = await cli(['resume', dir, '--json']);
    expect(resumed.code).toBe(0);
    const report = JSON.parse(resumed.stdout) as Report;
    const status = Object.fromEntries(report.sagas.map((s) => [s.orderId, s.status]));
    // Its own operator approves order-001 at tick 600 still; the two decided by hand went as bob said.
    expect(status).toEqual({ 'order-001': 'COMPLETED', 'order-002': 'COMPENSATED', 'order-003': 'COMPLETED' });
    expect(report.invariants.every((i) => i.ok)).toBe(true);
    expect(report.interventions).toBe(2);
    const shown = JSON.parse((await cli(['show', dir, 'order-002', '--json'])).stdout) as SagaDetail;
    expect(shown.log.map((l) => l.note).join('\n')).toContain('rejected by bob: address unknown');
  });

  it('refused in one sentence, exit 2, nothing changed: no reason to reject, an unknown order, one not awaiting approval, a decision already waiting', async () => {
    const { cli, run } = home();
    expect((await cli(['run', '--scenario', 'manual-approval', '--stop-at', '100'])).code).toBe(0);
    const dir = run('manual-approval-seed1');
    expect((await cli(['approve', dir, 'order-001'])).code).toBe(0);
    const before = filesOf(dir);
    const cases: Array<[string[], RegExp]> = [
      [['reject', dir, 'order-002'], /^Say why: saga reject .* --reason "\.\.\."/],
      [['reject', dir, 'order-002', '--reason', '  '], /^Say why: /],
      [['approve', dir, 'order-009'], /^No saga for order-009 in .* \(no such order, or not placed yet\); 'saga sagas .*' lists them\.\n$/],
      [['approve', dir, 'order-001', '--by', ''], /^--by needs a name/],
      [
        ['reject', dir, 'order-001', '--reason', 'changed my mind'],
        /^order-001 already has a decision waiting \(approve\): 'saga resume .*' carries it out\.\n$/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(filesOf(dir)).toEqual(before);
    // Once the run has carried the approval out, the order awaits nothing.
    expect((await cli(['resume', dir])).code).toBe(0);
    const late = await cli(['reject', dir, 'order-001', '--reason', 'too late']);
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/^order-001 is COMPLETED, not AWAITING_APPROVAL: there is nothing to reject\.\n$/);
  });

  it('a decision that cannot reach the orchestrator before the SLA runs out is taken, with a warning that the SLA acts first', async () => {
    const { cli, run } = home();
    expect((await cli(['run', '--scenario', 'manual-approval', '--stop-at', '1019'])).code).toBe(0);
    const dir = run('manual-approval-seed1');
    const late = await cli(['reject', dir, 'order-003', '--note', 'too slow']);
    expect(late.code).toBe(0);
    expect(late.stderr).toMatch(/^Note: its approval SLA ends at tick 1020, before the decision reaches the orchestrator \(tick 1020\)/);
    const report = JSON.parse((await cli(['resume', dir, '--json'])).stdout) as Report;
    expect(report.sagas.find((s) => s.orderId === 'order-003')?.status).toBe('COMPENSATED');
    const shown = JSON.parse((await cli(['show', dir, 'order-003', '--json'])).stdout) as SagaDetail;
    expect(shown.log.map((l) => l.note).join('\n')).toContain('no decision within 1000 ticks: rejected');
    expect(shown.log.map((l) => l.note).join('\n')).toContain('reject by ');
    // In time, there is nothing to warn about; --reason and --note are one option, given once.
    const { cli: cli2, run: run2 } = home();
    expect((await cli2(['run', '--scenario', 'manual-approval', '--stop-at', '100'])).code).toBe(0);
    const both = await cli2(['reject', run2('manual-approval-seed1'), 'order-003', '--note', 'a', '--reason', 'b']);
    expect(both).toMatchObject({ code: 2, stderr: 'Give the reason once: --reason and --note are the same option.\n' });
    expect((await cli2(['approve', run2('manual-approval-seed1'), 'order-003', '--reason', 'known'])).stderr).toBe('');
  });

  it('an approval escalated past its SLA is a dead letter that only a decision closes', async () => {
    const { cli, run } = home();
    expect((await cli(['run', '--scenario', 'approval-escalated', '--stop-when', 'parked'])).code).toBe(0);
    const dir = run('approval-escalated-seed1');
    const letters = JSON.parse((await cli(['dlq', dir, 'list', '--json'])).stdout) as DeadLetterEntry[];
    expect(letters).toEqual([
      expect.objectContaining({
        id: 'saga-001:1',
        kind: 'approval',
        queue: 'person',
        type: 'approval before payment.charge',
        state: 'open',
      }),
    ]);
    const redrive = await cli(['dlq', dir, 'redrive', 'saga-001:1']);
    expect(redrive.code).toBe(2);
    expect(redrive.stderr).toMatch(/is an order nobody approved in time: 'saga approve .* saga-001' or 'saga reject/);
    expect((await cli(['approve', dir, 'order-001', '--by', 'carol'])).code).toBe(0);
    const report = JSON.parse((await cli(['resume', dir, '--json'])).stdout) as Report;
    expect(report.sagas.map((s) => s.status)).toEqual(['COMPLETED']);
    expect(report.ok).toBe(true);
    const after = JSON.parse((await cli(['dlq', dir, 'list', '--json'])).stdout) as DeadLetterEntry[];
    expect(after).toEqual([expect.objectContaining({ kind: 'approval', state: 'resolved', actedBy: 'carol', note: 'approved' })]);
  });
});

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffRuns, type ComparedRun } from '../../src/operate/index.js';
import { sagaCli, scratchDir } from '../helpers.js';

const run = (trace: string[], status: string, ok = true): ComparedRun => ({
  trace,
  sagas: [{ id: 'saga-001', orderId: 'order-001', status }],
  invariants: [{ name: 'saga-terminal', ok, detail: ok ? '1 saga terminal' : 'saga 001 still RUNNING' }],
  digest: trace.join('|'),
});

describe('diffRuns', () => {
  it('finds the first event that differs, with the events before it, and what ends differently', () => {
    const d = diffRuns(run(['1 x', '2 y', '3 z', '4 a', '5 b'], 'COMPLETED'), run(['1 x', '2 y', '3 z', '4 a', '5 c'], 'RUNNING', false));
    expect(d.same).toBe(false);
    expect(d.firstDifference).toEqual({ index: 4, before: ['2 y', '3 z', '4 a'], a: '5 b', b: '5 c' });
    expect(d.sagas).toEqual([{ id: 'saga-001', a: 'COMPLETED', b: 'RUNNING' }]);
    expect(d.invariants.map((v) => v.name)).toEqual(['saga-terminal']);
  });

  it('a timeline that is the start of the other parts where it ends; equal runs are the same', () => {
    expect(diffRuns(run(['1 x'], 'COMPLETED'), run(['1 x', '2 y'], 'COMPLETED')).firstDifference).toEqual({
      index: 1,
      before: ['1 x'],
      a: null,
      b: '2 y',
    });
    expect(diffRuns(run(['1 x'], 'COMPLETED'), run(['1 x'], 'COMPLETED'))).toMatchObject({ same: true, sagas: [], invariants: [] });
  });
});

describe('saga diff', () => {
  it('two runs given by their options: where they part, what judges differently; exit 1; the same run twice: exit 0', async () => {
    const outbox = await sagaCli([
      'diff',
      '--scenario crash-before-publish --seed 9',
      '--scenario crash-before-publish --seed 9 --disable outbox',
    ]);
    expect(outbox.code).toBe(1);
    expect(outbox.stdout).toMatch(/The runs part at event \d+ of their timelines:\n( {4}.*\n){3} {2}a .*\n {2}b .*\n/);
    expect(outbox.stdout).toMatch(/order-matches-saga: a pass: .*; b FAIL: saga \d+ COMPLETED but order PENDING/);
    // Storage changes nothing: diff runs each side in memory, as JSON, and drops what would draw or print it otherwise.
    const same = await sagaCli([
      'diff',
      '--scenario happy-path --seed 3 --timeline order-001',
      '--scenario happy-path --seed 3 --storage file --mermaid',
    ]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/The runs are the same: \d+ events, digest [0-9a-f]{16}\.\n$/);
  });

  it('a side can be a run directory (run again from its recipe) or a replay file', async () => {
    const home = scratchDir('home');
    const cli = (args: readonly string[]) => sagaCli(args, { env: { SAGA_HOME: home } });
    expect((await cli(['run', '--scenario', 'duplicate-delivery', '--seed', '4'])).code).toBe(0);
    const dir = join(home, 'runs', 'duplicate-delivery-seed4');
    const fromDir = await cli(['diff', dir, '--scenario duplicate-delivery --seed 4', '--json']);
    expect(fromDir.code).toBe(0);
    expect(JSON.parse(fromDir.stdout)).toMatchObject({ same: true, firstDifference: null, sagas: [], invariants: [] });
    expect((await cli(['fuzz', '--seeds', '3', '--workers', '1', '--disable', 'idempotency'])).code).toBe(1);
    const failures = join(home, 'failures');
    const file = join(failures, readdirSync(failures)[0]!);
    expect((await cli(['diff', file, file])).code).toBe(0);
  });

  it('a side that cannot be run is refused in one sentence, exit 2', async () => {
    const bad = await sagaCli(['diff', '--scenario nope', '--scenario happy-path']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe("Side a ('--scenario nope') cannot be run: Unknown scenario 'nope'. Run 'saga scenarios' for the list.\n");
    const empty = await sagaCli(['diff', '', '--scenario happy-path']);
    expect(empty.stderr).toMatch(/^Side a is empty: give the options of a run/);
  });
});

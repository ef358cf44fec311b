import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: { NO_COLOR: '1' } });
  return { code, stdout, stderr };
}

describe('saga CLI', () => {
  it('run prints the scenario table and exits 0 when every invariant holds', () => {
    const { code, stdout } = cli('run', '--scenario', 'crash-mid-payment', '--seed', '7', '--storage', 'memory');
    expect(code).toBe(0);
    expect(stdout).toContain('single-charge');
    expect(stdout).toContain('PASS');
    expect(stdout).toContain('replay: npx saga run --scenario crash-mid-payment --seed 7');
    // NO_COLOR: no escape codes at all.
    expect(stdout).not.toContain('\u001b[');
  });

  it('--json prints exactly one JSON object with the documented fields', () => {
    const { code, stdout } = cli('run', '--scenario', 'happy-path', '--seed', '7', '--json', '--storage', 'memory');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['scenario', 'seed', 'ok', 'invariants', 'sagas', 'services', 'broker', 'digest']));
    expect(report).toMatchObject({ scenario: 'happy-path', seed: 7, ok: true });
    expect(Object.keys(report.services)).toEqual(['order', 'inventory', 'payment', 'fulfillment', 'notification']);
    expect(Object.keys(report.broker)).toEqual(
      expect.arrayContaining(['published', 'delivered', 'dropped', 'duplicated', 'delayed', 'reordered', 'redelivered', 'deadLettered', 'duplicatesSkipped']),
    );
    expect(report.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('--trace prints the timeline: the crash and the restart are in it', () => {
    const { stdout } = cli('run', '--scenario', 'crash-mid-payment', '--seed', '7', '--trace', '--storage', 'memory');
    expect(stdout).toMatch(/\d+ crash orchestrator/);
    expect(stdout).toMatch(/\d+ restart orchestrator/);
  });

  it('scenarios lists every scenario', () => {
    const { code, stdout } = cli('scenarios');
    expect(code).toBe(0);
    for (const name of ['happy-path', 'payment-declined', 'duplicate-delivery', 'crash-mid-payment', 'peak-load']) expect(stdout).toContain(name);
  });

  it.each([
    [['run', '--scenario', 'nope'], /Unknown scenario 'nope'. Known scenarios: happy-path/],
    [['run'], /needs --scenario/],
    [['run', '--scenario', 'happy-path', '--seed', '-3'], /--seed takes a whole number/],
    [['run', '--scenario', 'happy-path', '--seed', '1.5'], /--seed takes a whole number/],
    [['run', '--scenario', 'happy-path', '--storage', 'disk'], /--storage takes 'file' or 'memory'/],
    [['run', '--scenario', 'happy-path', '--faults', 'gentle'], /Unknown fault profile 'gentle'/],
    [['run', '--scenario', 'happy-path', '--bogus'], /unknown option '--bogus'/],
    [['fly'], /unknown command 'fly'/],
    [['run', '--all', '--disable', 'nope'], /Unknown defence 'nope'. Known defences: idempotency/],
    [['run', '--all', '--scenario', 'happy-path'], /either --scenario <name> or --all/],
    [['ab'], /needs --disable/],
  ])('bad usage %j exits 2 with one clear sentence and no stack trace', (args, message) => {
    const { code, stderr, stdout } = cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });

  it('run --all prints one row per scenario and exits 0; --json gives an array', () => {
    const { code, stdout } = cli('run', '--all', '--storage', 'memory');
    expect(code).toBe(0);
    expect(stdout).toContain('22 of 22 scenarios passed');
    const json = JSON.parse(cli('run', '--all', '--storage', 'memory', '--json').stdout);
    expect(json).toHaveLength(22);
  });

  it('run with a defence switched off exits 1 and names the broken invariant', () => {
    const { code, stdout } = cli('run', '--scenario', 'duplicate-delivery', '--disable', 'idempotency', '--storage', 'memory');
    expect(code).toBe(1);
    expect(stdout).toMatch(/single-charge .*FAIL/);
    expect(stdout).toMatch(/2 charges, 0 refunds/);
    expect(stdout).toContain('--disable idempotency');
  });

  it('ab shows what breaks without a defence; crash-matrix passes', () => {
    const ab = cli('ab', '--disable', 'isolation');
    expect(ab.code).toBe(0);
    expect(ab.stdout).toMatch(/Without isolation, \d+ of 22 scenarios break: .*concurrent-orders/);
    const matrix = cli('crash-matrix', '--json');
    expect(matrix.code).toBe(0);
    expect(JSON.parse(matrix.stdout)).toMatchObject({ failed: 0 });
  });

  it('--help exits 0', () => {
    expect(cli('--help').code).toBe(0);
    expect(cli('run', '--help').stdout).toContain('--scenario');
  });
});

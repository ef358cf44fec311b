import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ORCHESTRATED, sagaCli, scratchDir } from '../helpers.js';

const home = scratchDir('home');

const cli = (...args: string[]) => sagaCli(args, { env: { SAGA_HOME: home } });

describe('saga CLI', async () => {
  it('run prints the scenario table and exits 0 when every invariant holds', async () => {
    const { code, stdout } = await cli('run', '--scenario', 'crash-mid-payment', '--seed', '7', '--storage', 'memory');
    expect(code).toBe(0);
    expect(stdout).toContain('single-charge');
    expect(stdout).toContain('PASS');
    expect(stdout).toContain('replay: npx saga run --scenario crash-mid-payment --seed 7');
    // NO_COLOR: no escape codes at all.
    expect(stdout).not.toContain('\u001b[');
  });

  it('--json prints exactly one JSON object with the documented fields', async () => {
    const { code, stdout } = await cli('run', '--scenario', 'happy-path', '--seed', '7', '--json', '--storage', 'memory');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['scenario', 'seed', 'ok', 'invariants', 'sagas', 'services', 'broker', 'digest']),
    );
    expect(report).toMatchObject({ scenario: 'happy-path', seed: 7, ok: true });
    expect(Object.keys(report.services)).toEqual(['order', 'inventory', 'payment', 'fulfillment', 'notification']);
    expect(Object.keys(report.broker)).toEqual(
      expect.arrayContaining([
        'published',
        'delivered',
        'dropped',
        'duplicated',
        'delayed',
        'reordered',
        'redelivered',
        'deadLettered',
        'duplicatesSkipped',
      ]),
    );
    expect(report.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('--trace prints the timeline: the crash and the restart are in it', async () => {
    const { stdout } = await cli('run', '--scenario', 'crash-mid-payment', '--seed', '7', '--trace', '--storage', 'memory');
    expect(stdout).toMatch(/\d+ crash orchestrator/);
    expect(stdout).toMatch(/\d+ restart orchestrator/);
  });

  it('scenarios lists every scenario', async () => {
    const { code, stdout } = await cli('scenarios');
    expect(code).toBe(0);
    for (const name of ['happy-path', 'payment-declined', 'duplicate-delivery', 'crash-mid-payment', 'peak-load'])
      expect(stdout).toContain(name);
  });

  it.each([
    [['run', '--scenario', 'nope'], /Unknown scenario 'nope'. Run 'saga scenarios' for the list./],
    [['run'], /needs --scenario/],
    [['run', '--scenario', 'happy-path', '--seed', '-3'], /--seed takes a whole number/],
    [['run', '--scenario', 'happy-path', '--seed', '1.5'], /--seed takes a whole number/],
    [['run', '--scenario', 'happy-path', '--storage', 'disk'], /--storage takes 'file' or 'memory'/],
    [['run', '--scenario', 'happy-path', '--faults', 'gentle'], /Unknown fault profile 'gentle'/],
    [['run', '--scenario', 'happy-path', '--bogus'], /unknown option '--bogus'/],
    [['fly'], /unknown command 'fly'/],
    [['run', '--all', '--disable', 'nope'], /Unknown defence 'nope'. Known: idempotency/],
    [['run', '--all', '--scenario', 'happy-path'], /either --scenario <name> or --all/],
    [['ab'], /needs --disable/],
    [['fuzz', '--shard', '9/8'], /--shard takes i\/n/],
    [['fuzz', 'merge'], /needs the JSON files/],
    [['replay', '.saga/no-such-file.json'], /no such file/],
  ])('bad usage %j exits 2 with one clear sentence and no stack trace', async (args, message) => {
    const { code, stderr, stdout } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stdout).toBe('');
  });

  it('run --all prints one row per scenario and exits 0; --json gives an array', async () => {
    const { code, stdout } = await cli('run', '--all', '--storage', 'memory');
    expect(code).toBe(0);
    expect(stdout).toContain(`${ORCHESTRATED.length} of ${ORCHESTRATED.length} scenarios passed`);
    const json = JSON.parse((await cli('run', '--all', '--storage', 'memory', '--json')).stdout);
    expect(json).toHaveLength(ORCHESTRATED.length);
  });

  it('run with a defence switched off exits 1 and names the broken invariant', async () => {
    const { code, stdout } = await cli('run', '--scenario', 'duplicate-delivery', '--disable', 'idempotency', '--storage', 'memory');
    expect(code).toBe(1);
    expect(stdout).toMatch(/single-charge .*FAIL/);
    expect(stdout).toMatch(/2 charges, 0 refunds/);
    expect(stdout).toContain('--disable idempotency');
  });

  it('ab shows what breaks without a defence; crash-matrix passes', async () => {
    const ab = await cli('ab', '--disable', 'isolation');
    expect(ab.code).toBe(0);
    expect(ab.stdout).toMatch(new RegExp(`Without isolation, \\d+ of ${ORCHESTRATED.length} scenarios breaks?: .*concurrent-orders`));
    const matrix = await cli('crash-matrix', '--json');
    expect(matrix.code).toBe(0);
    expect(JSON.parse(matrix.stdout)).toMatchObject({ failed: 0 });
  });

  it('fuzz finds nothing with every defence on; without one it shrinks the failure and the replay file reproduces it', async () => {
    const clean = await cli('fuzz', '--seeds', '12', '--workers', '1', '--json');
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ seedsRun: 12, violations: [] });

    const broken = await cli('fuzz', '--seeds', '10', '--workers', '1', '--disable', 'idempotency');
    expect(broken.code).toBe(1);
    const file = /replay: npx saga replay (\S+single-charge\S+\.json)/.exec(broken.stdout)?.[1];
    expect(file).toBeDefined();
    const replay = await cli('replay', file!);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain('reproduced: single-charge violated again, same digest');
  });

  it('fuzz merge adds up shard outputs', async () => {
    const dir = scratchDir('shards');
    const files = [];
    for (const shard of ['1/2', '2/2']) {
      const out = await cli('fuzz', '--seeds', '8', '--shard', shard, '--workers', '1', '--json');
      const file = join(dir, `${shard.replace('/', '-')}.json`);
      writeFileSync(file, out.stdout);
      files.push(file);
    }
    const merged = await cli('fuzz', 'merge', ...files, '--json');
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ seedsRun: 8 });
  });

  it('--help exits 0', async () => {
    expect((await cli('--help')).code).toBe(0);
    expect((await cli('run', '--help')).stdout).toContain('--scenario');
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { runCli } from '../../src/cli/program.js';
import { sagaCli, scratchDir } from '../helpers.js';

const home = scratchDir('home');
const cli = (...args: string[]) => sagaCli(args, { env: { SAGA_HOME: home } });

/** Bad input: exit 2 and one sentence, which is returned. */
async function refused(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await cli(...args);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toHaveLength(1);
  return stderr.trim();
}

describe('fuzz merge takes the shards of one sweep, each once, all there, each finished', () => {
  const dir = scratchDir('shards');
  const shard = (name: string, args: string[]) => async () => {
    const out = await cli('fuzz', '--seeds', '6', '--workers', '1', '--json', ...args);
    writeFileSync(join(dir, name), out.stdout);
    return join(dir, name);
  };
  const files: Record<string, string> = {};
  beforeAll(async () => {
    files.a = await shard('a.json', ['--shard', '1/3'])();
    files.b = await shard('b.json', ['--shard', '2/3'])();
    files.c = await shard('c.json', ['--shard', '3/3'])();
    files.whole = await shard('whole.json', [])();
    files.other = await shard('other.json', ['--shard', '3/3', '--disable', 'outbox'])();
    const stopped = JSON.parse((await cli('fuzz', '--seeds', '6', '--workers', '1', '--json', '--shard', '3/3')).stdout);
    writeFileSync(join(dir, 'stopped.json'), JSON.stringify({ ...stopped, seedsRun: 1 }));
    files.stopped = join(dir, 'stopped.json');
  });

  it('merges the three shards into the sweep', async () => {
    const merged = await cli('fuzz', 'merge', files.a!, files.b!, files.c!, '--json');
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ seedsRun: 6 });
  });

  it('refuses a shard given twice, a missing shard, a whole sweep with a shard, shards of another sweep, and a stopped shard', async () => {
    expect(await refused('fuzz', 'merge', files.a!, files.b!, files.b!)).toContain('are both shard 2/3; give each shard once');
    expect(await refused('fuzz', 'merge', files.a!, files.b!)).toContain('Shard 3/3 is missing: seeds 3, 6 were not run');
    expect(await refused('fuzz', 'merge', files.whole!, files.a!)).toContain('is a whole sweep, not a shard');
    expect(await refused('fuzz', 'merge', files.a!, files.b!, files.other!)).toContain('is from another sweep');
    expect(await refused('fuzz', 'merge', files.a!, files.b!, files.stopped!)).toContain('ran 1 of its 2 seeds (it was stopped)');
  });

  it('refuses a file that is not a shard output, naming the field', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ seedsRun: 'six' }));
    expect(await refused('fuzz', 'merge', broken)).toMatch(/broken\.json is not a valid 'saga fuzz --json' output: at seedsRun, /);
    expect(await refused('fuzz', 'merge', dir)).toContain('it is a directory');
  });
});

describe('a replay file is checked before it is run', () => {
  const dir = scratchDir('replays');
  let valid: Record<string, unknown>;
  beforeAll(async () => {
    const found = await cli('fuzz', '--seeds', '10', '--workers', '1', '--disable', 'idempotency');
    const file = /^wrote (\S+single-charge\S+\.json)$/m.exec(found.stdout)![1]!;
    valid = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) as Record<string, unknown>;
  });
  const write = (name: string, data: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
    return path;
  };

  it('a missing field, a null or unknown fault, a negative quantity, an order for an unknown SKU: each named, exit 2', async () => {
    const { seed: _seed, ...noSeed } = valid;
    expect(await refused('replay', write('no-seed.json', noSeed))).toMatch(/at seed, /);
    expect(await refused('replay', write('null-fault.json', { ...valid, schedule: [null] }))).toMatch(/at schedule\.0, /);
    expect(await refused('replay', write('unknown-fault.json', { ...valid, schedule: [{ kind: 'flood', type: 'x' }] }))).toMatch(
      /at schedule\.0\.kind, /,
    );
    const workload = valid.workload as { orders: Array<Record<string, unknown>> };
    const negative = { ...valid, workload: { ...workload, orders: [{ ...workload.orders[0], qty: -2 }] } };
    expect(await refused('replay', write('negative.json', negative))).toMatch(/at workload\.orders\.0\.qty, /);
    const unknownSku = { ...valid, workload: { ...workload, orders: [{ ...workload.orders[0], sku: 'SKU-ZZ' }] } };
    expect(await refused('replay', write('sku.json', unknownSku))).toContain("no SKU 'SKU-ZZ' in the stock");
    expect(await refused('replay', write('invariant.json', { ...valid, invariant: 'no-such-invariant' }))).toMatch(/at invariant, /);
    expect(await refused('replay', write('defence.json', { ...valid, disabled: ['nope'] }))).toMatch(
      /at disabled\.0, no defence 'nope'; the defences are idempotency, outbox, isolation, recovery, timeouts, compensation-retry/,
    );
    const twice = { ...valid, workload: { ...workload, orders: [workload.orders[0], workload.orders[0]] } };
    expect(await refused('replay', write('twice.json', twice))).toMatch(/at workload\.orders, .*an order id given twice/);
    expect(await refused('replay', write('not-json.json', '{'))).toContain('it is not valid JSON');
    expect(await refused('replay', dir)).toContain('it is a directory');
  });

  it('an edited digest and another build are told apart from a code change', async () => {
    const edited = await cli('replay', write('edited.json', { ...valid, digest: 'a'.repeat(64) }));
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain('the digest differs: the file was edited, or the code changed within this build');
    const older = await cli('replay', write('older.json', { ...valid, build: '0.0.1', digest: 'a'.repeat(64) }));
    expect(older.stdout).toContain('This is build');
    expect(older.stdout).toContain('the digest differs: the file was written by build 0.0.1');
  });
});

describe('a replay file that cannot be written', () => {
  it('is reported with its failure, and the sweep’s report goes on', async () => {
    const blocked = scratchDir('blocked');
    // A file where the failures folder should be: nothing can be written under it.
    writeFileSync(join(blocked, 'failures'), 'in the way');
    let stdout = '';
    const code = await runCli(
      ['fuzz', '--seeds', '10', '--workers', '1', '--disable', 'idempotency'],
      { out: (t) => void (stdout += t), err: () => {}, env: { NO_COLOR: '1', SAGA_HOME: blocked } },
      SCENARIOS,
    );
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL  ');
    // One failure per invariant broken, each reported with why its file could not be written.
    const broken = new Set([...stdout.matchAll(/^(\S+): seed \d+ shrunk/gm)].map((m) => m[1]));
    expect(broken.size).toBeGreaterThanOrEqual(2);
    expect(stdout.match(/the replay file could not be written: \S+ is not a folder/g)).toHaveLength(broken.size);
    expect(stdout).not.toContain('wrote ');
  });
});

describe('the sweep’s speed leaves shrinking out', () => {
  it('seeds/s counts the sweep alone; the time spent shrinking is reported beside it', async () => {
    const json = JSON.parse((await cli('fuzz', '--seeds', '10', '--workers', '1', '--disable', 'idempotency', '--json')).stdout) as {
      seedsRun: number;
      shrunk: unknown[];
      timing: { seconds: number; seedsPerSec: number; shrinkSeconds: number };
    };
    expect(json.shrunk.length).toBeGreaterThan(0);
    expect(json.timing.shrinkSeconds).toBeGreaterThan(0);
    expect(json.timing.seedsPerSec).toBeCloseTo(json.seedsRun / json.timing.seconds, 6);
    const text = (await cli('fuzz', '--seeds', '10', '--workers', '1', '--disable', 'idempotency')).stdout;
    expect(text).toMatch(/^10 seeds in \d+\.\d s: \d+ seeds\/s on 1 worker; shrinking took \d+\.\d s more$/m);
  });
});

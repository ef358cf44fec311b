import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { runCli } from '../../src/cli/program.js';
import { planCrashMatrix } from '../../src/scenario/index.js';
import { ORCHESTRATED, sagaCli, scratchDir } from '../helpers.js';
import { buildVersion } from '../../src/version.js';

const home = scratchDir('home');

const cli = (args: readonly string[], env: Record<string, string> = {}) => sagaCli(args, { env: { SAGA_HOME: home, ...env } });

/** Bad input: exit 2, nothing on stdout, one sentence on stderr, no stack trace. */
async function refused(args: readonly string[]): Promise<string> {
  const { code, stdout, stderr } = await cli(args);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return stderr.trim();
}

describe('inputs are checked, and refused in one sentence with exit 2', () => {
  it('a near-miss scenario name gets a suggestion; an unknown fault profile or defence too', async () => {
    expect(await refused(['run', '--scenario', 'crash-mid-paymnt'])).toBe(
      "Unknown scenario 'crash-mid-paymnt'. Did you mean 'crash-mid-payment'? Run 'saga scenarios' for the list.",
    );
    expect(await refused(['run', '--scenario', 'happy-path', '--faults', 'lossey'])).toContain("Did you mean 'lossy'?");
    expect(await refused(['run', '--scenario', 'happy-path', '--disable', 'idempotence'])).toContain("Did you mean 'idempotency'?");
  });

  it('a name echoed back is cut to a readable length, with its control characters escaped', async () => {
    const message = await refused(['run', '--scenario', `evil\u001b[31m\nname${'x'.repeat(100_000)}`]);
    // eslint-disable-next-line no-control-regex -- the point: no control character reaches the terminal
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(message).toContain('evil\\u001b[31m\\nname');
    expect(message.length).toBeLessThan(160);
  });

  it('whatever an error echoes (a path, an unknown command or option, a run directory) reaches the terminal escaped and cut', async () => {
    const evil = `\u001b[31mred\n${'y'.repeat(5000)}`;
    for (const args of [['replay', evil], [evil], ['run', `--${evil}`], ['sagas', evil]]) {
      const { code, stderr } = await cli(args);
      expect(code, args[0]).toBe(2);
      // eslint-disable-next-line no-control-regex -- the point: no control character reaches the terminal
      expect(stderr.trimEnd().split('\n').join(' '), args[0]).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
      expect(stderr.length, args[0]).toBeLessThan(400);
      expect(stderr).toContain('\\u001b[31mred\\n');
    }
  });

  it('an option that takes one value is refused when given twice, on every command', async () => {
    expect(await refused(['run', '--scenario', 'happy-path', '--seed', '1', '--seed', '2'])).toBe(
      '--seed was given more than once; give it once.',
    );
    expect(await refused(['run', '--scenario', 'happy-path', '--scenario', 'crash-mid-payment'])).toContain(
      '--scenario was given more than once',
    );
    expect(await refused(['fuzz', '--seeds', '5', '--seeds', '6'])).toContain('--seeds was given more than once');
    expect(await refused(['crash-matrix', '--seed', '1', '--seed', '1'])).toContain('--seed was given more than once');
  });

  it('defences are a set: no empty entry, none twice', async () => {
    expect(await refused(['run', '--scenario', 'happy-path', '--disable', ','])).toContain('--disable has an empty entry');
    expect(await refused(['run', '--scenario', 'happy-path', '--disable', 'outbox,outbox'])).toBe(
      '--disable names outbox twice; name each defence once.',
    );
    expect(await refused(['ab', '--disable', 'outbox', '--disable', 'timeouts,'])).toContain('empty entry');
  });

  it('a seed range is checked end to end', async () => {
    expect(await refused(['fuzz', '--from', '4294967294', '--seeds', '5'])).toBe(
      '--from 4294967294 with --seeds 5 runs past the last seed, 4294967295; give at most 2 seeds from there.',
    );
    expect(await refused(['run', '--scenario', 'happy-path', '--seed', '4294967296'])).toContain('from 0 to 4294967295');
  });
});

describe('output that fits and says what happened', () => {
  it('--version prints the version', async () => {
    const { code, stdout } = await cli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(buildVersion());
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('scenarios prints one line each, names whole, cut to the width of the output; --json gives them as data', async () => {
    const { stdout } = await cli(['scenarios'], { COLUMNS: '50' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(SCENARIOS.length);
    for (const [i, s] of SCENARIOS.entries()) expect(lines[i]!.startsWith(`${s.name} `)).toBe(true);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(50);
    const json = JSON.parse((await cli(['scenarios', '--json'])).stdout) as Array<{ name: string; description: string }>;
    expect(json.map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
  });

  it('the report header says which faults, defences and workload the run had, and counts in words that agree', async () => {
    const { stdout } = await cli([
      'run',
      '--scenario',
      'duplicate-delivery',
      '--faults',
      'lossy',
      '--disable',
      'idempotency',
      '--orders',
      '1',
      '--storage',
      'memory',
    ]);
    expect(stdout).toContain('network: lossy (30% of publishes and deliveries dropped)');
    expect(stdout).toContain('defences off: idempotency');
    expect(stdout).toContain('workload: 1 order, 100 units per SKU (scaled with the orders)');
    expect(stdout).toMatch(/ {2}1 saga, /);
    // The scenario's own description assumes none of the changes, and the report says so before listing them.
    expect(stdout).toMatch(/\nThis run is not the scenario as written above:\n {2}network: lossy/);
    // Every count agrees with its noun, in the invariants' details too.
    expect(stdout).not.toMatch(
      /\b1 (sagas|orders|reservations|accounts|shipments|SKUs|notifications|refunds|charges|dead letters|messages)\b/,
    );
    for (const agreeing of ['1 order agrees with its saga', '1 shipment matches its saga', '1 account balances'])
      expect(stdout).toContain(agreeing);
  });

  it('--orders scales the stock with the orders unless --stock is given, so the scenario keeps its shape', async () => {
    const scaled = await cli(['run', '--scenario', 'happy-path', '--orders', '200', '--storage', 'memory', '--json']);
    expect(scaled.code).toBe(0);
    expect(JSON.parse(scaled.stdout).services.inventory.stock[0].initial).toBe(4_000);
    const pinned = await cli(['run', '--scenario', 'happy-path', '--orders', '200', '--stock', '100', '--storage', 'memory', '--json']);
    expect(pinned.code).toBe(1);
  });
});

describe('output fits the terminal', () => {
  // Commands and paths a reader copies (replay lines, continuations, files written) stay whole on their line, whatever the width.
  const widest = (text: string): number =>
    Math.max(
      ...text
        .split('\n')
        .filter((l) => !/^\s*(replay: |npx saga |wrote |databases: |saga replay \/)/.test(l))
        .map((l) => [...l].length),
    );

  it('every command keeps its tables and paragraphs within COLUMNS, wrapping the prose', async () => {
    await cli(['run', '--scenario', 'crash-after-commit-before-ack', '--orders', '3', '--faults', 'chaotic', '--disable', 'isolation']);
    for (const given of [
      ['run', '--scenario', 'duplicate-delivery', '--disable', 'idempotency', '--storage', 'memory', '--faults', 'chaotic'],
      ['ab', '--disable', 'outbox'],
      ['ab', '--disable', 'idempotency'],
      ['--help'],
      ['run', '--all', '--storage', 'memory'],
      ['crash-matrix', '--disable', 'isolation'],
      ['runs', 'list'],
      ['bench', '--orders', '100'],
      ['fuzz', '--seeds', '20', '--disable', 'idempotency', '--no-shrink'],
      ['fuzz', '--seeds', '10', '--workers', '1', '--disable', 'idempotency'],
      ['scenarios'],
      ['sagas', 'crash-after-commit-before-ack-seed1-orders3-chaotic-without-isolation'],
      ['show', 'crash-after-commit-before-ack-seed1-orders3-chaotic-without-isolation', 'order-001'],
      // The file the fuzz just above wrote, whichever failing seed told the shortest story.
      () => [
        'replay',
        join(
          home,
          'failures',
          readdirSync(join(home, 'failures')).find((f) => f.startsWith('single-charge-'))!,
        ),
      ],
    ]) {
      const args = typeof given === 'function' ? given() : given;
      const { stdout } = await cli(args, { COLUMNS: '80' });
      expect(widest(stdout), args.join(' ')).toBeLessThanOrEqual(80);
      expect(widest(stdout), args.join(' ')).toBeGreaterThan(40);
    }
    const wide = await cli(['run', '--scenario', 'duplicate-delivery', '--disable', 'idempotency', '--storage', 'memory'], {
      COLUMNS: '200',
    });
    expect(widest(wide.stdout)).toBeGreaterThan(80);
  });

  it('a run with many sagas shows a count by status and the sagas that matter; --all-sagas lists every one', async () => {
    const compact = await cli(['run', '--scenario', 'concurrent-orders', '--storage', 'memory']);
    expect(compact.stdout).toContain('50 sagas: 10 COMPLETED, 40 COMPENSATED');
    expect(compact.stdout).toContain('30 more sagas not shown (--all-sagas lists every one)');
    expect(compact.stdout.match(/│ order-\d+/g)).toHaveLength(20);
    const all = await cli(['run', '--scenario', 'concurrent-orders', '--storage', 'memory', '--all-sagas']);
    expect(all.stdout.match(/│ order-\d+/g)).toHaveLength(50);
  });
});

describe('a place for files that is not a folder', () => {
  it('is bad input for every command that writes or reads there: exit 2, one sentence naming it, nothing on stdout', async () => {
    const file = join(scratchDir('not-a-folder'), 'file');
    writeFileSync(file, 'a file where a folder should be');
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['run', '--scenario', 'happy-path'], { SAGA_HOME: join(file, 'home') }, /^Cannot make folders under '.*' \((ENOTDIR|EEXIST)\)/],
      [['run', '--scenario', 'happy-path', '--dir', file], {}, /^Cannot make folders under '.*' \((ENOTDIR|EEXIST)\)/],
      [['bench', '--orders', '10', '--storage', 'file'], { SAGA_HOME: file }, /^Cannot make folders under '.*' \((ENOTDIR|EEXIST)\)/],
      [['runs', 'list'], { SAGA_HOME: file }, /^Cannot make folders|is not a folder/],
      [['runs', 'list', '--dir', file], {}, /is not a folder; point --dir at the folder that holds your runs\.$/],
    ];
    for (const [args, where, message] of cases) {
      const { code, stdout, stderr } = await cli(args, where);
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(stderr.trim()).toMatch(message);
    }
  });

  it('options that would be ignored are refused instead', async () => {
    expect(await refused(['run', '--scenario', 'happy-path', '--storage', 'memory', '--dir', scratchDir('x')])).toContain(
      'a run with --storage memory keeps none',
    );
    expect(await refused(['run', '--all', '--trace'])).toContain('--trace shows one run');
    expect(await refused(['fuzz', 'merge', 'a.json', '--disable', 'outbox'])).toContain('fuzz merge takes the settings from its files');
  });
});

describe('progress', () => {
  async function onTerminal(args: readonly string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      args,
      { out: (t) => void (stdout += t), err: (t) => void (stderr += t), env: { NO_COLOR: '1' }, isTTY: true },
      SCENARIOS,
    );
    return { code, stdout, stderr };
  }

  it('crash-matrix and run --all show progress on a terminal, on stderr only, and none with --json', async () => {
    const matrix = await onTerminal(['crash-matrix']);
    const points = planCrashMatrix(1).length;
    expect(matrix.stderr).toContain(`\rcrash-matrix: ${points}/${points} crash points run`);
    expect(matrix.stdout).not.toContain('crash points run\u001b');
    const all = await onTerminal(['run', '--all', '--storage', 'memory']);
    expect(all.stderr).toContain(`run --all: ${ORCHESTRATED.length}/${ORCHESTRATED.length} peak-load`);
    expect((await onTerminal(['crash-matrix', '--json'])).stderr).toBe('');
  });
});

describe('help', () => {
  it('--help documents the exit codes', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const line of [
      '  0    every invariant held',
      '  2    bad usage or input',
      '  3    the tool itself failed',
      '  130  stopped by Ctrl-C, 143 by SIGTERM',
    ])
      expect(stdout).toContain(line);
  });
});

describe('more of what fits', () => {
  it('run --all fits COLUMNS by wrapping its prose columns, never the scenario names', async () => {
    const { stdout } = await cli(['run', '--all', '--storage', 'memory'], { COLUMNS: '160' });
    const lines = stdout.split('\n').filter((l) => !l.startsWith('replay: '));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(160);
    for (const s of ORCHESTRATED) expect(stdout).toContain(`│ ${s.name} `);
  });

  it('bench shows its progress on a terminal', async () => {
    let stderr = '';
    const code = await runCli(
      ['bench', '--orders', '2000'],
      { out: () => {}, err: (t) => void (stderr += t), env: { NO_COLOR: '1', SAGA_HOME: scratchDir('home') }, isTTY: true },
      SCENARIOS,
    );
    expect(code).toBe(0);
    expect(stderr).toContain('\rbench: 2,000 of 2,000 sagas');
  });

  it('--dir puts the run directory where it says', async () => {
    const dir = scratchDir('runs');
    const { stdout } = await cli(['run', '--scenario', 'happy-path', '--dir', dir]);
    expect(stdout).toContain(`databases: ${join(dir, 'happy-path-seed1')}`);
  });
});

describe('edges a second review found', () => {
  it('a home under a pseudo file system is refused at once, never looped on', async () => {
    const { code, stderr } = await cli(['run', '--scenario', 'happy-path'], { SAGA_HOME: '/proc/self/no-such' });
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^Cannot make folders under '\/proc\/self\/no-such\/runs' \(E[A-Z]+\)/);
  });

  it('a device or a pipe is not a replay file; two orders with one id are refused', async () => {
    expect(await refused(['replay', '/dev/zero'])).toContain('it is not a regular file');
  });

  it('commander’s suggestion stays on the message’s line; help for an unknown command is an error', async () => {
    const typo = await cli(['rnu']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("unknown command 'rnu' (Did you mean run?)\nRun 'saga --help' for usage.\n");
    expect(await refused(['help', 'nosuch'])).toMatch(/^Unknown command 'nosuch'/);
  });

  it('a terminal that reports 0 columns falls back to COLUMNS', async () => {
    const { stdout } = await sagaCli(['scenarios'], { columns: 0, env: { COLUMNS: '80', SAGA_HOME: home } });
    expect(stdout).toContain('happy-path');
    expect(Math.max(...stdout.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(stdout.split('\n').every((l) => !/^\S+\s+…$/.test(l))).toBe(true);
  });

  it('ab exits 1 when nothing in the catalogue breaks without the defence, and says so', async () => {
    const happy = SCENARIOS.filter((s) => s.name === 'happy-path');
    const { code, stdout } = await sagaCli(['ab', '--disable', 'compensation-retry'], { env: { SAGA_HOME: home } }, happy);
    expect(code).toBe(1);
    expect(stdout).toContain('nothing in the 1 scenarios run breaks');
  });
});

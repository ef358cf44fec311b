import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { runCli } from '../../src/cli/program.js';
import { sagaCli, scratchDir } from '../helpers.js';
import { formatRecipe, type Recipe } from '../../src/scenario/index.js';

const home = scratchDir('home');

const cli = (args: readonly string[], catalogue = SCENARIOS) => sagaCli(args, { env: { SAGA_HOME: home } }, catalogue);

/** The words of a formatted recipe after `npx saga`, as the shell would split them. */
const argsOf = (r: Recipe): string[] => formatRecipe(r).split(' ').slice(2);

describe('the replay recipe', () => {
  it('a run carries its recipe as data, and the formatted recipe run again gives the same run and the same recipe', async () => {
    const first = await cli([
      'run',
      '--scenario',
      'crash-mid-payment',
      '--seed',
      '7',
      '--orders',
      '2',
      '--stock',
      '50',
      '--faults',
      'lossy',
      '--disable',
      'outbox',
      '--json',
      '--storage',
      'memory',
    ]);
    const result = JSON.parse(first.stdout);
    expect(result.recipe).toEqual({
      command: 'run',
      scenario: 'crash-mid-payment',
      seed: 7,
      orders: 2,
      stock: 50,
      faults: 'lossy',
      disabled: ['outbox'],
    });
    const again = await cli([...argsOf(result.recipe), '--json', '--storage', 'memory']);
    expect(JSON.parse(again.stdout)).toEqual(result);
    expect(first.code).toBe(again.code);
  });

  it('the human report ends with the same recipe, formatted', async () => {
    const { stdout } = await cli([
      'run',
      '--scenario',
      'happy-path',
      '--seed',
      '3',
      '--disable',
      'compensation-retry,isolation',
      '--storage',
      'memory',
    ]);
    expect(stdout.trim().split('\n').at(-1)).toBe(
      'replay: npx saga run --scenario happy-path --seed 3 --disable isolation,compensation-retry',
    );
  });

  it('formats every kind of recipe as a command the CLI accepts', () => {
    expect(formatRecipe({ command: 'run-all', seed: 2, faults: 'chaotic', disabled: [] })).toBe(
      'npx saga run --all --seed 2 --faults chaotic',
    );
    expect(formatRecipe({ command: 'crash-matrix', seed: 1, disabled: ['recovery'] })).toBe(
      'npx saga crash-matrix --seed 1 --disable recovery',
    );
    expect(formatRecipe({ command: 'ab', seed: 4, disabled: ['idempotency'] })).toBe('npx saga ab --disable idempotency --seed 4');
    expect(formatRecipe({ command: 'fuzz', from: 9, seeds: 1, shard: { index: 2, count: 4 }, disabled: ['timeouts'] })).toBe(
      'npx saga fuzz --from 9 --seeds 1 --shard 2/4 --disable timeouts',
    );
    expect(formatRecipe({ command: 'replay', file: '.saga/failures/x.json' })).toBe('npx saga replay .saga/failures/x.json');
  });

  it('ab puts its recipe in --json', async () => {
    const ab = JSON.parse((await cli(['ab', '--disable', 'outbox', '--seed', '2', '--json'])).stdout);
    expect(ab.recipe).toEqual({ command: 'ab', seed: 2, disabled: ['outbox'] });
  });
});

describe('exit codes', () => {
  it('a failure of the tool itself exits 3 with one line, and shows the stack only when asked', async () => {
    const broken = [
      {
        ...SCENARIOS[0]!,
        name: 'broken',
        expect: () => {
          throw new Error('the expectation itself crashed');
        },
      },
    ];
    const plain = await cli(['run', '--scenario', 'broken', '--storage', 'memory'], broken);
    expect(plain.code).toBe(3);
    expect(plain.stderr).toBe('saga failed: the expectation itself crashed\nSet SAGA_DEBUG=1 to see where.\n');
    let stderr = '';
    const code = await runCli(
      ['run', '--scenario', 'broken', '--storage', 'memory'],
      { out: () => {}, err: (t) => void (stderr += t), env: { SAGA_DEBUG: '1' } },
      broken,
    );
    expect(code).toBe(3);
    expect(stderr).toMatch(/\n\s+at /);
  });
});

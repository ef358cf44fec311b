import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sagaCli, scratchDir } from '../helpers.js';

const cli = (args: readonly string[], where: { cwd?: string; home?: string }) =>
  sagaCli(args, { env: where.home ? { SAGA_HOME: where.home } : {}, ...(where.cwd ? { cwd: where.cwd } : {}) });

describe('run directories never collide', () => {
  it('each file run gets a directory of its own, named after what shaped it; an earlier run’s databases are left untouched', async () => {
    const home = scratchDir('home');
    await cli(['run', '--scenario', 'happy-path', '--seed', '3'], { home });
    const first = join(home, 'runs', 'happy-path-seed3', 'payment.db');
    const before = statSync(first);
    await cli(['run', '--scenario', 'happy-path', '--seed', '3'], { home });
    await cli(['run', '--scenario', 'happy-path', '--seed', '3', '--disable', 'outbox', '--orders', '2'], { home });
    expect(statSync(first).mtimeMs).toBe(before.mtimeMs);
    expect(statSync(first).ino).toBe(before.ino);
    expect(existsSync(join(home, 'runs', 'happy-path-seed3-2', 'payment.db'))).toBe(true);
    expect(existsSync(join(home, 'runs', 'happy-path-seed3-orders2-without-outbox', 'payment.db'))).toBe(true);
    const info = JSON.parse(readFileSync(join(home, 'runs', 'happy-path-seed3', 'run.json'), 'utf8'));
    expect(info).toMatchObject({ status: 'finished', ok: true, replay: 'npx saga run --scenario happy-path --seed 3' });
    expect(existsSync(join(home, 'runs', 'happy-path-seed3', 'run.lock'))).toBe(false);
  });

  it('.saga goes to the project root, not to the folder the command was typed in', async () => {
    const project = scratchDir('project');
    writeFileSync(join(project, 'package.json'), '{}');
    mkdirSync(join(project, 'docs'));
    const { stdout } = await cli(['run', '--scenario', 'happy-path'], { cwd: join(project, 'docs') });
    expect(existsSync(join(project, '.saga', 'runs', 'happy-path-seed1'))).toBe(true);
    expect(existsSync(join(project, 'docs', '.saga'))).toBe(false);
    expect(stdout).toContain(join(project, '.saga', 'runs', 'happy-path-seed1'));
  });
});

describe('saga runs', () => {
  it('lists runs with their state; clean removes finished and abandoned runs, keeps a live one, and never follows a link', async () => {
    const home = scratchDir('home');
    await cli(['run', '--scenario', 'happy-path'], { home });
    const runs = join(home, 'runs');
    // A run this very process holds (alive), and one whose process is gone.
    for (const [name, pid] of [
      ['live', process.pid],
      ['dead', 2 ** 22 + 12345],
    ] as const) {
      mkdirSync(join(runs, name));
      writeFileSync(
        join(runs, name, 'run.json'),
        JSON.stringify({ recipe: { command: 'run', scenario: 'x', seed: 1, disabled: [] }, build: '0', status: 'running' }),
      );
      writeFileSync(join(runs, name, 'run.lock'), `${pid}\n`);
    }
    // A directory whose run.json cannot be read: nothing says what it is, so it is listed as such and kept.
    mkdirSync(join(runs, 'garbled'));
    writeFileSync(join(runs, 'garbled', 'run.json'), '{ not json');
    const outside = scratchDir('outside');
    writeFileSync(join(outside, 'keep.txt'), 'mine');
    symlinkSync(outside, join(runs, 'link'));
    const listed = JSON.parse((await cli(['runs', 'list', '--json'], { home })).stdout) as Array<{ name: string; state: string }>;
    expect(listed.map((r) => `${r.name} ${r.state}`)).toEqual([
      'dead abandoned',
      'garbled unreadable',
      'happy-path-seed1 finished',
      'live running',
    ]);
    const cleaned = JSON.parse((await cli(['runs', 'clean', '--json'], { home })).stdout);
    expect(cleaned).toEqual({ removed: ['dead', 'happy-path-seed1'], kept: ['garbled', 'live'] });
    expect(existsSync(join(runs, 'live'))).toBe(true);
    expect(readFileSync(join(outside, 'keep.txt'), 'utf8')).toBe('mine');
    expect((await cli(['runs', 'tidy'], { home })).code).toBe(2);
  });
});

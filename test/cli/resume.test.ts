import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesOf, sagaCli, scratchDir } from '../helpers.js';

/** A report as --json prints it, without the one field that differs between two runs of the same thing: where its databases are. */
function report(stdout: string): unknown {
  const { runDir, ...rest } = JSON.parse(stdout) as { runDir: string };
  expect(typeof runDir).toBe('string');
  return rest;
}

const SCENARIO = ['--scenario', 'crash-mid-payment', '--faults', 'chaotic', '--seed', '4'];

/** A run of SCENARIO stopped before tick `tick`, in a home of its own; returns the home, the run directory and what the stop printed. */
async function stoppedRun(tick: number, extra: readonly string[] = []) {
  const home = scratchDir('home');
  const stop = await sagaCli(['run', ...SCENARIO, '--stop-at', String(tick), ...extra], { env: { SAGA_HOME: home } });
  const dir = join(home, 'runs', 'crash-mid-payment-seed4-chaotic');
  return { home, dir, stop };
}

describe('saga run --stop-at / --stop-when and saga resume', () => {
  it('a stopped run says where its world stands and how to resume it; resumed, it reports exactly what the run that never stopped reports', async () => {
    const { home, dir, stop } = await stoppedRun(150);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(/^Stopped at tick \d+: the next work is after tick 150\.\n {2}sagas: .*\n {2}messages: \d+ queued, /);
    // Named as `saga runs` lists it: the directory is where runs go.
    expect(stop.stdout).toContain(`resume: npx saga resume crash-mid-payment-seed4-chaotic\n`);
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).toMatchObject({ status: 'stopped', resumable: true });

    const resumed = await sagaCli(['resume', dir, '--json'], { env: { SAGA_HOME: home } });
    const straight = await sagaCli(['run', ...SCENARIO, '--json'], { env: { SAGA_HOME: scratchDir('home') } });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(straight.code);
    expect(report(resumed.stdout)).toEqual(report(straight.stdout));
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).status).toBe('finished');
    // The world as it ended replaced the stopped one, with the whole run's trace.
    const ended = JSON.parse(readFileSync(join(dir, 'world.json'), 'utf8')) as {
      tick: number;
      image: { world: { trace: { events: number } } };
    };
    expect(ended.tick).toBe((JSON.parse(straight.stdout) as { ticks: number }).ticks);
    expect(readFileSync(join(dir, 'trace.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(ended.image.world.trace.events);
  });

  it('stops at the first crash, then again later on resume, and the run by its name as `saga runs` lists it', async () => {
    const home = scratchDir('home');
    const env = { SAGA_HOME: home };
    const first = await sagaCli(['run', ...SCENARIO, '--stop-when', 'crash', '--json'], { env });
    expect(first.code).toBe(0);
    const stop = JSON.parse(first.stdout) as { stopped: { tick: number; reason: string }; runDir: string; world: { down: unknown[] } };
    expect(stop.stopped.reason).toMatch(/^the first crash \(tick \d+ /);
    expect(stop.world.down.length).toBeGreaterThan(0);
    const second = await sagaCli(['resume', 'crash-mid-payment-seed4-chaotic', '--stop-at', String(stop.stopped.tick + 100)], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Stopped at tick \d+: the next work is after tick \d+\./);
    const end = await sagaCli(['resume', stop.runDir, '--json'], { env });
    const straight = await sagaCli(['run', ...SCENARIO, '--json'], { env: { SAGA_HOME: scratchDir('home') } });
    expect(report(end.stdout)).toEqual(report(straight.stdout));
  });

  it('a run that settles before --stop-at reports as usual, and says the stop never came', async () => {
    const { stop } = await stoppedRun(10_000_000);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toContain('crash-mid-payment');
    expect(stop.stdout).not.toContain('Stopped at');
    expect(stop.stderr).toBe('The run ended before --stop-at 10000000 came: nothing to stop.\n');
  });

  it('resumed with a --stop-at before its next work, it stops where it stands: nothing runs past the tick asked for', async () => {
    const { home, dir, stop } = await stoppedRun(40);
    const tick = Number(/^Stopped at tick (\d+)/.exec(stop.stdout)![1]);
    const next = await sagaCli(['resume', dir, '--stop-at', String(tick + 1), '--json'], { env: { SAGA_HOME: home } });
    expect(next.code).toBe(0);
    const at = JSON.parse(next.stdout) as { stopped: { tick: number; reason: string } };
    expect(at.stopped).toEqual({ tick, reason: `the next work is after tick ${tick + 1}` });
  });

  describe('refused with one line and exit 2, nothing changed on disk', () => {
    const refused = async (dir: string, args: readonly string[], message: RegExp, env: Record<string, string> = {}) => {
      const before = filesOf(dir);
      const { code, stdout, stderr } = await sagaCli(args, { env });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(filesOf(dir)).toEqual(before);
    };

    it('--stop-at in the past', async () => {
      const { dir } = await stoppedRun(200);
      await refused(
        dir,
        ['resume', dir, '--stop-at', '1'],
        /--stop-at 1 is not after tick \d+, where this run stopped; give a later tick\./,
      );
    });

    it('a finished run, and a run resumed twice', async () => {
      const { dir, home } = await stoppedRun(200);
      expect((await sagaCli(['resume', dir], { env: { SAGA_HOME: home } })).code).toBe(0);
      await refused(dir, ['resume', dir], /has finished: there is nothing to resume/);
    });

    it('a run directory whose stopped world is missing, damaged, or written by another build', async () => {
      const { dir } = await stoppedRun(200);
      const world = readFileSync(join(dir, 'world.json'), 'utf8');
      writeFileSync(join(dir, 'world.json'), world.replace(/"build":"[^"]*"/, '"build":"0.0.1-other"'));
      await refused(
        dir,
        ['resume', dir],
        /was stopped by build 0\.0\.1-other and this is build .*: resume it with the build that stopped it, or start a new run\./,
      );
      writeFileSync(join(dir, 'world.json'), world.slice(0, world.length / 2));
      await refused(dir, ['resume', dir], /world\.json cannot be read .*; the stopped world is damaged and cannot be resumed\./);
      writeFileSync(join(dir, 'world.json'), world);
      const trace = readFileSync(join(dir, 'trace.jsonl'), 'utf8');
      writeFileSync(join(dir, 'trace.jsonl'), trace.split('\n').slice(1).join('\n'));
      await refused(dir, ['resume', dir], /trace\.jsonl does not match world\.json: the stopped world is damaged/);
      writeFileSync(join(dir, 'trace.jsonl'), trace.replace('"tick":', '"tick":1'));
      await refused(dir, ['resume', dir], /trace\.jsonl does not match world\.json/);
      rmSync(join(dir, 'world.json'));
      await refused(dir, ['resume', dir], /holds no stopped world to resume/);
    });

    it('a directory that is not a run, a run another process holds, and a database missing', async () => {
      const { dir } = await stoppedRun(200);
      await refused(dir, ['resume', join(dir, 'nowhere')], /There is no run directory at /);
      writeFileSync(join(dir, 'run.lock'), `${process.pid}\n`);
      await refused(dir, ['resume', dir], new RegExp(`is still being run by process ${process.pid}`));
      rmSync(join(dir, 'run.lock'));
      rmSync(join(dir, 'payment.db'));
      await refused(dir, ['resume', dir], /has no payment\.db: the run directory is incomplete\./);
    });

    it('a stop that needs a run directory on memory storage, and a moment --stop-when does not know', async () => {
      const home = scratchDir('home');
      const memory = await sagaCli(['run', ...SCENARIO, '--storage', 'memory', '--stop-at', '100'], { env: { SAGA_HOME: home } });
      expect(memory.code).toBe(2);
      expect(memory.stderr).toMatch(/--stop-at and --stop-when need --storage file/);
      const unknown = await sagaCli(['run', ...SCENARIO, '--stop-when', 'crsh'], { env: { SAGA_HOME: home } });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/crsh.*crash/);
      expect(existsSync(join(home, 'runs'))).toBe(false);
    });
  });

  it('as real processes: stopped in one, resumed in another, the same report as one that never stopped', () => {
    const home = scratchDir('home');
    const saga = (args: readonly string[], env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', resolve('src/cli/main.ts'), ...args], {
        env: { ...process.env, NO_COLOR: '1', ...env },
        encoding: 'utf8',
      });
    const stop = saga(['run', ...SCENARIO, '--stop-at', '300'], { SAGA_HOME: home });
    expect(stop.status).toBe(0);
    const dir = /resume: npx saga resume (\S+)/.exec(stop.stdout)![1]!;
    const resumed = saga(['resume', dir, '--json'], { SAGA_HOME: home });
    const straight = saga(['run', ...SCENARIO, '--json'], { SAGA_HOME: scratchDir('home') });
    expect(resumed.status).toBe(straight.status);
    expect(report(resumed.stdout)).toEqual(report(straight.stdout));
  });
});

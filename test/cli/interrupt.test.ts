import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import type { CliIo, Interrupt } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/program.js';
import { planCrashMatrix } from '../../src/scenario/index.js';
import { sagaCli, scratchDir, wallWait } from '../helpers.js';

/** Runs the CLI in this process on a pretend terminal, and sends `signal` once `when` matches what it wrote to stderr. */
async function interrupted(args: readonly string[], signal: Interrupt, when: (stderr: string) => boolean) {
  let stdout = '';
  let stderr = '';
  let handler: ((s: Interrupt) => void) | null = null;
  let sent = false;
  const home = scratchDir('home');
  const io: CliIo = {
    out: (t) => void (stdout += t),
    err: (t) => {
      stderr += t;
      if (!sent && handler && when(stderr)) {
        sent = true;
        handler(signal);
      }
    },
    env: { NO_COLOR: '1', SAGA_HOME: home },
    isTTY: true,
    onInterrupt: (h) => {
      handler = h;
      return () => (handler = null);
    },
  };
  const code = await runCli(args, io, SCENARIOS);
  return { code, stdout, stderr, sent, home };
}

describe('Ctrl-C and SIGTERM lose nothing', () => {
  it('a sweep stopped by Ctrl-C reports the seeds it ran and the command that continues it; the two together cover every seed', async () => {
    const stopped = await interrupted(
      ['fuzz', '--seeds', '300', '--workers', '1'],
      'SIGINT',
      (err) => (err.match(/\d+\/300 seeds/g) ?? []).length >= 5,
    );
    expect(stopped.sent).toBe(true);
    expect(stopped.code).toBe(130);
    const ran = Number(/STOPPED {2}no invariant violated in the (\d+) seeds run before the stop/.exec(stopped.stdout)?.[1]);
    expect(ran).toBeGreaterThanOrEqual(5);
    expect(ran).toBeLessThan(300);
    const next = /continue with:\n {2}npx saga (fuzz .*)/.exec(stopped.stdout)?.[1];
    expect(next).toBe(`fuzz --from ${ran + 1} --seeds ${300 - ran}`);
    expect(stopped.stdout).toContain(`stopped by SIGINT with ${300 - ran} seeds not run`);
  });

  it('Ctrl-C during a sweep that found failures: each gets its replay file (less shrunk), none is called a non-determinism', async () => {
    const stopped = await interrupted(
      ['fuzz', '--seeds', '3000', '--workers', '1', '--disable', 'idempotency'],
      'SIGINT',
      (err) => /[1-9]\d* failing/.test(err) || (err.match(/\d+\/3000 seeds/g) ?? []).length >= 20,
    );
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).not.toContain('not reproduced');
    const written = [...stopped.stdout.matchAll(/^wrote (\S+)$/gm)].map((m) => m[1]!);
    expect(written.length).toBeGreaterThan(0);
    for (const file of written) expect(existsSync(file)).toBe(true);
    expect(stopped.stdout).toMatch(/continue with:\n {2}npx saga fuzz --from \d+ --seeds \d+ --disable idempotency/);
  });

  it('a sweep stopped with --json says so in its JSON: where it stopped, by what, and how to continue', async () => {
    let stdout = '';
    const io: CliIo = {
      out: (t) => void (stdout += t),
      err: () => {},
      env: { NO_COLOR: '1', SAGA_HOME: scratchDir('home') },
      onInterrupt: (handler) => {
        void wallWait(300).then(() => handler('SIGINT'));
        return () => {};
      },
    };
    const code = await runCli(['fuzz', '--seeds', '100000', '--workers', '1', '--json'], io, SCENARIOS);
    expect(code).toBe(130);
    const report = JSON.parse(stdout) as {
      seedsRun: number;
      stopped: { by: string; seedsLeft: number; continueWith: { from: number; seeds: number } };
    };
    expect(report.stopped.by).toBe('SIGINT');
    expect(report.seedsRun + report.stopped.seedsLeft).toBe(100000);
    expect(report.stopped.continueWith).toMatchObject({ command: 'fuzz', from: 1 + report.seedsRun, seeds: report.stopped.seedsLeft });
  });

  it('SIGTERM while shrinking ends the shrink early with the smallest story so far, writes and announces its replay file, and exits 143', async () => {
    const home = scratchDir('home');
    let stdout = '';
    let handler: ((s: Interrupt) => void) | null = null;
    const io: CliIo = {
      out: (t) => void (stdout += t),
      err: (t) => {
        if (t.includes('shrinking') && handler) handler('SIGTERM');
      },
      env: { NO_COLOR: '1', SAGA_HOME: home },
      isTTY: true,
      onInterrupt: (h) => {
        handler = h;
        return () => (handler = null);
      },
    };
    const code = await runCli(['fuzz', '--seeds', '10', '--workers', '1', '--disable', 'idempotency'], io, SCENARIOS);
    expect(code).toBe(143);
    const written = [...stdout.matchAll(/^wrote (\S+)$/gm)].map((m) => m[1]!);
    expect(written.length).toBeGreaterThan(0);
    for (const file of written) expect(existsSync(file)).toBe(true);
    expect(stdout).not.toContain('continue with');
  });
});

describe('Ctrl-C during the long catalogue commands', () => {
  it('crash-matrix reports the crash points it ran, and exits 130', async () => {
    const points = planCrashMatrix(1).length;
    const stopped = await interrupted(['crash-matrix'], 'SIGINT', (err) => err.includes(`3/${points} crash points`));
    expect(stopped.code).toBe(130);
    const ran = Number(new RegExp(`STOPPED {2}(\\d+) of ${points} crash points run, all passed`).exec(stopped.stdout)?.[1]);
    expect(ran).toBeGreaterThanOrEqual(3);
    expect(ran).toBeLessThan(points);
    expect(stopped.stdout).toContain(`stopped by SIGINT after ${ran} of ${points} crash points`);
  });

  it('bench reports how many sagas completed and the rate so far, judges nothing, and exits 130', async () => {
    const stopped = await interrupted(['bench', '--orders', '20000', '--storage', 'memory'], 'SIGINT', (err) =>
      err.includes('bench: 1,000 of 20,000 sagas'),
    );
    expect(stopped.code).toBe(130);
    const done = /stopped by SIGINT after ([\d,]+) of 20,000 sagas completed \(([\d,]+) sagas\/s so far\); nothing was checked/.exec(
      stopped.stdout,
    );
    expect(Number(done?.[1]?.replace(/,/g, ''))).toBeGreaterThanOrEqual(1000);
    expect(Number(done?.[1]?.replace(/,/g, ''))).toBeLessThan(20000);
    expect(stopped.stdout).not.toMatch(/^PASS/m);
  });

  it('ab reports the scenarios it compared, and exits 130', async () => {
    const stopped = await interrupted(['ab', '--disable', 'outbox'], 'SIGINT', (err) => err.includes('ab: 3/'));
    expect(stopped.code).toBe(130);
    // Heard while the third ran: it finishes, and the report covers those three.
    expect(stopped.stdout).toMatch(/stopped by SIGINT after 3 of \d+ scenarios/);
  });

  it('run --all reports the scenarios it ran, and exits 143 on SIGTERM', async () => {
    const stopped = await interrupted(['run', '--all', '--storage', 'memory'], 'SIGTERM', (err) => err.includes('run --all: 2/'));
    expect(stopped.code).toBe(143);
    expect(stopped.stdout).toMatch(/stopped by SIGTERM after 2 of \d+ scenarios/);
    expect(stopped.stdout).toMatch(/STOPPED {2}2 of \d+ scenarios run, all passed/);
    expect(stopped.stdout).not.toMatch(/^PASS/m);
  });
});

describe('Ctrl-C during a run', () => {
  it('stops between two ticks, says where the databases are, judges nothing, and marks the run directory stopped', async () => {
    const stopped = await interrupted(['run', '--scenario', 'peak-load', '--orders', '400'], 'SIGINT', (err) =>
      err.includes('run peak-load: tick'),
    );
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toBe('');
    expect(stopped.stderr).toMatch(
      /Stopped by SIGINT at tick \d+, before the run settled: nothing was checked; its databases are in .*runs/,
    );
    const dir = join(stopped.home, 'runs', 'peak-load-seed1-orders400');
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).status).toBe('stopped');
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
    expect(existsSync(join(dir, 'payment.db'))).toBe(true);
    expect(stopped.stderr).toContain(`its databases are in ${dir}`);
    // Stopped between two ticks, its world was written down: resumed, it ends as the run that was never stopped.
    expect(stopped.stderr).toContain(`resume: npx saga resume peak-load-seed1-orders400\n`);
    const env = { NO_COLOR: '1', SAGA_HOME: stopped.home };
    const resumed = await sagaCli(['resume', dir, '--json'], { env });
    const straight = await sagaCli(['run', '--scenario', 'peak-load', '--orders', '400', '--json'], {
      env: { SAGA_HOME: scratchDir('home') },
    });
    expect(resumed.code).toBe(straight.code);
    const withoutDir = (json: string): unknown => ({ ...(JSON.parse(json) as object), runDir: null });
    expect(withoutDir(resumed.stdout)).toEqual(withoutDir(straight.stdout));
  });
});

describe('as a real process', () => {
  const cli = (args: readonly string[]) =>
    spawn(process.execPath, ['--import', 'tsx', resolve('src/cli/main.ts'), ...args], {
      env: { ...process.env, NO_COLOR: '1', SAGA_HOME: scratchDir('home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const collect = (child: ReturnType<typeof cli>) =>
    new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((done) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
    });

  it('Ctrl-C during fuzz exits 130 after printing the partial summary', async () => {
    const child = cli(['fuzz', '--seeds', '1000000', '--workers', '1']);
    const result = collect(child);
    // The first line is printed once the sweep has started listening for Ctrl-C.
    await new Promise<void>((ready) => child.stdout!.on('data', (d: Buffer) => d.toString().startsWith('saga fuzz:') && ready()));
    child.kill('SIGINT');
    const { code, stdout, stderr } = await result;
    expect(code).toBe(130);
    expect(stderr).toContain('Ctrl-C: stopping');
    expect(stdout).toMatch(/continue with:\n {2}npx saga fuzz --from \d+ --seeds \d+/);
  });

  it('SIGTERM while shrinking exits 143, and every replay file it announced is on disk', async () => {
    const child = cli(['fuzz', '--seeds', '40', '--workers', '1', '--disable', 'idempotency']);
    const result = collect(child);
    // The first file announced: the sweep is over and shrinking is under way.
    await new Promise<void>((ready) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('wrote ') && ready()));
    child.kill('SIGTERM');
    const { code, stdout, stderr } = await result;
    expect(code).toBe(143);
    expect(stderr).toContain('SIGTERM: stopping');
    expect(stdout).toContain('shrinking was cut short by SIGTERM');
    const written = [...stdout.matchAll(/^wrote (\S+)$/gm)].map((m) => m[1]!);
    expect(written.length).toBeGreaterThan(0);
    for (const file of written) expect(existsSync(file)).toBe(true);
  });

  it('Ctrl-C during a file run exits 130 and leaves its directory marked stopped', async () => {
    const home = scratchDir('home');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', resolve('src/cli/main.ts'), 'run', '--scenario', 'peak-load', '--orders', '3000'],
      {
        env: { ...process.env, NO_COLOR: '1', SAGA_HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const result = collect(child);
    // The run directory exists once the run has begun (and listens for Ctrl-C).
    const dir = join(home, 'runs', 'peak-load-seed1-orders3000');
    while (!existsSync(join(dir, 'run.json'))) await wallWait(20);
    child.kill('SIGINT');
    const { code, stdout, stderr } = await result;
    expect(code).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/Stopped by SIGINT at tick \d+, before the run settled/);
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).status).toBe('stopped');
  });

  it('SIGTERM during bench exits 143 after saying how far it got', async () => {
    const child = cli(['bench', '--orders', '200000', '--storage', 'memory']);
    const result = collect(child);
    // Somewhere in measuring the SQLite ceiling or in running the sagas: either way it stops within a moment.
    await wallWait(3000);
    child.kill('SIGTERM');
    const { code, stdout } = await result;
    expect(code).toBe(143);
    expect(stdout).toMatch(/stopped by SIGTERM after [\d,]+ of 200,000 sagas completed/);
  });

  it('output that cannot be written (a full disk) is the tool failing: exit 3, one line, no stack trace', async () => {
    const full = openSync('/dev/full', 'w');
    const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/cli/main.ts'), 'scenarios'], {
      env: { ...process.env, NO_COLOR: '1', SAGA_HOME: scratchDir('home') },
      stdio: ['ignore', full, 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    closeSync(full);
    expect(code).toBe(3);
    expect(stderr.trim()).toBe('saga failed: could not write the output (ENOSPC); nothing more was written.');
  });

  it('a reader that goes away ends the output quietly: no EPIPE, no stack trace', async () => {
    const child = cli(['run', '--scenario', 'peak-load', '--storage', 'memory', '--trace']);
    const result = collect(child);
    await new Promise<void>((ready) => child.stdout!.once('data', () => ready()));
    child.stdout!.destroy();
    const { code, stderr } = await result;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

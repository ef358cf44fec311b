import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORCHESTRATED, sagaCli, wallWait } from '../helpers.js';

const HAVE_TMUX = spawnSync('tmux', ['-V']).status === 0;
if (!HAVE_TMUX)
  console.warn(
    "The walkthrough's test in a real terminal is skipped: no tmux here. Install it with 'bash scripts/install-test-tools.sh' (root or sudo).",
  );

describe('saga walkthrough: a scenario as a lesson', () => {
  it('piped, it prints straight through: each moment, why the design handles it, and the rows it wrote', async () => {
    const run = await sagaCli(['walkthrough', 'crash-mid-payment'], { columns: 100 });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^saga walkthrough crash-mid-payment — seed 1\n/);
    expect(run.stdout).toContain('Following saga-003 (order-003), the saga the world did most to, of 3: 15 moments.\n');
    expect(run.stdout).not.toContain('[Enter]');
    // Each moment's prose as one line: its wrapped lines go on indented by four.
    const flat = run.stdout.replace(/\n {4}/g, ' ');
    // The reply that waited in the orchestrator's queue moves the saga on at the restart, before the relay sends the charge again.
    expect(flat).toMatch(
      /tick 270 · payment → orchestrator: payment\.charge\.done saga-003\n {2}The reply to payment\.charge reaches the orchestrator/,
    );
    // The crash, the restart, the redelivered charge skipped, and the charge's own rows.
    expect(run.stdout).toMatch(
      /\d+\/15 · tick 20 · orchestrator crashed: down for 250 ticks\n {2}orchestrator crashes .*Its database stays/s,
    );
    expect(flat).toMatch(
      /tick 270 · orchestrator restarted: 1 timer re-armed, 1 outbox row to relay\n {2}The orchestrator comes back from its database \(1 timer re-armed, 1 outbox row to relay\): it re-arms each saga's timer/,
    );
    expect(flat).toMatch(
      /duplicate payment\.charge skipped \(message id already in inbox\)\n {2}payment gets payment\.charge again and skips it/,
    );
    expect(run.stdout).toContain('    ~ payment.accounts (shared) customer-003  balance_cents 100000 → 97500\n');
    // The relay's publish of a row the crash left, named as such: the same message, not a retry.
    expect(flat).toMatch(
      /tick 270 · orchestrator → payment: payment\.charge saga-003 relayed from the outbox after a\n {2}restart\n {2}orchestrator's relay publishes payment\.charge from a row it found in its outbox after the restart/,
    );
    expect(run.stdout).toContain('PASS  3 COMPLETED; all 16 invariants held.\n');
    expect(run.stdout).toContain("What it showed: The saga's state was in the orchestrator's database");
    for (const line of run.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('at a terminal, it waits for a key between two moments: Enter goes on, q quits, Ctrl-C is exit 130', async () => {
    const pressing = (keys: string[]) => ({ readKey: () => Promise.resolve(keys.shift() ?? 'q') });
    const quit = await sagaCli(['walkthrough', 'duplicate-delivery'], pressing(['\r', '\r', 'q']));
    expect(quit.code).toBe(0);
    expect(quit.stdout).toContain('3/');
    expect(quit.stdout).not.toContain('\n4/');
    expect(quit.stdout.replace(/\s+/g, ' ')).toMatch(
      /Stopped at moment 3 of \d+\. See the whole run: npx saga run --scenario duplicate-delivery --seed 1 --html report\.html/,
    );
    expect((await sagaCli(['walkthrough', 'duplicate-delivery'], pressing(['\r', '\u0003']))).code).toBe(130);
    // --no-pause never waits.
    const through = await sagaCli(['walkthrough', 'duplicate-delivery', '--no-pause'], {
      readKey: () => Promise.reject(new Error('waited')),
    });
    expect(through.code).toBe(0);
    expect(through.stdout).toContain('What it showed:');
  });

  it('refuses a scenario the orchestrated saga does not run, and says how to follow it instead', async () => {
    const run = await sagaCli(['walkthrough', 'coordinator-crash-in-doubt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('does not apply to it, because it kills the coordinator of a two-phase commit');
    expect(run.stderr).toContain('npx saga run --scenario coordinator-crash-in-doubt --style 2pc --trace');
  });

  it('every scenario of the catalogue has its own words, and a walkthrough with moments', async () => {
    for (const scenario of ORCHESTRATED) {
      expect(scenario.lesson, scenario.name).toBeDefined();
      const run = await sagaCli(['walkthrough', scenario.name]);
      expect(run.code, scenario.name).toBe(0);
      expect(run.stdout, scenario.name).toContain(scenario.lesson!.showed.slice(0, 40));
      expect(run.stdout, scenario.name).toMatch(/\n1\/\d+ · tick /);
    }
    // docs/sagas.md sends a reader to each one.
    const docs = readFileSync('docs/sagas.md', 'utf8');
    for (const scenario of ORCHESTRATED) expect(docs, scenario.name).toContain(`npx saga walkthrough ${scenario.name}\``);
    const unknown = await sagaCli(['walkthrough', 'crash-mid-paymnt']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/crash-mid-payment/);
  }, 60_000);

  it.skipIf(!HAVE_TMUX)(
    'in a real terminal (tmux): Enter goes on, q quits',
    async () => {
      const session = `saga-walkthrough-${process.pid}`;
      const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
      const screen = () => tmux('capture-pane', '-p', '-t', session, '-S', '-200');
      const until = async (test: (s: string) => boolean): Promise<string> => {
        for (let i = 0; i < 300; i++) {
          const s = screen();
          if (test(s)) return s;
          await wallWait(100);
        }
        throw new Error(`the terminal never showed what was awaited:\n${screen()}`);
      };
      const command = `${process.execPath} node_modules/tsx/dist/cli.mjs src/cli/main.ts walkthrough crash-mid-payment; echo "EXIT=$?"; sleep 60`;
      tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '50', '-c', process.cwd(), command);
      try {
        const first = await until((s) => s.includes('[Enter] next · [q] quit'));
        expect(first).toContain('1/15 · tick 16');
        expect(first).not.toContain('2/15');
        tmux('send-keys', '-t', session, 'Enter');
        const second = await until((s) => s.includes('2/15 · tick 17'));
        expect(second).not.toContain('3/15');
        tmux('send-keys', '-t', session, 'q');
        const end = await until((s) => s.includes('EXIT='));
        expect(end).toContain('Stopped at moment 2 of 15.');
        expect(end).toContain('EXIT=0');
      } finally {
        spawnSync('tmux', ['kill-session', '-t', session]);
      }
    },
    60_000,
  );
});

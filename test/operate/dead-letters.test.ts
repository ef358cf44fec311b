import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { DeadLetterEntry, SagaDetail } from '../../src/operate/index.js';
import { filesOf, sagaCli, scratchDir } from '../helpers.js';

/** A home of its own for each test, and the CLI run in it. */
function home() {
  const dir = scratchDir('home');
  const cli = (args: readonly string[]) => sagaCli(args, { env: { SAGA_HOME: dir } });
  return { dir, cli, run: (name: string) => join(dir, 'runs', name) };
}

const letters = async (cli: ReturnType<typeof home>['cli'], run: string) =>
  JSON.parse((await cli(['dlq', run, 'list', '--json'])).stdout) as DeadLetterEntry[];

describe('saga dlq: a person acts on the dead letters of a stopped or finished run', () => {
  it('stopped where a saga is parked, redriven by a person, resumed: the compensation works this time and the saga ends COMPENSATED', async () => {
    const { cli, run } = home();
    expect((await cli(['run', '--scenario', 'operator-redrive', '--stop-when', 'parked'])).code).toBe(0);
    const dir = run('operator-redrive-seed1');
    expect(await letters(cli, dir)).toEqual([
      expect.objectContaining({ id: 'saga-001:1', source: 'orchestrator', type: 'inventory.release', state: 'open' }),
    ]);
    const redrive = await cli(['dlq', dir, 'redrive', 'saga-001:1', '--by', 'alice', '--note', 'inventory fixed']);
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toMatch(/^Redrove saga-001:1 \(inventory.release of saga-001\) as alice: /);
    expect((await letters(cli, dir))[0]!.state).toBe('redrive asked');
    // Asking twice changes nothing.
    const before = filesOf(dir);
    const again = await cli(['dlq', dir, 'redrive', 'saga-001:1']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has a redrive waiting: 'saga resume .*' carries it out\./);
    expect(filesOf(dir)).toEqual(before);

    const resumed = await cli(['resume', dir, '--json']);
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout) as { sagas: Array<{ status: string }>; invariants: Array<{ ok: boolean }> };
    expect(result.sagas.map((s) => s.status)).toEqual(['COMPENSATED']);
    expect(result.invariants.every((i) => i.ok)).toBe(true);
    expect((await letters(cli, dir))[0]).toMatchObject({ state: 'redriven', actedBy: 'alice', note: 'inventory fixed' });
    const shown = JSON.parse((await cli(['show', dir, 'order-001', '--json'])).stdout) as SagaDetail;
    expect(shown.log.map((l) => l.note).join('\n')).toContain('inventory.release redriven by alice: inventory fixed');
    expect(shown.messages!.find((m) => m.type === 'operator.redrive')).toMatchObject({ from: 'operator', to: 'orchestrator' });
    expect(shown.deadLetters).toEqual([expect.objectContaining({ state: 'redriven', actedBy: 'alice', note: 'inventory fixed' })]);
  });

  it('resolved by hand: the lab believes the note only as far as the databases agree', async () => {
    const { cli, run } = home();
    expect((await cli(['run', '--scenario', 'compensation-exhausted'])).code).toBe(0);
    const dir = run('compensation-exhausted-seed1');
    const noNote = await cli(['dlq', dir, 'resolve', 'saga-001:1']);
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toMatch(/^Say what was done by hand: /);

    // Said done, not done: the reservation is still held, and no-orphan-reservation says so.
    expect((await cli(['dlq', dir, 'resolve', 'saga-001:1', '--note', 'released it'])).code).toBe(0);
    const lie = JSON.parse((await cli(['resume', dir, '--json'])).stdout) as {
      ok: boolean;
      invariants: Array<{ name: string; ok: boolean }>;
    };
    expect(lie.ok).toBe(false);
    expect(lie.invariants.filter((i) => !i.ok).map((i) => i.name)).toEqual(['no-orphan-reservation']);
    expect(lie).toMatchObject({ interventions: 1 });

    // Done by hand in inventory.db first, then resolved: every invariant holds, and the scenario's own expectations step aside.
    const { cli: cli2, run: run2 } = home();
    expect((await cli2(['run', '--scenario', 'compensation-exhausted'])).code).toBe(0);
    const dir2 = run2('compensation-exhausted-seed1');
    const db = new BetterSqlite3(join(dir2, 'inventory.db'));
    db.exec(`update stock set available = available + 3, reserved = reserved - 3 where sku = 'SKU-A';
             update reservations set status = 'RELEASED' where saga_id = 'saga-001';`);
    db.close();
    expect((await cli2(['dlq', dir2, 'resolve', 'saga-001:1', '--note', 'released the 3 units in inventory.db', '--by', 'bob'])).code).toBe(
      0,
    );
    const fixed = JSON.parse((await cli2(['resume', dir2, '--json'])).stdout) as {
      ok: boolean;
      sagas: Array<{ status: string }>;
      expectations: Array<{ detail: string }>;
    };
    expect(fixed.ok).toBe(true);
    expect(fixed.sagas.map((s) => s.status)).toEqual(['COMPENSATED']);
    expect(fixed.expectations).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/^not judged: a person acted on this run/) }),
    ]);
  });

  it("the broker's dead letters: a poisoned message redriven is poisoned again, then resolved; each queue's letters name their queue", async () => {
    const { cli, run } = home();
    expect((await cli(['run', '--scenario', 'poison-message'])).code).toBe(0);
    const dir = run('poison-message-seed1');
    const [letter] = await letters(cli, dir);
    expect(letter).toMatchObject({ source: 'broker', queue: 'payment', type: 'payment.charge', state: 'open' });
    expect((await cli(['dlq', dir, 'redrive', letter!.id, '--note', 'try again'])).code).toBe(0);
    const resumed = await cli(['resume', dir]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(
      'A person acted on this run (1 time, saga dlq, approve or reject): the replay line runs it without them.',
    );
    const after = await letters(cli, dir);
    expect(after.map((l) => [l.id, l.state])).toEqual([
      [letter!.id, 'redriven'],
      [`${letter!.id}#2`, 'open'],
    ]);
    expect((await cli(['dlq', dir, 'resolve', `${letter!.id}#2`, '--note', 'card replaced by the customer'])).code).toBe(0);
    expect((await cli(['resume', dir])).code).toBe(0);
    expect((await letters(cli, dir)).map((l) => l.state)).toEqual(['redriven', 'resolved']);
    // Resolving it again is refused, with nothing changed.
    const before = filesOf(dir);
    const twice = await cli(['dlq', dir, 'resolve', `${letter!.id}#2`, '--note', 'again']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/was already resolved by .*; nothing to do\./);
    expect(filesOf(dir)).toEqual(before);
  });

  it('refused with one line and exit 2, nothing changed: an unknown letter or action, a step the saga undid itself, a missing id, a run another process holds', async () => {
    const { cli, run } = home();
    expect((await cli(['run', '--scenario', 'step-timeout'])).code).toBe(0);
    const dir = run('step-timeout-seed1');
    const closed = (await letters(cli, dir)).find((l) => l.state === 'closed');
    expect(closed).toMatchObject({ source: 'orchestrator', reason: expect.stringMatching(/compensated$/) });
    const cases: Array<[string[], RegExp]> = [
      [['dlq', dir, 'redrive', 'saga-999:9'], /^No dead letter saga-999:9 in /],
      [['dlq', dir, 'redrive', closed!.id], /is closed: the saga undid that step itself/],
      [['dlq', dir, 'frobnicate'], /saga dlq takes list, redrive <id> or resolve <id>, not 'frobnicate'/],
      [['dlq', dir, 'redrive'], /needs the id of a dead letter/],
      [['dlq', dir, 'redrive', closed!.id, '--by', ' '], /^--by needs a name/],
    ];
    for (const [args, message] of cases) {
      const before = filesOf(dir);
      const { code, stdout, stderr } = await cli(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(filesOf(dir)).toEqual(before);
    }
    writeFileSync(join(dir, 'run.lock'), `${process.pid}\n`);
    const held = await cli(['dlq', dir, 'list']);
    expect(held.code).toBe(2);
    expect(held.stderr).toMatch(/still being run by process/);
  });
});

import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SagaDetail, SagaSummary } from '../../src/operate/index.js';
import { sagaCli, scratchDir } from '../helpers.js';

const home = scratchDir('home');
const cli = (args: readonly string[]) => sagaCli(args, { env: { SAGA_HOME: home } });

/** Every file of a directory with a hash of its bytes: what "nothing changed on disk" compares. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [
        f,
        statSync(join(dir, f)).isDirectory()
          ? 'a folder'
          : createHash('sha256')
              .update(readFileSync(join(dir, f)))
              .digest('hex'),
      ]),
  );
}

let run = '';
beforeAll(async () => {
  expect((await cli(['run', '--scenario', 'crash-during-compensation'])).code).toBe(0);
  run = join(home, 'runs', 'crash-during-compensation-seed1');
});

describe('saga sagas and saga show read a finished run', () => {
  it('sagas lists each saga with its status, step and last change, filtered by status, by path or by the name saga runs gives', async () => {
    const before = filesOf(run);
    const all = JSON.parse((await cli(['sagas', run, '--json'])).stdout) as SagaSummary[];
    expect(all).toEqual([
      expect.objectContaining({ orderId: 'order-001', status: 'COMPENSATED', step: 'create-order', lastChangeTick: expect.any(Number) }),
    ]);
    expect(all[0]!.lastChangeTick).toBeGreaterThan(all[0]!.startedTick);
    const byName = await cli(['sagas', 'crash-during-compensation-seed1', '--status', 'compensated']);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toContain('1 COMPENSATED saga in this finished run');
    expect(JSON.parse((await cli(['sagas', run, '--status', 'COMPLETED', '--json'])).stdout)).toEqual([]);
    expect(filesOf(run)).toEqual(before);
  });

  it('show gives the saga’s story, every message its components handled, and its rows in each service; by saga id or order id', async () => {
    const before = filesOf(run);
    const d = JSON.parse((await cli(['show', run, 'order-001', '--json'])).stdout) as SagaDetail;
    expect(d.saga).toMatchObject({ orderId: 'order-001', status: 'COMPENSATED', payload: { orderId: 'order-001', qty: 3 } });
    expect(d.log.map((l) => l.status)).toEqual([
      'RUNNING',
      'RUNNING',
      'RUNNING',
      'COMPENSATING',
      'COMPENSATING',
      'COMPENSATING',
      'COMPENSATED',
    ]);
    expect(d.log[3]!.note).toContain('charge-payment failed');
    // The first release failed and was retried: both deliveries reached the inventory's inbox.
    expect(d.handled.filter((m) => m.component === 'inventory').map((m) => m.type)).toEqual([
      'inventory.reserve',
      'inventory.release',
      'inventory.release',
    ]);
    expect(d.handled.map((m) => m.tick)).toEqual([...d.handled.map((m) => m.tick)].sort((a, b) => a - b));
    expect(d.unsent).toEqual([]);
    expect(d.rows.inventory?.reservations).toEqual([expect.objectContaining({ status: 'RELEASED', qty: 3 })]);
    expect(d.rows.payment?.charges).toEqual([expect.objectContaining({ status: 'DECLINED' })]);
    expect(d.rows.order?.orders).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
    const bySaga = JSON.parse((await cli(['show', run, d.saga.id, '--json'])).stdout) as SagaDetail;
    expect(bySaga).toEqual(d);
    const text = (await cli(['show', run, 'order-001'])).stdout;
    expect(text).toContain(`saga ${d.saga.id} for order-001: COMPENSATED`);
    expect(text).toContain('reserve-stock compensation failed');
    expect(filesOf(run)).toEqual(before);
  });
});

describe('a directory that cannot be inspected is refused in one sentence, exit 2, with nothing changed on disk', () => {
  /** A copy of the run, broken by `breakIt`; returns the refusal. */
  async function refusedOn(breakIt: (dir: string) => void, args: (dir: string) => string[] = (dir) => ['sagas', dir]) {
    const dir = join(scratchDir('broken'), 'run');
    cpSync(run, dir, { recursive: true });
    breakIt(dir);
    const before = filesOf(dir);
    const { code, stdout, stderr } = await cli(args(dir));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(filesOf(dir)).toEqual(before);
    return stderr.trim();
  }

  it('no such directory, a file, or a folder without run.json', async () => {
    expect((await cli(['sagas', join(home, 'nowhere')])).stderr).toMatch(/^There is no run directory at .*nowhere; 'saga runs'/);
    expect(
      await refusedOn(
        (dir) => writeFileSync(join(dir, 'note.txt'), 'x'),
        (dir) => ['sagas', join(dir, 'note.txt')],
      ),
    ).toContain('is a file, not a run directory');
    expect(await refusedOn((dir) => rmSync(join(dir, 'run.json')))).toContain('is not a run directory: it has no readable run.json');
    expect(await refusedOn((dir) => writeFileSync(join(dir, 'run.json'), '{"status": 3'))).toContain('no readable run.json');
  });

  it('a run a live process still holds', async () => {
    expect(await refusedOn((dir) => writeFileSync(join(dir, 'run.lock'), `${process.pid}\n`))).toContain(
      `is still being run by process ${process.pid}`,
    );
  });

  it('a database missing, corrupt, from another schema, or locked by another process', async () => {
    expect(await refusedOn((dir) => rmSync(join(dir, 'payment.db')))).toContain('has no payment.db: the run directory is incomplete');
    expect(
      await refusedOn((dir) => {
        rmSync(join(dir, 'order.db'));
        mkdirSync(join(dir, 'order.db'));
      }),
    ).toContain('order.db is not a database file; the run directory is damaged');
    expect(await refusedOn((dir) => writeFileSync(join(dir, 'orchestrator.db'), ''))).toContain(
      'orchestrator.db is empty: the run never got as far as making its tables',
    );
    expect(
      await refusedOn((dir) => writeFileSync(join(dir, 'payment.db'), 'not a database, just text that is long enough'.repeat(200))),
    ).toMatch(/payment\.db is not a readable SQLite database \(file is not a database\)/);
    expect(
      await refusedOn((dir) => {
        const db = new BetterSqlite3(join(dir, 'inventory.db'));
        db.exec('alter table stock add column warehouse text');
        db.close();
      }),
    ).toMatch(/inventory\.db has another schema than this build's \(the run was made by build .+\)/);
    const locked = join(scratchDir('locked'), 'run');
    cpSync(run, locked, { recursive: true });
    const holder = new BetterSqlite3(join(locked, 'order.db'));
    try {
      holder.pragma('locking_mode = EXCLUSIVE');
      holder.exec('begin exclusive');
      const { code, stderr } = await cli(['sagas', locked]);
      expect(code).toBe(2);
      expect(stderr.trim()).toMatch(/order\.db is locked by another process; try again once it lets go\.$/);
    } finally {
      holder.close();
    }
  });

  it('an unknown saga or order, or an unknown status', async () => {
    const unknown = await cli(['show', run, 'order-999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(`No saga or order 'order-999' in ${run}; 'saga sagas ${run}' lists them.`);
    const status = await cli(['sagas', run, '--status', 'compensatd']);
    expect(status.code).toBe(2);
    expect(status.stderr.trim()).toBe(
      "Unknown saga status 'compensatd'. Did you mean 'COMPENSATED'? Known: RUNNING, COMPENSATING, COMPLETED, COMPENSATED, FAILED.",
    );
  });
});

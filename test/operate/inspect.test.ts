import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SagaDetail, SagaSummary } from '../../src/operate/index.js';
import { filesOf, sagaCli, scratchDir } from '../helpers.js';

const home = scratchDir('home');
const cli = (args: readonly string[]) => sagaCli(args, { env: { SAGA_HOME: home } });

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
      'COMPENSATING',
      'COMPENSATED',
    ]);
    expect(d.log[3]!.note).toContain('charge-payment failed');
    // The release's retry after its backoff says which attempt it is.
    expect(d.log.map((l) => l.note)).toContain('inventory.release sent again (attempt 2)');
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

describe('saga show tells each message’s story, from the run’s trace and the broker as the world stopped or ended', () => {
  const showJson = async (dir: string, key: string) => JSON.parse((await cli(['show', dir, key, '--json'])).stdout) as SagaDetail;

  it('a retried compensation: the failed release and the one that worked are two messages, each handled once', async () => {
    const d = await showJson(run, 'order-001');
    const releases = d.messages!.filter((m) => m.type === 'inventory.release');
    expect(releases).toHaveLength(2);
    for (const m of releases)
      expect(m).toMatchObject({ from: 'orchestrator', to: 'inventory', deliveries: 1, handledTick: expect.any(Number) });
    // In the trace's order: sent before handled, and every message of the saga is there (the inbox holds the ones handled).
    expect(d.messages!.map((m) => m.id).sort()).toEqual(expect.arrayContaining(d.handled.map((m) => m.messageId).sort()));
    expect(d.broker).toEqual({ queued: [], unacked: [], deadLettered: [] });
  });

  it('a poisoned command: every delivery rejected, then dead-lettered, and the broker still holds it', async () => {
    expect((await cli(['run', '--scenario', 'poison-message'])).code).toBe(0);
    const dir = join(home, 'runs', 'poison-message-seed1');
    const sagas = JSON.parse((await cli(['sagas', dir, '--json'])).stdout) as SagaSummary[];
    const poisoned = [];
    for (const s of sagas) {
      const d = await showJson(dir, s.id);
      poisoned.push(...d.messages!.filter((m) => m.deadLetteredTick !== null).map((m) => ({ m, d })));
    }
    expect(poisoned).toHaveLength(1);
    const { m, d } = poisoned[0]!;
    expect(m).toMatchObject({ deliveries: 8, rejected: 8, handledTick: null });
    expect(d.broker!.deadLettered).toEqual([expect.objectContaining({ id: m.id, deliveries: 8, tick: m.deadLetteredTick })]);
    const text = (await cli(['show', dir, d.saga.id])).stdout;
    expect(text).toContain(`dead-lettered at tick ${m.deadLetteredTick} after 8 deliveries: ${m.type} ${m.id}`);
  });

  it('duplicates skipped and publishes dropped are counted on the message they struck', async () => {
    expect((await cli(['run', '--scenario', 'duplicate-delivery', '--faults', 'lossy', '--seed', '2'])).code).toBe(0);
    const dir = join(home, 'runs', 'duplicate-delivery-seed2-lossy');
    const sagas = JSON.parse((await cli(['sagas', dir, '--json'])).stdout) as SagaSummary[];
    const messages = (await Promise.all(sagas.map((s) => showJson(dir, s.id)))).flatMap((d) => d.messages!);
    expect(messages.some((m) => m.duplicatesSkipped > 0)).toBe(true);
    expect(messages.some((m) => m.publishesDropped > 0)).toBe(true);
    expect(messages.some((m) => m.faults.some((f) => f.includes('delivery dropped')) && m.redelivered > 0)).toBe(true);
  });

  it('a stopped world: what its queues hold for the saga, waiting and handed over', async () => {
    const found = { queued: 0, unacked: 0 };
    for (const tick of [30, 60, 90, 120, 150]) {
      const own = scratchDir('home');
      const env = { SAGA_HOME: own };
      await sagaCli(['run', '--scenario', 'lossy-network', '--stop-at', String(tick)], { env });
      const dir = join(own, 'runs', 'lossy-network-seed1');
      const sagas = JSON.parse((await sagaCli(['sagas', dir, '--json'], { env })).stdout) as SagaSummary[];
      for (const s of sagas) {
        const d = JSON.parse((await sagaCli(['show', dir, s.id, '--json'], { env })).stdout) as SagaDetail;
        found.queued += d.broker!.queued.length;
        found.unacked += d.broker!.unacked.length;
        for (const q of d.broker!.queued) expect(d.messages!.find((m) => m.id === q.id)?.to).toBe(q.queue);
      }
    }
    expect(found.queued).toBeGreaterThan(0);
    expect(found.unacked).toBeGreaterThan(0);
  });

  it('a run directory without its world (an earlier build’s) still shows what its databases hold, and says what is missing', async () => {
    const dir = join(scratchDir('old'), 'run');
    cpSync(run, dir, { recursive: true });
    rmSync(join(dir, 'world.json'));
    const d = await showJson(dir, 'order-001');
    expect(d.messages).toBeNull();
    expect(d.broker).toBeNull();
    expect(d.handled.length).toBeGreaterThan(0);
    expect((await cli(['show', dir, 'order-001'])).stdout).toContain('has no world.json');
  });
});

describe('run --show: the same view of one saga, in memory or on files', () => {
  it('shows the saga after the report; in memory it is exactly what saga show reads from the file run', async () => {
    const args = ['run', '--scenario', 'crash-mid-payment', '--faults', 'chaotic', '--seed', '4'];
    const memory = await cli([...args, '--storage', 'memory', '--show', 'order-001', '--json']);
    expect(memory.code).toBe(0);
    const shown = (JSON.parse(memory.stdout) as { show: SagaDetail }).show;
    expect(shown.messages!.length).toBeGreaterThan(5);
    const own = scratchDir('home');
    const file = await sagaCli([...args, '--show', 'saga-001', '--json'], { env: { SAGA_HOME: own } });
    expect((JSON.parse(file.stdout) as { show: SagaDetail }).show).toEqual(shown);
    const read = await sagaCli(['show', 'crash-mid-payment-seed4-chaotic', 'order-001', '--json'], { env: { SAGA_HOME: own } });
    expect(JSON.parse(read.stdout)).toEqual(shown);
    const text = await cli([...args, '--storage', 'memory', '--show', 'order-001']);
    expect(text.stdout).toMatch(/PASS {2}3 sagas[^]*\nsaga saga-001 for order-001: COMPLETED/);
  });

  it('a saga the run never had is said after the report, and the run keeps its own verdict; --all with --show is refused before anything runs', async () => {
    const missing = await cli(['run', '--scenario', 'happy-path', '--storage', 'memory', '--show', 'order-999']);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain('PASS');
    expect(missing.stderr).toMatch(
      /^No saga or order 'order-999' in this run, so --show showed nothing; its sagas are saga-001 \(order-001\), saga-002 \(order-002\)/,
    );
    const all = await cli(['run', '--all', '--show', 'order-001']);
    expect(all.code).toBe(2);
    expect(all.stdout).toBe('');
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

  it('a bare name that is neither a run nor a folder here says where it looked', async () => {
    const { code, stderr } = await cli(['sagas', 'no-such-run']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^No run 'no-such-run' under .*runs, and no directory .*no-such-run; 'saga runs' lists the runs\.\n$/);
  });

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
      "Unknown saga status 'compensatd'. Did you mean 'COMPENSATED'? Known: RUNNING, AWAITING_APPROVAL, COMPENSATING, COMPLETED, COMPENSATED, FAILED, ESCALATED.",
    );
  });
});

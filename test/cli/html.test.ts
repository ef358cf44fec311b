import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/report/index.js';
import { SCENARIOS } from '../../scenarios/index.js';
import { sagaCli, scratchDir } from '../helpers.js';
import { HOSTILE, hostileReplayFile } from '../report/hostile-replay.js';

/** The data a report page carries. */
function dataOf(file: string): ReportData {
  const html = readFileSync(file, 'utf8');
  const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)?.[1];
  return JSON.parse(json!) as ReportData;
}

describe('saga run --html: the run as one HTML page', () => {
  it('draws the run with the rows each event wrote, and leaves the run as it was without it', async () => {
    const dir = scratchDir('html');
    const file = join(dir, 'report.html');
    const args = ['run', '--scenario', 'crash-mid-payment', '--storage', 'memory'];
    const run = await sagaCli([...args, '--html', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`report: ${file}\n`);
    const data = dataOf(file);
    expect(data.title).toBe('saga run crash-mid-payment — seed 1');
    expect(data.replay).toBe('npx saga run --scenario crash-mid-payment --seed 1');
    const [drawn] = data.runs;
    // The charge: its transaction's rows, the account's balance with its before, and the duplicate after the restart wrote none.
    const charge = drawn!.events.find((e) => e.kind === 'handle' && e.actor === 'payment' && e.line.includes('payment.charge '))!;
    expect(charge.changes.map((c) => `${c.op} ${c.component}.${c.table}`)).toEqual([
      'update payment.accounts',
      'insert payment.charges',
      'insert payment.inbox',
      'insert payment.outbox',
    ]);
    expect(charge.changes[0]!.before!.balance_cents).toBe(Number(charge.changes[0]!.after!.balance_cents) + 2500);
    const skipped = drawn!.events.find((e) => e.kind === 'skip' && e.saga === charge.saga)!;
    expect(skipped.mark).toMatchObject({ kind: 'mark', lane: 'payment', mark: 'skip' });
    expect(skipped.changes).toEqual([]);
    expect(drawn!.checks.find((c) => c.name === 'single-charge')!.protects).toMatch(/double charging/);
    expect(drawn!.sagas.find((s) => s.id === charge.saga)!.rows.payment!.charges).toHaveLength(1);
    // Reading the rows as the run goes changes nothing in it.
    const digest = (out: string) => (JSON.parse(out) as { digest: string }).digest;
    const plain = await sagaCli([...args, '--json']);
    const drawnJson = await sagaCli([...args, '--json', '--html', join(dir, 'again.html')]);
    expect(digest(drawnJson.stdout)).toBe(digest(plain.stdout));
    expect(drawnJson.stdout).toContain(`"report": "${join(dir, 'again.html')}"`);
  });

  it('a duplicate known by its business key shows the rows it wrote (its inbox row, its reply) at its own event', async () => {
    const file = join(scratchDir('html-skip'), 'r.html');
    expect((await sagaCli(['run', '--scenario', 'late-reply-after-timeout', '--storage', 'memory', '--html', file])).code).toBe(0);
    const [drawn] = dataOf(file).runs;
    const skips = drawn!.events.filter((e) => e.kind === 'skip' && e.line.includes('business key'));
    expect(skips.length).toBeGreaterThan(0);
    for (const skip of skips) expect(skip.changes.map((c) => `${c.op} ${c.component}.${c.table}`)).toContain(`insert ${skip.actor}.inbox`);
    // And no later event claims them.
    const inboxIds = new Set(skips.flatMap((e) => e.changes.filter((c) => c.table === 'inbox').map((c) => c.after!.message_id)));
    const later = drawn!.events
      .filter((e) => e.kind !== 'skip')
      .flatMap((e) => e.changes.filter((c) => c.table === 'inbox' && inboxIds.has(c.after!.message_id)));
    expect(later).toEqual([]);
  });

  it('a failure names its invariant and the events that explain it', async () => {
    const file = join(scratchDir('html-fail'), 'r.html');
    const run = await sagaCli([
      'run',
      '--scenario',
      'duplicate-delivery',
      '--storage',
      'memory',
      '--disable',
      'idempotency',
      '--html',
      file,
    ]);
    expect(run.code).toBe(1);
    const [drawn] = dataOf(file).runs;
    const broken = drawn!.checks.find((c) => c.name === 'single-charge')!;
    expect(broken.ok).toBe(false);
    expect(broken.explainedBy.length).toBeGreaterThan(0);
    expect(broken.explainedBy.map((i) => drawn!.events[i]!.kind)).toContain('fault');
  });

  it('refuses a path it cannot write before running anything, and a stop', async () => {
    const dir = scratchDir('html-refuse');
    const missing = await sagaCli(['run', '--scenario', 'happy-path', '--storage', 'memory', '--html', join(dir, 'no', 'r.html')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^--html .*: the folder .* does not exist; make it first or give another path\.\n$/);
    const folder = await sagaCli(['run', '--scenario', 'happy-path', '--storage', 'memory', '--html', dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/is a folder; give the path of a file/);
    const stop = await sagaCli(['run', '--scenario', 'happy-path', '--dir', dir, '--stop-at', '50', '--html', join(dir, 'r.html')]);
    expect(stop.code).toBe(2);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });

  it('replay --html draws a file someone sent: its names stay text', async () => {
    const dir = scratchDir('html-replay');
    const replay = hostileReplayFile(dir);
    const file = join(dir, 'replay.html');
    const run = await sagaCli(['replay', replay, '--html', file]);
    expect(run.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    for (const text of Object.values(HOSTILE)) expect(html).not.toContain(text);
    const [drawn] = dataOf(file).runs;
    expect(drawn!.sagas.map((s) => s.orderId)).toEqual([HOSTILE.orderId]);
    expect(drawn!.events.some((e) => e.line.includes(HOSTILE.sku))).toBe(true);
  });

  it('ab --html draws, where something breaks, the run with every defence and the run without', async () => {
    const file = join(scratchDir('html-ab'), 'ab.html');
    const catalogue = SCENARIOS.filter((s) => s.name === 'happy-path' || s.name === 'duplicate-delivery');
    const run = await sagaCli(['ab', '--disable', 'idempotency', '--html', file], {}, catalogue);
    expect(run.code).toBe(0);
    const data = dataOf(file);
    expect(data.verdict).toEqual({ ok: true, text: '1 of 2 break without it' });
    expect(data.table!.rows.map((r) => [...r.cells.slice(0, 3), r.run])).toEqual([
      ['happy-path', 'both', 'pass', null],
      ['duplicate-delivery', 'every defence on', 'pass', 0],
      ['duplicate-delivery', 'without idempotency', 'FAIL', 1],
    ]);
    expect(data.runs.map((r) => [r.name, r.ok])).toEqual([
      ['duplicate-delivery, every defence on', true],
      ['duplicate-delivery, without idempotency', false],
    ]);
  });

  it('crash-matrix --html lists every point and draws the failing ones', async () => {
    const file = join(scratchDir('html-matrix'), 'matrix.html');
    const run = await sagaCli(['crash-matrix', '--disable', 'reconciliation', '--html', file]);
    expect(run.code).toBe(1);
    const data = dataOf(file);
    const failing = data.table!.rows.filter((r) => !r.ok);
    expect(failing.length).toBeGreaterThan(0);
    expect(data.table!.rows.length).toBeGreaterThan(failing.length * 10);
    // Each failing row opens its run, drawn again from the same seed: it fails the same way.
    expect(failing.map((r) => r.run)).toEqual(data.runs.map((_, i) => i));
    for (const [i, drawn] of data.runs.entries()) {
      expect(drawn.ok).toBe(false);
      expect(failing[i]!.cells[4]).toBe(
        `FAIL ${drawn.checks
          .filter((c) => !c.ok)
          .map((c) => c.name)
          .join(', ')}`,
      );
    }
  }, 60_000);

  it('a report that cannot be written after the run: the run is reported all the same, one sentence says why, exit 3', async () => {
    const dir = scratchDir('html-unwritable');
    const file = join(dir, 'r.html');
    // Something of the partial file's name that is not this command's to write over.
    mkdirSync(`${file}.partial`);
    const run = await sagaCli(['run', '--scenario', 'happy-path', '--storage', 'memory', '--html', file]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('PASS  5 sagas');
    expect(run.stdout).not.toContain('report:');
    expect(run.stderr).toMatch(
      /^Could not write the report to .*r\.html \(.*r\.html\.partial is in the way\); the run above is complete: free space or give another --html path and run it again\.\n$/,
    );
    expect(existsSync(`${file}.partial`)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });
});

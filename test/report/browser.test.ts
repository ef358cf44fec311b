import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sagaCli, scratchDir } from '../helpers.js';
import { HOSTILE, hostileReplayFile } from './hostile-replay.js';

/** Debian's Chromium (scripts/install-test-tools.sh puts it there; .ci/run runs that script). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_BROWSER = existsSync(CHROMIUM);
if (!HAVE_BROWSER)
  console.warn(
    `The browser test of the HTML report is skipped: no Chromium at ${CHROMIUM}. Install it with 'bash scripts/install-test-tools.sh' (root or sudo).`,
  );

/** The flags a closed network needs: without them Chromium keeps trying to reach its own services. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.skipIf(!HAVE_BROWSER)('the HTML report in a real browser (headless Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a report from file:// and gathers every console error and page error it raises. */
  async function open(file: string): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push(String(e)));
    // Nothing may be fetched: a report works offline.
    page.on('request', (r) => void (r.url().startsWith('file:') || errors.push(`fetched ${r.url()}`)));
    await page.goto(pathToFileURL(file).href);
    return { page, errors };
  }

  it('crash-mid-payment: lanes, the crash and the skipped duplicate marked, a click shows the rows the charge wrote', async () => {
    const dir = scratchDir('browser');
    const file = join(dir, 'report.html');
    expect((await sagaCli(['run', '--scenario', 'crash-mid-payment', '--storage', 'memory', '--html', file])).code).toBe(0);
    const { page, errors } = await open(file);
    await expect.poll(() => page.locator('svg.swimlanes').count()).toBe(1);
    const lanes = await page.locator('svg.swimlanes text.lane-name').allTextContents();
    expect(lanes).toEqual(['client', 'orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification']);
    // The run's faults, where they struck: the orchestrator killed after publishing the charge, down until its restart; the charge redelivered and skipped.
    expect(await page.locator('text.marker-crash').count()).toBe(1);
    expect(await page.locator('text.marker-restart').count()).toBe(1);
    expect(await page.locator('rect.crash-band[data-lane="orchestrator"]').count()).toBe(1);
    const skip = page.locator('g.event.kind-skip');
    expect(await skip.locator('text.label').textContent()).toMatch(/^duplicate payment\.charge skipped \(message id/);
    await skip.click();
    await expect.poll(() => page.locator('#event').textContent()).toContain('No row of this saga changed here.');
    // The charge itself: one transaction, its rows.
    const charge = page.locator('g.event', { hasText: 'payment.charge: charged 2500' });
    // Drawn when payment handled it, after the orchestrator that sent it had crashed: said so, with a hollow dot.
    expect(await charge.locator('text.label').textContent()).toBe('payment.charge: charged 2500 (sent before orchestrator crashed)');
    expect(await charge.locator('circle.sent-before-crash').count()).toBe(1);
    // The relay's publish after the restart: the same message, not a retry.
    await page.locator('g.event.kind-publish').click();
    await expect.poll(() => page.locator('#event').textContent()).toContain('the same message, with the same id, not a retry');
    await charge.click();
    const detail = (await page.locator('#event').textContent()) ?? '';
    expect(detail).toContain('~ payment.accounts');
    expect(detail).toContain('+ payment.charges');
    expect(detail).toContain('+ payment.outbox');
    // The invariants, each with what it protects.
    expect(await page.locator('ul.checks li[data-check="single-charge"]').textContent()).toMatch(
      /✓ single-charge protects against double charging/,
    );
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    expect(errors).toEqual([]);
  }, 60_000);

  it('a hostile replay file: its markup shows as text and none of its scripts runs', async () => {
    const dir = scratchDir('browser-hostile');
    const file = join(dir, 'replay.html');
    expect((await sagaCli(['replay', hostileReplayFile(dir), '--html', file])).code).toBe(0);
    const { page, errors } = await open(file);
    await expect.poll(() => page.locator('svg.swimlanes').count()).toBe(1);
    // Hover and click everything drawn: no handler from the data may fire.
    for (const event of await page.locator('g.event').all()) await event.click();
    await page.locator('body').hover();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain(HOSTILE.orderId);
    expect(text).toContain(HOSTILE.sku);
    expect(await page.locator('#app img, #app script, #app svg svg').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});

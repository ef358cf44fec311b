/**
 * Redraws docs/report.png, the README's picture of the HTML report: crash-mid-payment with
 * seed 1, the redelivered charge clicked. Needs Debian's Chromium (scripts/install-test-tools.sh).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { SCENARIOS } from '../scenarios/index.js';
import { runCli } from '../src/cli/program.js';

const dir = mkdtempSync(join(tmpdir(), 'saga-report-shot-'));
try {
  const file = join(dir, 'report.html');
  const code = await runCli(
    ['run', '--scenario', 'crash-mid-payment', '--storage', 'memory', '--html', file],
    { env: { NO_COLOR: '1' }, out: () => {}, err: (t) => void process.stderr.write(t) },
    SCENARIOS,
  );
  if (code !== 0) throw new Error(`the run for the picture exited ${code}`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 980 } });
  await page.goto(pathToFileURL(file).href);
  await page.locator('g.event', { hasText: 'payment.charge: charged 2500' }).click();
  await page.locator('#saga h3').scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -8));
  await page.screenshot({ path: join('docs', 'report.png') });
  await browser.close();
  console.log('docs/report.png redrawn');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

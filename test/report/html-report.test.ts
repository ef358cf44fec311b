import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport, type ReportData } from '../../src/report/index.js';
import { HOSTILE } from './hostile-replay.js';

const data: ReportData = {
  title: `saga replay ${HOSTILE.customer}`,
  build: '0.1.0',
  replay: `npx saga replay ${HOSTILE.sku}`,
  table: { columns: ['scenario'], rows: [{ cells: [HOSTILE.detail], ok: false, run: 0 }] },
  runs: [
    {
      name: HOSTILE.orderId,
      description: `line\u2028separator ${HOSTILE.detail} <!-- comment`,
      seed: 7,
      ok: false,
      digest: '0'.repeat(64),
      ticks: 10,
      replay: 'npx saga replay x.json',
      checks: [],
      sagas: [],
      events: [],
    },
  ],
};

describe('the HTML report page', () => {
  const html = renderHtmlReport(data);

  it('holds its data as JSON that no string in it can break out of, and gives it back whole', () => {
    // Only the page's own two script elements, and no markup from the data outside the escaped JSON.
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    for (const text of Object.values(HOSTILE)) expect(html).not.toContain(text);
    expect(html).not.toContain('<!-- comment');
    expect(html).toContain('<title>saga replay &#60;/script&#62;&#60;script&#62;');
    const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(json!)).toEqual(data);
  });

  it('allows exactly its own script, by hash, and nothing from the network', () => {
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(policy).toContain("default-src 'none'");
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    const hash = createHash('sha256').update(scripts[0]!).digest('base64');
    expect(policy).toContain(`script-src 'sha256-${hash}'`);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });
});

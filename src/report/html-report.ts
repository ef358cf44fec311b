import { createHash } from 'node:crypto';
import { reportApp } from './report-app.js';
import type { ReportData } from './report-data.js';
import { REPORT_STYLE } from './report-style.js';

/** Text placed in HTML: the five characters markup gives meaning to, escaped. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * JSON inside a `<script type="application/json">`: `<` is written as `\u003c`, so no string
 * in it can close the script element or open a comment, and U+2028/U+2029 stay escaped.
 */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * One self-contained page: the data as JSON, the style and the script that draws it, nothing
 * fetched (it works offline, from file://). The page's own policy allows exactly its one
 * script, by hash, and no network: even markup that slipped into it could not run a script.
 */
export function renderHtmlReport(data: ReportData): string {
  // `__name` is what some TypeScript loaders wrap named functions with; the page has no loader.
  const script = `var __name = function (f) { return f; };\n(${reportApp.toString()})(JSON.parse(document.getElementById('report-data').textContent), document.getElementById('app'));`;
  const hash = createHash('sha256').update(script).digest('base64');
  const policy = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<noscript>This report draws itself with JavaScript; open it in a browser with scripts on.</noscript>
<main id="app"></main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}

// Regenerates the sequence diagrams docs/sagas.md embeds, from the code: `npm run docs:diagrams`.
// A test runs the same function and fails when the page and the code disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { SCENARIOS } from '../scenarios/index.js';
import { sagaSequenceDiagram } from '../src/operate/index.js';
import { runScenario } from '../src/scenario/index.js';

/** Where a diagram goes: between its two markers, named after the scenario it runs (seed 1) and the order it draws (its first saga's by default). */
const BLOCK = /<!-- diagram: ([a-z0-9-]+)(?: (order-\d+))? -->\n[\s\S]*?<!-- \/diagram -->/g;

/** The page with every diagram block drawn again from a run of its scenario. */
export function withDiagrams(page: string): string {
  return page.replace(BLOCK, (_block, name: string, order: string | undefined) => {
    const scenario = SCENARIOS.find((s) => s.name === name);
    if (!scenario) throw new Error(`docs/sagas.md draws a scenario that does not exist: ${name}`);
    const { outcome } = runScenario({ scenario, seed: 1, storage: 'memory' });
    const saga = order === undefined ? outcome.snapshot.sagas[0] : outcome.snapshot.sagas.find((s) => s.orderId === order);
    if (!saga) throw new Error(`docs/sagas.md draws ${order} of ${name}, which has no such order`);
    const diagram = sagaSequenceDiagram(outcome.traceEvents, saga.id);
    return `<!-- diagram: ${name}${order ? ` ${order}` : ''} -->\n\`\`\`mermaid\n${diagram}\`\`\`\n<!-- /diagram -->`;
  });
}

export const DOCS_PAGE = new URL('../docs/sagas.md', import.meta.url);

if (process.argv[1]?.endsWith('docs-diagrams.ts')) {
  const page = readFileSync(DOCS_PAGE, 'utf8');
  writeFileSync(DOCS_PAGE, withDiagrams(page));
}

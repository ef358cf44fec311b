import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { DOCS_PAGE, withDiagrams } from '../../scripts/docs-diagrams.js';
import { sagaSequenceDiagram } from '../../src/operate/index.js';
import { runScenario } from '../../src/scenario/index.js';
import { sagaCli } from '../helpers.js';

const traceOf = (name: string) => runScenario({ scenario: SCENARIOS.find((s) => s.name === name)!, seed: 1, storage: 'memory' }).outcome;

describe('a saga as a Mermaid sequence diagram', () => {
  it('an arrow per message handled, replies dashed, in the order they were handled; lanes only for who took part', () => {
    const { traceEvents } = traceOf('happy-path');
    const diagram = sagaSequenceDiagram(traceEvents, 'saga-001');
    const lines = diagram.trim().split('\n');
    expect(lines[0]).toBe('sequenceDiagram');
    expect(lines.filter((l) => l.startsWith('  participant')).map((l) => l.trim())).toEqual(
      ['client', 'orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification'].map((p) => `participant ${p}`),
    );
    expect(lines.filter((l) => l.includes('>>')).slice(0, 4)).toEqual([
      '  client->>orchestrator: saga.place-order',
      '  orchestrator->>order: order.create',
      '  order-->>orchestrator: order.create.done',
      '  orchestrator->>inventory: inventory.reserve',
    ]);
    expect(diagram).toContain('Note over orchestrator: COMPLETED');
    expect(diagram).not.toContain('Note over orchestrator: RUNNING');
  });

  it('notes what the world did: a crash and restart of a lane, a duplicate skipped, a fault, a dead letter', () => {
    const crashed = traceOf('crash-mid-payment');
    const crash = sagaSequenceDiagram(crashed.traceEvents, crashed.snapshot.sagas[0]!.id);
    expect(crash).toMatch(
      /Note over orchestrator: crashed: down for 250 ticks\n {2}orchestrator->>payment: payment.charge\n {2}Note over orchestrator: restarted/,
    );
    expect(crash).toContain('Note over payment: duplicate payment.charge skipped (message id already in inbox)');
    const late = sagaSequenceDiagram(traceOf('cancel-after-dispatch').traceEvents, 'saga-002');
    expect(late).toContain('Note over notification: fault: delivery delayed 60');
    // Only its own messages' faults: the first saga's refused send is another story.
    expect(late).not.toContain('of saga-001');
    expect(late).toContain('Note over fulfillment: shipment DISPATCHED');
    expect(late).toMatch(/Note over orchestrator: ESCALATED\n {2}Note over orchestrator: dead letter: fulfillment.cancel/);
    // Mermaid ends a statement at ';' and starts an entity at '#': neither is left in a label.
    expect(late).not.toMatch(/[;#]/);
  });

  it('docs/sagas.md embeds the diagrams this code draws (npm run docs:diagrams redraws them)', () => {
    const page = readFileSync(DOCS_PAGE, 'utf8');
    expect(page).toContain('<!-- diagram: crash-mid-payment -->');
    expect(withDiagrams(page)).toBe(page);
  });

  it('saga run --mermaid prints the diagram alone; an unknown saga, --all or --json is refused', async () => {
    const ok = await sagaCli(['run', '--scenario', 'crash-mid-payment', '--storage', 'memory', '--mermaid', 'order-001']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(sagaSequenceDiagram(traceOf('crash-mid-payment').traceEvents, 'saga-001'));
    const unknown = await sagaCli(['run', '--scenario', 'crash-mid-payment', '--storage', 'memory', '--mermaid', 'order-009']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^No saga or order 'order-009' in this run; its sagas are /);
    for (const extra of [['--all'], ['--scenario', 'happy-path', '--json']]) {
      const refused = await sagaCli(['run', ...extra, '--storage', 'memory', '--mermaid']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^--mermaid prints one saga of one run as a diagram/);
    }
  });
});

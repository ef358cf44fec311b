import { sagaEventsOf, STYLE_COMPONENTS, type Scenario } from '../src/scenario/index.js';

const COMPONENTS = STYLE_COMPONENTS.orchestration;

export const approvalAcrossFullRestart: Scenario = {
  name: 'approval-across-full-restart',
  description:
    'An order of 600 euros parks AWAITING_APPROVAL, and at that moment every service and the orchestrator die. They come back from their databases; the approval given afterwards finds the saga where it parked, and it completes exactly once.',
  fault: 'everything killed while an order awaits approval',
  notFor: {
    '2pc': 'approval is a step the orchestrator parks a saga at; two-phase commit has no such step',
    choreography: 'approval is a step the orchestrator parks a saga at; the choreographed saga has no such step',
  },
  lesson: {
    watch: 'Watch everything die while an order awaits approval.',
    showed:
      'A parked saga is a row in a database: after the restart the approval finds it where it stopped, and it completes exactly once.',
  },
  shop: { orders: 1, stockPerSku: 100, priceCents: 60_000, minQty: 1, maxQty: 1 },
  // The orchestrator has just parked the saga (committed, not yet acked); the others die with it.
  faults: COMPONENTS.map((component, i) => ({
    kind: 'kill',
    component,
    when: { on: 'handle', actor: 'orchestrator', type: 'inventory.reserve.done' },
    downTicks: 100 + 40 * i,
  })),
  approval: { thresholdCents: 50_000, slaTicks: 1_000, onSla: 'reject' },
  operator: [{ atTick: 600, action: 'approve', note: 'checked by phone', by: 'ana' }],
  expectedStatuses: ['COMPLETED'],
  expect: (outcome) => {
    const problems: string[] = [];
    if (outcome.eventCounts.crash !== COMPONENTS.length)
      problems.push(`${outcome.eventCounts.crash ?? 0} crashes; expected ${COMPONENTS.length}`);
    const facts = outcome.traceEvents.flatMap(sagaEventsOf);
    const count = (kind: string): number => facts.filter((f) => f.kind === kind).length;
    if (count('awaiting-approval') !== 1) problems.push(`parked ${count('awaiting-approval')} times; expected once`);
    if (count('approved') !== 1) problems.push(`approved ${count('approved')} times; expected once`);
    if (count('completed') !== 1) problems.push(`completed ${count('completed')} times; expected once`);
    return problems;
  },
};

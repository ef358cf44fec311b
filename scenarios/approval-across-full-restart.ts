import { sagaEventsOf, STYLE_COMPONENTS, type Scenario } from '../src/scenario/index.js';

const COMPONENTS = STYLE_COMPONENTS.orchestration;

export const approvalAcrossFullRestart: Scenario = {
  name: 'approval-across-full-restart',
  description:
    'Two orders of 600 euros park AWAITING_APPROVAL, and then every service and the orchestrator die. They come back from their databases: the approval given afterwards finds the first saga where it parked, and it completes exactly once; the second, left to its deadline, is rejected when the deadline the orchestrator set again on its restart comes.',
  fault: 'everything killed while two orders await approval',
  notFor: {
    '2pc': 'approval is a step the orchestrator parks a saga at; two-phase commit has no such step',
    choreography: 'approval is a step the orchestrator parks a saga at; the choreographed saga has no such step',
  },
  lesson: {
    watch: 'Watch everything die while two orders await approval.',
    showed:
      'A parked saga is a row in a database: after the restart the approval finds it where it stopped, and it completes exactly once. Its deadline is a row too: the restarted orchestrator sets the timer again, and the order nobody approved is rejected on time.',
  },
  shop: { orders: 2, arrivalTicks: 1, stockPerSku: 100, priceCents: 60_000, minQty: 1, maxQty: 1 },
  // The orchestrator has just parked the second saga (committed, not yet acked); the others die with it.
  faults: COMPONENTS.map((component, i) => ({
    kind: 'kill',
    component,
    when: { on: 'handle', actor: 'orchestrator', type: 'inventory.reserve.done', nth: 2 },
    downTicks: 100 + 40 * i,
  })),
  approval: { thresholdCents: 50_000, slaTicks: 1_000, onSla: 'reject' },
  operator: [{ atTick: 600, action: 'approve', orders: ['order-001'], note: 'checked by phone', by: 'ana' }],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: (outcome) => {
    const problems: string[] = [];
    if (outcome.eventCounts.crash !== COMPONENTS.length)
      problems.push(`${outcome.eventCounts.crash ?? 0} crashes; expected ${COMPONENTS.length}`);
    const facts = outcome.traceEvents.flatMap(sagaEventsOf);
    const count = (kind: string): number => facts.filter((f) => f.kind === kind).length;
    if (count('awaiting-approval') !== 2) problems.push(`parked ${count('awaiting-approval')} times; expected twice`);
    if (count('approved') !== 1) problems.push(`approved ${count('approved')} times; expected once`);
    if (count('completed') !== 1) problems.push(`completed ${count('completed')} times; expected once`);
    // Its own timer ended it, at its deadline: not the reconciler, which finds only a saga whose timer was lost.
    if (count('approval-expired') !== 1) problems.push(`${count('approval-expired')} approvals expired; expected one, at its deadline`);
    if (outcome.snapshot.stuckSagas.length > 0) problems.push('the reconciler had to find the unapproved saga: its deadline was lost');
    return problems;
  },
};

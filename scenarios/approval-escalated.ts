import { sagaEventsOf, type Scenario } from '../src/scenario/index.js';

export const approvalEscalated: Scenario = {
  name: 'approval-escalated',
  description:
    'An order of 600 euros awaits approval and nobody decides within its 500-tick SLA. This shop escalates rather than refuse a customer: the saga leaves a dead letter and keeps waiting, holding its stock. A person approves it at tick 2,000 and it completes.',
  fault: 'none: the approval is late and escalated',
  notFor: {
    '2pc': 'approval is a step the orchestrator parks a saga at; two-phase commit has no such step',
    choreography: 'approval is a step the orchestrator parks a saga at; the choreographed saga has no such step',
  },
  lesson: {
    watch: 'Watch an approval pass its SLA with nobody deciding.',
    showed: 'Escalation instead of refusal: a dead letter tells a person, the stock stays held, and the late approval completes the saga.',
  },
  shop: { orders: 1, stockPerSku: 100, priceCents: 60_000, minQty: 1, maxQty: 1 },
  faults: [],
  approval: { thresholdCents: 50_000, slaTicks: 500, onSla: 'escalate' },
  operator: [{ atTick: 2000, action: 'approve', note: 'back from leave', by: 'ana' }],
  expectedStatuses: ['COMPLETED'],
  expect: (outcome) => {
    const facts = outcome.traceEvents.flatMap(sagaEventsOf).map((f) => f.kind);
    const problems: string[] = [];
    if (!facts.includes('approval-escalated')) problems.push('the approval was never escalated');
    if (outcome.snapshot.sagaDeadLetters.length > 0) problems.push('the escalation is still open after the approval');
    return problems;
  },
};

import type { Scenario } from '../src/scenario/index.js';

export const compensationExhausted: Scenario = {
  name: 'compensation-exhausted',
  description:
    'Releasing the stock never works: after its retries the orchestrator parks it as a dead letter for a human, undoes the rest, and ends FAILED.',
  fault: 'inventory.release always fails',
  notFor: {
    '2pc':
      'the coordinator sends an abort again until it is done (a participant that voted yes promised it could be): a release refused for ever blocks the transaction instead of leaving it to a person',
  },
  lesson: {
    watch: 'Watch the release of the stock fail every time.',
    showed:
      'When a compensation cannot be made, the saga does not pretend: it parks a dead letter for a person and ends FAILED, with the rest undone.',
  },
  shop: { orders: 1, stockPerSku: 100, balanceCents: 0 },
  faults: [{ kind: 'fail-command', type: 'inventory.release', mode: 'fail', times: Infinity }],
  expectedStatuses: ['FAILED'],
  expectedStatusesUnderFaults: ['FAILED', 'COMPENSATED'],
  expect: ({ snapshot }) => {
    const problems: string[] = [];
    const parked = snapshot.sagaDeadLetters.filter((d) => d.command === 'inventory.release').length;
    if (parked !== snapshot.sagas.length) problems.push(`${parked} dead letters for ${snapshot.sagas.length} sagas`);
    if (snapshot.orders.some((o) => o.status !== 'CANCELLED')) problems.push('an order was not cancelled');
    return problems;
  },
};

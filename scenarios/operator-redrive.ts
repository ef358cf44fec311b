import type { Scenario } from '../src/scenario/index.js';

export const operatorRedrive: Scenario = {
  name: 'operator-redrive',
  description:
    'Inventory refuses every release until someone fixes it: the compensation gives up and the saga is parked FAILED with a dead letter. At tick 5,000 an operator redrives it; the release now works, and the saga ends COMPENSATED.',
  fault: 'inventory.release fails 8 times; redriven at tick 5,000',
  notFor: {
    '2pc':
      "a person redrives a dead letter of the orchestrator's; the coordinator sends its decision again until it is done, and leaves nothing to a person",
    choreography:
      "a person redrives a dead letter of the orchestrator's; in choreography a parked compensation waits in the broker's dead-letter queue",
  },
  lesson: {
    watch: 'Watch a compensation give up, and a person come by later.',
    showed:
      'A dead letter is work for a person, not a lost message: redriven with a fresh budget, the release works and the saga ends COMPENSATED.',
  },
  shop: { orders: 1, stockPerSku: 100, balanceCents: 0 },
  // Eight refusals use up the compensation's eight tries; the ninth, the redrive's, works.
  faults: [{ kind: 'fail-command', type: 'inventory.release', mode: 'fail', times: 8 }],
  operator: [{ atTick: 5000, action: 'redrive', note: 'inventory release fixed' }],
  expectedStatuses: ['COMPENSATED'],
  expect: ({ snapshot, traceEvents }) => {
    const problems: string[] = [];
    const parked = traceEvents.filter((e) => e.kind === 'dead-letter' && e.actor === 'orchestrator');
    const redrives = traceEvents.filter((e) => e.kind === 'operator');
    if (parked.length !== snapshot.sagas.length) problems.push(`${parked.length} sagas parked, expected each of ${snapshot.sagas.length}`);
    if (redrives.length !== parked.length) problems.push(`${redrives.length} redrives for ${parked.length} dead letters`);
    if (snapshot.sagaDeadLetters.length > 0) problems.push(`${snapshot.sagaDeadLetters.length} dead letters still open`);
    if (snapshot.reservations.some((r) => r.status !== 'RELEASED')) problems.push('a reservation was not released');
    return problems;
  },
};

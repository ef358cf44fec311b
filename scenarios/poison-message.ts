import type { Scenario } from '../src/scenario/index.js';

export const poisonMessage: Scenario = {
  name: 'poison-message',
  description:
    'One charge command crashes its handler on every delivery: the broker dead-letters it after the delivery cap, the step timeout sends a fresh one, every saga completes.',
  fault: 'a malformed payment.charge',
  notFor: {
    '2pc':
      'the orchestrator retries a step whose message was poisoned; the coordinator sends each prepare once, and a vote that never comes aborts the transaction (presumed abort)',
  },
  lesson: {
    watch: 'Watch one charge command crash its handler every time it is delivered.',
    showed:
      "The broker's delivery cap stops a poison message from blocking the queue: it is dead-lettered, and the step timeout sends a fresh command.",
  },
  shop: { orders: 3, stockPerSku: 100 },
  faults: [{ kind: 'poison', type: 'payment.charge' }],
  toleratedDeadLetters: 1,
  expectedStatuses: ['COMPLETED'],
  expect: ({ snapshot }) => {
    const parked = new Set(snapshot.broker.deadLetters.map((d) => d.msgId)).size;
    return parked === 1 ? [] : [`${parked} messages dead-lettered; expected the one poison message`];
  },
};

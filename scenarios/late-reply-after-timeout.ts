import type { Scenario } from '../src/scenario/index.js';

export const lateReplyAfterTimeout: Scenario = {
  name: 'late-reply-after-timeout',
  description:
    'The charge succeeds but every reply to it is held back past the retry budget: the saga gives up and refunds; the late successes change nothing.',
  fault: 'payment.charge.done delayed past the timeout',
  notFor: {
    '2pc':
      'its check counts refunds; in two-phase commit a late yes changes nothing (the vote timed out and the transaction aborted) and the abort voids the hold, which is never a refund',
    choreography:
      'a step times out only where someone waits for its reply: without a coordinator the saga waits, and completes once the service answers',
  },
  lesson: {
    watch: 'Watch the charge succeed while its replies are held back past the retry budget.',
    showed:
      'A success that comes after the orchestrator gave up is compensated at once: the saga stays consistent even when the network lies by omission.',
  },
  shop: { orders: 1, stockPerSku: 100 },
  faults: [{ kind: 'delay-delivery', type: 'payment.charge.done', ticks: 2_000, times: Infinity }],
  expectedStatuses: ['COMPENSATED'],
  expect: ({ snapshot }) => {
    const charged = snapshot.charges.filter((c) => c.status === 'CHARGED').length;
    const refunded = snapshot.refunds.filter((r) => r.chargeId !== null).length;
    return charged === snapshot.sagas.length && refunded === charged
      ? []
      : [`${charged} charges and ${refunded} refunds; expected each charge refunded`];
  },
};

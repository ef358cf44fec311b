import type { Scenario } from '../src/scenario/index.js';

export const unknownCustomer: Scenario = {
  name: 'unknown-customer',
  description:
    'One order comes from a customer the shop does not know: the order service refuses it at the very first step, so there is nothing to undo. That saga ends COMPENSATED with a REJECTED order and no reservation or charge; the others complete.',
  fault: 'order from an unknown customer',
  lesson: {
    watch: 'Watch the first step refuse: the order service does not know the customer.',
    showed:
      'A step that refuses before anything succeeded leaves nothing to undo: the saga ends COMPENSATED at once, with a REJECTED order and no reservation or charge.',
  },
  shop: { orders: 3, unknownCustomers: 1 },
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  faults: [],
  expect: ({ snapshot, traceEvents }) => {
    const problems: string[] = [];
    // The shop does not know the customer of its last order.
    const number = (orderId: string): number => Number(orderId.slice(orderId.lastIndexOf('-') + 1));
    const unknown = [...snapshot.orders].sort((a, b) => number(a.orderId) - number(b.orderId)).at(-1);
    if (!unknown) return ['no order was placed'];
    const saga = unknown.sagaId;
    // Two-phase commit asks every participant at once, and payment does not know the customer either: when its
    // "no" comes first (network faults decide), the abort cancels the order before the order service refuses it.
    const refusedAs = snapshot.style === '2pc' ? ['REJECTED', 'CANCELLED'] : ['REJECTED'];
    if (!refusedAs.includes(unknown.status))
      problems.push(`the unknown customer's order ended ${unknown.status}, not ${refusedAs.join(' or ')}`);
    const status = snapshot.sagas.find((s) => s.id === saga)?.status;
    if (status !== 'COMPENSATED') problems.push(`the unknown customer's saga ended ${status}`);
    // A vote that network faults hold back past its timeout aborts a known customer's two-phase commit too: that is
    // the protocol's answer to a slow network. Retrying steps, a saga sees the known customers' orders through.
    const abortsOnSlowVotes = snapshot.style === '2pc' && snapshot.faultsInjected > 0;
    if (!abortsOnSlowVotes && snapshot.sagas.filter((s) => s.id !== saga).some((s) => s.status !== 'COMPLETED'))
      problems.push('a known customer’s saga did not complete');
    // Two-phase commit asks every participant at once: each prepared, and the abort took back what it held.
    if (snapshot.style === '2pc') {
      const held = [
        ...snapshot.reservations.filter((r) => r.sagaId === saga && (r.status === 'RESERVED' || r.status === 'COMMITTED')),
        ...snapshot.charges.filter((c) => c.sagaId === saga && (c.status === 'HELD' || c.status === 'CHARGED')),
      ];
      return held.length > 0 ? [...problems, 'the refused order still holds stock or money'] : problems;
    }
    // Nothing happened before the refusal, so nothing is compensated and no other service hears of the order
    // (in choreography the projection and the janitor hear every event: they are not services).
    const coordinators = ['order', 'orchestrator', 'projection', 'janitor'];
    const touched = traceEvents.filter((e) => e.sagaId === saga && e.kind === 'handle' && !coordinators.includes(e.actor));
    if (touched.length > 0) problems.push(`${touched[0]!.actor} handled ${touched[0]!.type} for the refused order`);
    return problems;
  },
};

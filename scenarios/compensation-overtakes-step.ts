import { serviceFactsOf, type Scenario } from '../src/scenario/index.js';

export const compensationOvertakesStep: Scenario = {
  name: 'compensation-overtakes-step',
  description:
    'Every delivery of the stock reservation is held back on the network for longer than the step is retried: the saga gives up on the step and sends its compensation, which reaches the inventory first. The inventory remembers that this saga was released, so the reservations that arrive after it hold nothing.',
  fault: 'inventory.reserve held back past its retries',
  notFor: {
    choreography:
      'a step is given up on only where someone waits for its reply: without a coordinator the saga waits, and the reservation arrives',
  },
  lesson: {
    watch: 'Watch the release reach the inventory before the reservation it undoes.',
    showed:
      'A compensation can overtake its own step. The inventory keeps a record that the saga was released, so the late reservation finds it and holds nothing: no stock is locked for an order that was given up on.',
  },
  shop: { orders: 1, stockPerSku: 100 },
  faults: [{ kind: 'delay-delivery', type: 'inventory.reserve', times: 10, ticks: 900 }],
  expectedStatuses: ['COMPENSATED'],
  expect: ({ snapshot, traceEvents }) => {
    const problems: string[] = [];
    const first = traceEvents.find((e) =>
      serviceFactsOf(e).some((f) => f.kind === 'compensation-first' && f.compensation === 'inventory.release'),
    );
    if (!first) problems.push('the release never reached the inventory before its reservation');
    const late = traceEvents.filter((e) => e.actor === 'inventory' && e.type === 'inventory.reserve' && first && e.tick > first.tick);
    if (late.length === 0) problems.push('no reservation arrived after the release');
    if (snapshot.reservations.some((r) => r.status === 'RESERVED' || r.status === 'COMMITTED'))
      problems.push('a reservation holds stock for the given-up order');
    return problems;
  },
};

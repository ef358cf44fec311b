import type { Scenario } from '../src/scenario/index.js';

/** Shorter than the copy's delay: by the time it arrives, every inbox has forgotten its id. */
const DEDUPE_WINDOW_TICKS = 100;
const COPY_LATE_BY_TICKS = 300;

export const duplicateAfterWindow: Scenario = {
  name: 'duplicate-after-window',
  description: `A copy of the charge command arrives ${COPY_LATE_BY_TICKS} ticks late, after the inboxes have forgotten its id (a ${DEDUPE_WINDOW_TICKS}-tick dedupe window): the payment service's business key catches it, and the customer is charged once.`,
  fault: `payment.charge delivered again ${COPY_LATE_BY_TICKS} ticks later, past a ${DEDUPE_WINDOW_TICKS}-tick dedupe window`,
  notFor: {
    choreography:
      "it duplicates the orchestrator's payment.charge command; duplicate-storm duplicates every kind of message in both styles",
  },
  lesson: {
    watch: `Watch the late copy of the charge command: its id is ${COPY_LATE_BY_TICKS} ticks old, and the inbox remembers ids for ${DEDUPE_WINDOW_TICKS}.`,
    showed:
      'An inbox cannot remember every id for ever, and brokers only dedupe within a window. A copy that comes later is handled as new: the payment service finds a charge for this saga already made (its business key), answers as before, and charges nothing more.',
  },
  shop: { orders: 1, stockPerSku: 100 },
  dedupeWindowTicks: DEDUPE_WINDOW_TICKS,
  faults: [
    { kind: 'duplicate-delivery', type: 'payment.charge', copies: 1 },
    // The second hand-over of the charge is the copy: held back past the window.
    { kind: 'delay-delivery', type: 'payment.charge', nth: 2, ticks: COPY_LATE_BY_TICKS },
  ],
  expectedStatuses: ['COMPLETED'],
  expect: ({ traceEvents, broker }) => {
    const problems: string[] = [];
    if (broker.duplicated < 1) problems.push('the charge was never duplicated');
    if (broker.delayed < 1) problems.push('the copy was never held back past the window');
    const skips = traceEvents.filter((e) => e.kind === 'skip' && e.actor === 'payment').map((e) => e.detail ?? '');
    if (skips.length === 0) problems.push('the payment service never recognised the late copy');
    // Past the window the inbox has forgotten the id: only the business key can know the copy.
    else if (!skips.every((detail) => detail.includes('business key'))) problems.push(`the inbox still knew the copy's id (${skips[0]})`);
    return problems;
  },
};

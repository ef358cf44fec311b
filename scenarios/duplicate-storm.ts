import type { Scenario } from '../src/scenario/index.js';

export const duplicateStorm: Scenario = {
  name: 'duplicate-storm',
  description: 'Every delivery arrives up to three more times: inboxes and business keys absorb all of it.',
  fault: 'every message duplicated up to 3 times',
  lesson: {
    watch: 'Watch every message arrive up to four times.',
    showed:
      'Idempotent consumers make at-least-once delivery safe: inboxes and business keys absorb every copy, and each effect happens once.',
  },
  profile: 'duplicating',
  shop: { orders: 6, stockPerSku: 100 },
  faults: [],
  expectedStatuses: ['COMPLETED'],
  expect: ({ broker, duplicatesSkipped }) =>
    broker.duplicated > 0 && duplicatesSkipped >= broker.duplicated
      ? []
      : [`${broker.duplicated} duplicates but ${duplicatesSkipped} skipped`],
};

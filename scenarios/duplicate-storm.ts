import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

export const duplicateStorm: Scenario = {
  name: 'duplicate-storm',
  description: 'Every delivery arrives up to three more times: inboxes and business keys absorb all of it.',
  fault: 'every message duplicated up to 3 times',
  profile: 'duplicating',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 6, stockPerSku: o.stock ?? 100 }),
  faults: [],
  expectedStatuses: [SagaStatus.Completed],
  expect: ({ broker, duplicatesSkipped }) => (broker.duplicated > 0 && duplicatesSkipped >= broker.duplicated ? [] : [`${broker.duplicated} duplicates but ${duplicatesSkipped} skipped`]),
};

import { percentile, type Scenario } from '../src/scenario/index.js';

const P99_LIMIT_TICKS = 30_000;

export const peakLoad: Scenario = {
  name: 'peak-load',
  description:
    '200 orders arrive over one virtual minute on a lossy network: all end consistent, and 99% finish within 30 virtual seconds.',
  fault: 'lossy network under load',
  lesson: {
    watch: 'Watch two hundred orders on a lossy network (the walkthrough follows the one the network hit hardest).',
    showed: 'The same mechanisms at scale: every saga ends consistent, however the faults fall.',
  },
  profile: 'lossy',
  shop: { orders: 200, skus: 5, stockPerSku: 1_000, arrivalTicks: 60_000 },
  faults: [],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ snapshot }) => {
    const p99 = percentile(
      snapshot.sagas.filter((s) => s.endedTick !== null).map((s) => s.endedTick! - s.startedTick),
      99,
    );
    return p99 <= P99_LIMIT_TICKS ? [] : [`p99 latency ${p99} ticks > ${P99_LIMIT_TICKS}`];
  },
};

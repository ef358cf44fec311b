import { SagaStatus } from '../src/orchestrator/index.js';
import { shopWorkload, type Scenario } from '../src/scenario/index.js';

const P99_LIMIT_TICKS = 30_000;

export const peakLoad: Scenario = {
  name: 'peak-load',
  description: '200 orders arrive over one virtual minute on a lossy network: all end consistent, and 99% finish within 30 virtual seconds.',
  fault: 'lossy network under load',
  profile: 'lossy',
  workload: (rng, o) => shopWorkload(rng, { orders: o.orders ?? 200, skus: 5, stockPerSku: o.stock ?? 1_000, arrivalTicks: 60_000 }),
  faults: [],
  expectedStatuses: [SagaStatus.Completed, SagaStatus.Compensated],
  expect: ({ snapshot }) => {
    const latencies = snapshot.sagas.filter((s) => s.endedTick !== null).map((s) => s.endedTick! - s.startedTick).sort((a, b) => a - b);
    const p99 = latencies[Math.max(0, Math.ceil(0.99 * latencies.length) - 1)] ?? 0;
    return p99 <= P99_LIMIT_TICKS ? [] : [`p99 latency ${p99} ticks > ${P99_LIMIT_TICKS}`];
  },
};

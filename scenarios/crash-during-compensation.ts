import type { Scenario } from '../src/scenario/index.js';
import { happened } from './expectations.js';

export const crashDuringCompensation: Scenario = {
  name: 'crash-during-compensation',
  description:
    'The charge is declined, the first stock release fails, and the orchestrator dies while waiting to retry it: restarted, it re-arms the retry and finishes compensating.',
  fault: 'orchestrator killed mid-compensation',
  notFor: {
    '2pc': 'it kills the orchestrator; coordinator-crash-in-doubt kills the coordinator',
    choreography: 'it kills the orchestrator, and the choreographed saga has none',
  },
  lesson: {
    watch: 'Watch the orchestrator die while it waits to retry a failed release.',
    showed:
      "A compensation's retry lives in a deadline stored in the saga's row: the restarted orchestrator re-arms it and finishes undoing.",
  },
  shop: { orders: 1, stockPerSku: 100, balanceCents: 0 },
  faults: [
    { kind: 'fail-command', type: 'inventory.release', mode: 'fail', times: 1 },
    {
      kind: 'kill',
      component: 'orchestrator',
      when: { on: 'handle', type: 'inventory.release.failed', actor: 'orchestrator' },
      downTicks: 150,
    },
  ],
  expectedStatuses: ['COMPENSATED'],
  expect: (outcome) => happened(outcome, 'crash', 'orchestrator', 'the crash'),
};

import type { Scenario } from '../src/scenario/index.js';
import { happened } from './expectations.js';

export const crashBeforePublish: Scenario = {
  name: 'crash-before-publish',
  description:
    'The orchestrator commits the saga as COMPLETED and dies before its outbox is relayed: after restart the confirm and commit still go out.',
  fault: 'orchestrator killed between commit and relay',
  notFor: {
    '2pc': 'it kills the orchestrator; coordinator-crash-in-doubt kills the coordinator',
    choreography: 'it kills the orchestrator, and the choreographed saga has none',
  },
  lesson: {
    watch: 'Watch the orchestrator commit the saga as COMPLETED and die before its outbox is relayed.',
    showed:
      'The transactional outbox: the messages were committed with the state, so after the restart the relay sends them. Writing them after the commit would have lost them.',
  },
  shop: { orders: 2, stockPerSku: 100 },
  faults: [
    {
      kind: 'kill',
      component: 'orchestrator',
      when: { on: 'handle', type: 'notification.send.done', actor: 'orchestrator' },
      downTicks: 200,
    },
  ],
  expectedStatuses: ['COMPLETED'],
  expect: (outcome) => happened(outcome, 'crash', 'orchestrator', 'the crash'),
};

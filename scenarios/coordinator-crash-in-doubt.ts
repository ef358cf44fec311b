import type { Scenario } from '../src/scenario/index.js';

/** How long the coordinator stays down: every participant of the first order holds its lock this long, in doubt. */
const DOWN_TICKS = 600;

export const coordinatorCrashInDoubt: Scenario = {
  name: 'coordinator-crash-in-doubt',
  description:
    'Two-phase commit: every participant votes yes, the coordinator logs COMMIT and dies before telling anyone. Stock, funds and a shipping slot stay locked, in doubt, until it returns.',
  fault: 'coordinator killed between its decision and sending it',
  notFor: {
    orchestration: 'it kills the coordinator of a two-phase commit (--style 2pc); crash-mid-payment kills the orchestrator',
    choreography: 'it kills the coordinator of a two-phase commit (--style 2pc); the choreographed saga has no coordinator',
  },
  lesson: {
    watch: 'Watch the coordinator die with the decision in its log and nobody told.',
    showed:
      'The participants voted yes, so none may decide alone: they hold the stock, the funds and the slot until the coordinator returns and sends the decision its log kept. The orders that came meanwhile waited too. Atomic, but blocked.',
  },
  shop: { orders: 3, skus: 1, stockPerSku: 2, minQty: 2, maxQty: 2, arrivalTicks: 40 },
  faults: [
    {
      kind: 'kill',
      component: 'coordinator',
      // Named by the decision, not by the vote that brought it: network faults change which vote comes last.
      when: { on: 'after-commit', actor: 'coordinator', detail: 'COMMIT (every participant voted yes)' },
      downTicks: DOWN_TICKS,
    },
  ],
  expectedStatuses: ['COMPLETED', 'COMPENSATED'],
  expect: ({ snapshot, traceEvents }) => {
    const problems: string[] = [];
    const crash = traceEvents.find((e) => e.kind === 'crash' && e.actor === 'coordinator');
    if (!crash) return ['the coordinator was never killed'];
    // The lesson needs the kill between the decision and its sending: COMMIT logged in the very transaction the crash followed.
    const committed = traceEvents.some(
      (e) => e.kind === 'handle' && e.actor === 'coordinator' && e.tick === crash.tick && /^COMMIT/.test(e.detail ?? ''),
    );
    if (!committed) problems.push('the coordinator died before it decided, not between its decision and telling it');
    // A transaction left in doubt lasts the whole outage: nobody but the coordinator may end it.
    if (!snapshot.sagas.some((s) => s.endedTick !== null && s.endedTick - s.startedTick >= DOWN_TICKS))
      problems.push(`no transaction waited out the coordinator's ${DOWN_TICKS} ticks down`);
    return problems;
  },
};

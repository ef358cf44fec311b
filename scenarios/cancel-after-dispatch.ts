import type { Scenario } from '../src/scenario/index.js';

export const cancelAfterDispatch: Scenario = {
  name: 'cancel-after-dispatch',
  description:
    "The warehouse dispatches a parcel 30 ticks after it is scheduled, and the notification service refuses every send. The first order hears the refusal in time: its shipment is cancelled and it is undone, COMPENSATED. The second order's refusal is held up for 60 ticks; by then its parcel has left, the cancel is refused for good, and the saga stops undoing (refunding goods already on their way would be worse) and is ESCALATED to a person.",
  fault: 'notification.send refused; the second one late, after the parcel left',
  notFor: {
    '2pc':
      'nothing leaves the warehouse before the decision in two-phase commit, and nothing is undone after it: there is no point of no return to cross',
    choreography:
      "its timing is the orchestrator's (the cancel must reach the warehouse after the parcel left); choreographed compensation starts at once",
  },
  lesson: {
    watch: 'Watch two sagas race the warehouse: one hears of the failure before its parcel leaves, the other after.',
    showed:
      'Past the point of no return a step cannot be undone: the saga stops compensating and is ESCALATED to a person, instead of refunding goods already on their way.',
  },
  shop: { orders: 2, stockPerSku: 100 },
  dispatchAfterTicks: 30,
  faults: [
    { kind: 'fail-command', type: 'notification.send', mode: 'fail', times: Infinity },
    { kind: 'delay-delivery', type: 'notification.send', saga: 'saga-002', ticks: 60 },
  ],
  expectedStatuses: ['COMPENSATED', 'ESCALATED'],
  expectedStatusesUnderFaults: ['COMPENSATED', 'ESCALATED'],
  expect: ({ snapshot, schedule }) => {
    const problems: string[] = [];
    const status = new Map(snapshot.sagas.map((s) => [s.id, s.status]));
    // Only its own faults (two refusals and the delay): the first cancel is in time. An overlaid profile may make it late too.
    if (schedule.length === 3 && status.get('saga-001') !== 'COMPENSATED')
      problems.push(`saga-001 ${status.get('saga-001')}, expected COMPENSATED`);
    if (status.get('saga-002') !== 'ESCALATED') problems.push(`saga-002 ${status.get('saga-002')}, expected ESCALATED`);
    for (const s of snapshot.sagas) {
      const shipment = snapshot.shipments.find((x) => x.sagaId === s.id)?.status ?? 'missing';
      if ((s.status === 'ESCALATED') !== (shipment === 'DISPATCHED')) problems.push(`${s.id} ${s.status} with its shipment ${shipment}`);
      if (s.status === 'ESCALATED' && snapshot.refunds.some((r) => r.sagaId === s.id))
        problems.push(`${s.id} refunded although its parcel left`);
      if (s.status === 'ESCALATED' && !snapshot.sagaDeadLetters.some((d) => d.sagaId === s.id && d.command === 'fulfillment.cancel'))
        problems.push(`no dead letter for ${s.id}'s cancel that came too late`);
    }
    return problems;
  },
};

import type { Scenario } from '../src/scenario/index.js';
import { happened } from './expectations.js';

export const crashAfterCommitBeforeAck: Scenario = {
  name: 'crash-after-commit-before-ack',
  description: 'The payment service commits the charge and dies before acking: the broker redelivers, the inbox recognises it, one charge.',
  fault: 'payment killed between commit and ack',
  lesson: {
    watch: 'Watch payment commit the charge and die before it acks.',
    showed: "The broker redelivers what was never acked; the inbox, written in the charge's own transaction, recognises it. One charge.",
  },
  shop: { orders: 2, stockPerSku: 100 },
  faults: [{ kind: 'kill', component: 'payment', when: { on: 'handle', type: 'payment.charge', actor: 'payment' }, downTicks: 120 }],
  expectedStatuses: ['COMPLETED'],
  expect: (outcome) => [
    ...happened(outcome, 'crash', 'payment', 'the crash'),
    ...happened(outcome, 'skip', 'payment', 'the redelivered charge being skipped'),
  ],
};

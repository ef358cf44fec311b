import type { Scenario } from '../src/scenario/index.js';
import { cancelAfterDispatch } from './cancel-after-dispatch.js';
import { compensationExhausted } from './compensation-exhausted.js';
import { compensationRetry } from './compensation-retry.js';
import { concurrentOrders } from './concurrent-orders.js';
import { crashAfterCommitBeforeAck } from './crash-after-commit-before-ack.js';
import { crashBeforePublish } from './crash-before-publish.js';
import { crashDuringCompensation } from './crash-during-compensation.js';
import { coordinatorCrashInDoubt } from './coordinator-crash-in-doubt.js';
import { crashMidPayment } from './crash-mid-payment.js';
import { duplicateDelivery } from './duplicate-delivery.js';
import { duplicateAfterWindow } from './duplicate-after-window.js';
import { duplicateStorm } from './duplicate-storm.js';
import { fulfillmentFails } from './fulfillment-fails.js';
import { fullRestart } from './full-restart.js';
import { happyPath } from './happy-path.js';
import { insufficientStock } from './insufficient-stock.js';
import { manualApproval } from './manual-approval.js';
import { approvalAcrossFullRestart } from './approval-across-full-restart.js';
import { approvalEscalated } from './approval-escalated.js';
import { lateReplyAfterTimeout } from './late-reply-after-timeout.js';
import { lossyNetwork } from './lossy-network.js';
import { notificationFails } from './notification-fails.js';
import { operatorRedrive } from './operator-redrive.js';
import { paymentDeclined } from './payment-declined.js';
import { peakLoad } from './peak-load.js';
import { poisonMessage } from './poison-message.js';
import { reorderAndDelay } from './reorder-and-delay.js';
import { rollingUpgrade } from './rolling-upgrade.js';
import { stuckSagaReconciled } from './stuck-saga-reconciled.js';
import { stepTimeout } from './step-timeout.js';
import { compensationOvertakesStep } from './compensation-overtakes-step.js';
import { transientOutage } from './transient-outage.js';
import { unknownCustomer } from './unknown-customer.js';

/** The catalogue, in the order `saga scenarios` lists it. */
export const SCENARIOS: readonly Scenario[] = [
  happyPath,
  unknownCustomer,
  insufficientStock,
  paymentDeclined,
  fulfillmentFails,
  notificationFails,
  cancelAfterDispatch,
  duplicateDelivery,
  duplicateAfterWindow,
  duplicateStorm,
  lossyNetwork,
  reorderAndDelay,
  crashMidPayment,
  crashBeforePublish,
  crashAfterCommitBeforeAck,
  crashDuringCompensation,
  compensationRetry,
  compensationExhausted,
  operatorRedrive,
  manualApproval,
  approvalEscalated,
  approvalAcrossFullRestart,
  stepTimeout,
  compensationOvertakesStep,
  stuckSagaReconciled,
  transientOutage,
  lateReplyAfterTimeout,
  concurrentOrders,
  poisonMessage,
  fullRestart,
  rollingUpgrade,
  coordinatorCrashInDoubt,
  peakLoad,
];

export { checkWorld } from './check-world.js';
export { type Invariant, type InvariantResult } from './invariant.js';
export {
  approvalBeforeCharge,
  brokerDrained,
  calmRunCompletes,
  compensationOrder,
  deadLettersEarned,
  INVARIANTS,
  moneyConserved,
  refundsWithinCharges,
  sendsWithinPolicy,
  noOrphanReservation,
  nothingStuck,
  notificationOnce,
  orderMatchesSaga,
  sagaTerminal,
  shipmentMatches,
  singleCharge,
  stockConserved,
  stockProblems,
} from './invariants.js';
export { readSnapshot, stockQuery } from './read-snapshot.js';
export type { StockRow, WorldSnapshot } from './world-snapshot.js';

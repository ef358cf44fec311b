export { checkWorld } from './check-world.js';
export { type Invariant, type InvariantResult } from './invariant.js';
export {
  brokerDrained,
  deadLettersEarned,
  INVARIANTS,
  moneyConserved,
  refundsWithinCharges,
  noOrphanReservation,
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

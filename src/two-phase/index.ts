export { COORDINATOR_SNAPSHOT, coordinatorComponent, TRANSACTIONS_VIEW, type TransactionState } from './coordinator.js';
export { participant } from './participant.js';

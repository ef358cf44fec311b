export { COORDINATOR_SNAPSHOT, coordinatorComponent, type TransactionState } from './coordinator.js';
export { participant } from './participant.js';

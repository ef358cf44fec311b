export { orchestratorComponent } from './orchestrator.js';
export { RECONCILER_SNAPSHOT, reconcilerComponent } from './reconciler.js';
export { ORCHESTRATOR_SNAPSHOT, type SagaDeadLettersTable, type SagasTable } from './orchestrator-tables.js';
export { DEFAULT_APPROVAL, DEFAULT_RECONCILIATION, PLACE_ORDER_SAGA, type ApprovalPolicy } from './saga-definition.js';
export { isTerminal, SagaStatus, type DeadLetterKind, type SagaEvent, type SagaState } from './saga-state.js';
export { newSaga, transition } from './transition.js';

export { orchestratorComponent } from './orchestrator.js';
export { ORCHESTRATOR_SNAPSHOT, type SagaDeadLettersTable, type SagasTable } from './orchestrator-tables.js';
export { PLACE_ORDER_SAGA } from './saga-definition.js';
export { SagaStatus, type SagaEvent, type SagaState } from './saga-state.js';
export { newSaga, transition } from './transition.js';

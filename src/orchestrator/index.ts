export { orchestratorComponent, type OrchestratorTimers } from './orchestrator.js';
export { ORCHESTRATOR_MIGRATIONS, type OrchestratorTables } from './orchestrator-tables.js';
export { backoffTicks, PLACE_ORDER_SAGA, type RetryPolicy, type SagaDefinition, type SagaStep } from './saga-definition.js';
export { isTerminal, SagaStatus, TERMINAL_STATUSES, type SagaCommand, type SagaEvent, type SagaState, type Transition, type Waiting } from './saga-state.js';
export { newSaga, transition, type TransitionOptions } from './transition.js';

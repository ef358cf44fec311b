export {
  runToEnd,
  simulate,
  simulation,
  type OpenDatabases,
  type RunOutcome,
  type SimulationImage,
  type SimulationOptions,
  type TickBoundary,
} from './simulation.js';
export { componentDefinitions, FROM_RESTART, World, type Coordination } from './world.js';
export { type OrderRequest, type Workload } from './workload.js';
export { decisionDetail, operatorDetail, operatorMessage, type OperatorScript, type OperatorVerb } from './scripted-operator.js';

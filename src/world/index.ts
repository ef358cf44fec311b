export {
  runToEnd,
  simulate,
  simulation,
  type RunOutcome,
  type SimulationImage,
  type SimulationOptions,
  type TickBoundary,
} from './simulation.js';
export { componentDefinitions, World } from './world.js';
export { type Workload } from './workload.js';
export { operatorDetail, operatorMessage, type OperatorScript } from './scripted-operator.js';

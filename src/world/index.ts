export { runToEnd, simulate, simulation, type RunOutcome } from './simulation.js';
export { componentDefinitions, World } from './world.js';
export { type Workload } from './workload.js';

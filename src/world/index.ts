export { simulate, type RunOutcome, type SimulationOptions } from './simulation.js';
export { World, type WorldOptions } from './world.js';
export { orderAmountCents, type OrderRequest, type Workload } from './workload.js';

// What a scenario file may import at run time: the few helpers below. Everything else it takes from src is types.
export { COMPONENTS } from '../protocol/index.js';
export { DEFAULT_DATA_ROOT, runScenario, type RunRequest, type ScenarioResult } from './run-scenario.js';
export type { Scenario, WorkloadOverrides } from './scenario.js';
export { DEFAULT_SHOP, shopWorkload, type ShopOptions } from './shop-workload.js';
export { percentile, summarizeServices, type ServicesSummary } from './summarize.js';
export { runCrashMatrix, type CrashMatrixRow, type CrashPoint } from './crash-matrix.js';
export { runDefenceAb, type AbRow } from './defence-ab.js';

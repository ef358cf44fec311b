// Scenario files import at run time only COMPONENTS, percentile and shopWorkload from here; everything else they take is types.
export { COMPONENTS } from '../protocol/index.js';
export { DEFAULT_DATA_ROOT, runRecipe, runScenario, type RunRequest, type ScenarioResult } from './run-scenario.js';
export type { Scenario, WorkloadOverrides } from './scenario.js';
export { DEFAULT_SHOP, shopWorkload, type ShopOptions } from './shop-workload.js';
export { percentile, summarizeServices, type ServicesSummary } from './summarize.js';
export { runCrashMatrix, type CrashMatrixRow, type CrashPoint } from './crash-matrix.js';
export { runDefenceAb, type AbRow } from './defence-ab.js';
export { disabledOf, formatRecipe, type Recipe } from './recipe.js';

// Scenario files import at run time only STYLE_COMPONENTS, COMPENSATIONS and percentile from here; everything else they take is types.
export { COMPENSATIONS, sagaEventsOf, serviceFactsOf, STYLE_COMPONENTS } from '../protocol/index.js';
export { runRecipe, runScenario, scenarioRun, type RunRequest, type ScenarioResult, type ScenarioRun } from './run-scenario.js';
export { firstStyleFor, notApplicable, type Scenario, type WorkloadOverrides } from './scenario.js';
export { shopWorkload } from './shop-workload.js';
export { percentile } from './summarize.js';
export {
  crashPointScenario,
  describeCrashPoint,
  planCrashMatrix,
  runCrashMatrix,
  runCrashPoint,
  type CrashMatrixRow,
  type PlannedCrash,
} from './crash-matrix.js';
export { runAbRow, runDefenceAb, type AbRow } from './defence-ab.js';
export { coordinationOf, formatRecipe, replayLine, styleShape, type Recipe } from './recipe.js';
export { cleanRunDirs, finishRunDir, heldBy, listRunDirs, readRunInfo, type RunInfo } from './run-dir.js';
export { readWorldFile, writeWorldFile } from './world-file.js';
export { STOP_WHEN, stopWatch, type StopRule } from './stop-rule.js';
export { compareStyles, COMPARED_STYLES, type ComparedStyle, type StyleRow } from './compare.js';

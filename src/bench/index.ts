export { benchWorkload, runSagaBench, type BenchResult } from './saga-bench.js';
export { measureSqliteCeiling, MIN_COMMITS_PER_SAGA } from './sqlite-ceiling.js';
export { measureSqlFloor } from './sql-floor.js';

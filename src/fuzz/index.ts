export { COVERAGE_PATHS, coveragePathsOf } from './coverage.js';
export { generateCase } from './fuzz-case.js';
export { readReplayFile, writeReplayFile } from './replay-file.js';
export { caseInput, runCase } from './run-case.js';
export { ddmin, shrink } from './shrink.js';
export { seedsOf, styleOf, type SweepSummary } from './sweep.js';
export { readJsonFile, SWEEP_SUMMARY_SCHEMA } from './file-schemas.js';
export { mergeShards } from './merge.js';
export { fuzz, type FuzzReport } from './fuzz.js';

export { COVERAGE_PATHS, CoverageTracker, type CoveragePath } from './coverage.js';
export { FUZZ_FAULT_PHASE_TICKS, FUZZ_MAX_TICKS, generateCase, type FuzzCase } from './fuzz-case.js';
export { FAILURES_DIR, readReplayFile, REPLAY_FORMAT, writeReplayFile, type ReplayFile } from './replay-file.js';
export { caseInput, runCase, type CaseInput, type CaseResult } from './run-case.js';
export { ddmin, shrink, type NotReproduced, type Shrunk } from './shrink.js';
export { mergeSummaries, runSeed, seedsOf, summarize, type SeedOutcome, type SeedRange, type SweepSummary } from './sweep.js';
export { runSeeds } from './worker-pool.js';
export { fuzz, type FuzzOptions, type FuzzReport, type ShrunkFailure } from './fuzz.js';

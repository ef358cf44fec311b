export { VirtualClock, type Clock } from './clock.js';
export { forkRng, type Rng } from './random.js';
export { Scheduler } from './scheduler.js';
export { MinHeap } from './min-heap.js';
export { Trace, formatTraceEvent, type TraceEvent, type TraceFact, type TraceKind } from './trace.js';
export { wallClockMs } from './wall-clock.js';
export { FAULT_FAMILIES, fuzzCaseStreams, randomStreams, type FaultFamily, type RandomStreams } from './streams.js';

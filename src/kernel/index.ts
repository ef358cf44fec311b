export { VirtualClock, type Clock } from './clock.js';
export type { Rng } from './random.js';
export { Scheduler } from './scheduler.js';
export { MinHeap } from './min-heap.js';
export { Trace, formatTraceEvent, type TraceEvent, type TraceKind } from './trace.js';
export { wallClockMs } from './wall-clock.js';
export { fuzzCaseStreams, randomStreams, type FaultFamily } from './streams.js';
export { nextTurn } from './event-loop.js';
export { plural } from './words.js';

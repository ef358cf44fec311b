export { VirtualClock, type Clock } from './clock.js';
export type { Rng, RngState } from './random.js';
export { Scheduler, type SchedulerImage, type TimerData } from './scheduler.js';
export { MinHeap } from './min-heap.js';
export { Trace, digestOf, formatTraceEvent, type TraceEvent, type TraceImage, type TraceKind } from './trace.js';
export { wallClockMs } from './wall-clock.js';
export { fuzzCaseStreams, randomStreams, type FaultFamily, type StreamsImage } from './streams.js';
export { nextTurn } from './event-loop.js';
export { plural } from './words.js';

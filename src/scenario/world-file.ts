import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { digestOf, type TraceEvent } from '../kernel/index.js';
import type { SimulationImage } from '../world/index.js';

const WORLD_FILE = 'world.json';
const TRACE_FILE = 'trace.jsonl';

/** Raised with each change to what a world image holds: a file of another format is refused, never half-read. */
const WORLD_FILE_FORMAT = 1;

/** Trace events written to disk per write call: a long run's trace never becomes one giant string. */
const EVENTS_PER_WRITE = 10_000;

/** What `world.json` holds: the build and format that wrote it, and the world without its trace's events (those are in trace.jsonl). */
interface WorldFile {
  readonly format: number;
  readonly build: string;
  readonly tick: number;
  readonly image: Omit<SimulationImage, 'world'> & {
    readonly world: Omit<SimulationImage['world'], 'trace'> & {
      readonly trace: { readonly listenerFailures: readonly string[]; readonly digest: string; readonly events: number };
    };
  };
}

/** JSON has no Infinity (a scripted fault's `times` can be): written as a marker no other value takes, and read back. */
const keepInfinity = (_key: string, value: unknown): unknown =>
  value === Infinity ? { infinity: 1 } : value === -Infinity ? { infinity: -1 } : value;
const restoreInfinity = (_key: string, value: unknown): unknown =>
  value !== null && typeof value === 'object' && Object.keys(value).length === 1 && 'infinity' in value
    ? (value as { infinity: number }).infinity * Infinity
    : value;

/**
 * Writes a world into its run directory, stopped or settled: with the seven databases,
 * everything a new process needs to carry it on, and everything an operator reads of it
 * (`world.json`: queues, timers, generators, fault counters; `trace.jsonl`: every event so
 * far, one per line). Each is written to a temporary file and renamed into place, the trace
 * first: world.json names the trace's length and digest, so a trace that does not belong
 * to it is found out when it is read.
 */
export function writeWorldFile(dir: string, image: SimulationImage, build: string): void {
  const { events, ...trace } = image.world.trace;
  const tracePartial = join(dir, `${TRACE_FILE}.partial`);
  const fd = openSync(tracePartial, 'w');
  try {
    for (let from = 0; from < events.length; from += EVENTS_PER_WRITE) {
      const lines = events.slice(from, from + EVENTS_PER_WRITE).map((e) => JSON.stringify(e) + '\n');
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
  const file: WorldFile = {
    format: WORLD_FILE_FORMAT,
    build,
    tick: image.world.tick,
    image: { ...image, world: { ...image.world, trace: { ...trace, events: events.length } } },
  };
  const worldPartial = join(dir, `${WORLD_FILE}.partial`);
  writeFileSync(worldPartial, JSON.stringify(file, keepInfinity));
  renameSync(tracePartial, join(dir, TRACE_FILE));
  renameSync(worldPartial, join(dir, WORLD_FILE));
}

/** Whether a run directory holds a world it can carry on from. */
export function hasWorldFile(dir: string): boolean {
  return existsSync(join(dir, WORLD_FILE));
}

/** The world in a run directory, or why it cannot be read (one sentence, what to do next). */
export function readWorldFile(
  dir: string,
  build: string,
): { readonly image: SimulationImage; readonly tick: number } | { readonly problem: string } {
  const path = join(dir, WORLD_FILE);
  let file: Partial<WorldFile> | null;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'), restoreInfinity) as Partial<WorldFile> | null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return {
        problem: `${dir} holds no stopped world to resume: only a run stopped with --stop-at, --stop-when or Ctrl-C on file storage can be resumed.`,
      };
    return { problem: `${path} cannot be read (${(error as Error).message}); the stopped world is damaged and cannot be resumed.` };
  }
  if (
    !file ||
    typeof file !== 'object' ||
    file.format !== WORLD_FILE_FORMAT ||
    typeof file.build !== 'string' ||
    typeof file.tick !== 'number'
  )
    return { problem: `${path} is not a stopped world this build can read; start a new run.` };
  if (file.build !== build)
    return {
      problem: `${dir} was stopped by build ${file.build} and this is build ${build}: resume it with the build that stopped it, or start a new run.`,
    };
  const stored = file.image?.world?.trace;
  const events = readTraceFile(dir);
  if (!stored || events === null || events.length !== stored.events || digestOf(events) !== stored.digest)
    return { problem: `${join(dir, TRACE_FILE)} does not match ${WORLD_FILE}: the stopped world is damaged and cannot be resumed.` };
  const image = { ...file.image!, world: { ...file.image!.world, trace: { ...stored, events } } } as SimulationImage;
  return { image, tick: file.tick };
}

/** The trace a run directory holds (every event so far, in order), or null when it has none or it cannot be read. */
function readTraceFile(dir: string): TraceEvent[] | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, TRACE_FILE));
  } catch {
    return null;
  }
  const events: TraceEvent[] = [];
  try {
    // Line by line from the bytes: a long run's trace would not fit in one string.
    for (let start = 0; start < bytes.length;) {
      const end = bytes.indexOf(10, start);
      const stop = end < 0 ? bytes.length : end;
      if (stop > start) events.push(JSON.parse(bytes.toString('utf8', start, stop)) as TraceEvent);
      start = stop + 1;
    }
  } catch {
    return null;
  }
  return events;
}

/** Forgets the stopped world once a process carries it on: its databases move on, and the image would no longer match them. */
export function dropWorldFile(dir: string): void {
  rmSync(join(dir, WORLD_FILE), { force: true });
  rmSync(join(dir, TRACE_FILE), { force: true });
}

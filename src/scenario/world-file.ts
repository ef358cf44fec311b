import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulationImage } from '../world/index.js';

const WORLD_FILE = 'world.json';

/** Raised with each change to what a world image holds: a file of another format is refused, never half-read. */
const WORLD_FILE_FORMAT = 1;

/** JSON has no Infinity (a scripted fault's `times` can be): written as a marker no other value takes, and read back. */
const INFINITY = { infinity: 1 };
const keepInfinity = (_key: string, value: unknown): unknown =>
  value === Infinity ? INFINITY : value === -Infinity ? { infinity: -1 } : value;
const restoreInfinity = (_key: string, value: unknown): unknown =>
  value !== null && typeof value === 'object' && Object.keys(value).length === 1 && 'infinity' in value
    ? (value as { infinity: number }).infinity * Infinity
    : value;

/** What `world.json` holds: the build and format that wrote it, and the stopped world. */
interface WorldFile {
  readonly format: number;
  readonly build: string;
  readonly tick: number;
  readonly image: SimulationImage;
}

/**
 * Writes a stopped world into its run directory: with the six databases, everything a new
 * process needs to carry it on (`world.json`: queues, timers, generators, fault counters,
 * the trace so far). Written whole or not at all: a temporary file renamed into place.
 */
export function writeWorldFile(dir: string, image: SimulationImage, build: string): void {
  const file: WorldFile = { format: WORLD_FILE_FORMAT, build, tick: image.world.tick, image };
  const temporary = join(dir, `${WORLD_FILE}.partial`);
  writeFileSync(temporary, JSON.stringify(file, keepInfinity));
  renameSync(temporary, join(dir, WORLD_FILE));
}

/** Whether a run directory holds a stopped world it can carry on from. */
export function hasWorldFile(dir: string): boolean {
  return existsSync(join(dir, WORLD_FILE));
}

/** The stopped world in a run directory, or why it cannot be carried on (one sentence, what to do next). */
export function readWorldFile(
  dir: string,
  build: string,
): { readonly image: SimulationImage; readonly tick: number } | { readonly problem: string } {
  let file: Partial<WorldFile> | null;
  try {
    file = JSON.parse(readFileSync(join(dir, WORLD_FILE), 'utf8'), restoreInfinity) as Partial<WorldFile> | null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return {
        problem: `${dir} holds no stopped world to resume: only a run stopped with --stop-at, --stop-when or Ctrl-C on file storage can be resumed.`,
      };
    return {
      problem: `${join(dir, WORLD_FILE)} cannot be read (${(error as Error).message}); the stopped world is damaged and cannot be resumed.`,
    };
  }
  if (
    !file ||
    typeof file !== 'object' ||
    file.format !== WORLD_FILE_FORMAT ||
    typeof file.build !== 'string' ||
    !file.image ||
    typeof file.tick !== 'number'
  )
    return { problem: `${join(dir, WORLD_FILE)} is not a stopped world this build can read; start a new run.` };
  if (file.build !== build)
    return {
      problem: `${dir} was stopped by build ${file.build} and this is build ${build}: resume it with the build that stopped it, or start a new run.`,
    };
  return { image: file.image, tick: file.tick };
}

/** Forgets the stopped world once a process carries it on: its databases move on, and the image would no longer match them. */
export function dropWorldFile(dir: string): void {
  rmSync(join(dir, WORLD_FILE), { force: true });
}

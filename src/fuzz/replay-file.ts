import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptedFault } from '../chaos/index.js';
import { DEFENCE_NAMES, type DefenceName } from '../defences/index.js';
import type { Workload } from '../world/index.js';

export const REPLAY_FORMAT = 'saga-lab-replay/1';
export const FAILURES_DIR = join('.saga', 'failures');

/** Everything needed to rerun a failing schedule exactly: no generator is consulted on replay. */
export interface ReplayFile {
  readonly format: typeof REPLAY_FORMAT;
  /** The saga-lab version that found it. */
  readonly build: string;
  readonly seed: number;
  readonly disabled: readonly DefenceName[];
  readonly invariant: string;
  readonly detail: string;
  readonly workload: Workload;
  readonly schedule: readonly ScriptedFault[];
  /** The trace digest of the shrunk run; a replay must match it. */
  readonly digest: string;
}

/** Writes a replay file and returns its path. */
export function writeReplayFile(replay: ReplayFile, dir = FAILURES_DIR): string {
  mkdirSync(dir, { recursive: true });
  const suffix = replay.disabled.length ? `-without-${replay.disabled.join('-')}` : '';
  const path = join(dir, `${replay.invariant}-seed${replay.seed}${suffix}.json`);
  writeFileSync(path, JSON.stringify(replay, null, 2) + '\n');
  return path;
}

/** Reads and checks a replay file; throws an Error with a sentence a user can act on. */
export function readReplayFile(path: string): ReplayFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not valid JSON';
    throw new Error(`Cannot read replay file ${path}: ${why}.`);
  }
  const r = data as Partial<ReplayFile>;
  if (r.format !== REPLAY_FORMAT)
    throw new Error(`${path} is not a saga-lab replay file (format '${String(r.format)}', expected '${REPLAY_FORMAT}').`);
  if (
    !Number.isSafeInteger(r.seed) ||
    !Array.isArray(r.schedule) ||
    !r.workload ||
    !Array.isArray(r.workload.orders) ||
    typeof r.invariant !== 'string'
  ) {
    throw new Error(`${path} is missing its seed, workload, schedule or invariant.`);
  }
  if (!Array.isArray(r.disabled) || r.disabled.some((d) => !DEFENCE_NAMES.includes(d)))
    throw new Error(`${path} names an unknown defence.`);
  return r as ReplayFile;
}

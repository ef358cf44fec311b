import { writeFileSync } from 'node:fs';
import { makeFolders } from '../store/index.js';
import { join } from 'node:path';
import type { ScriptedFault } from '../chaos/index.js';
import { defenceFlag, type DefenceName } from '../defences/index.js';
import type { Coordination, Workload } from '../world/index.js';
import { readJsonFile, REPLAY_FILE_SCHEMA } from './file-schemas.js';

export const REPLAY_FORMAT = 'saga-lab-replay/1';
export const FAILURES_DIR = join('.saga', 'failures');

/** Everything needed to rerun a failing schedule exactly: no generator is consulted on replay. */
export interface ReplayFile {
  readonly format: typeof REPLAY_FORMAT;
  /** The saga-lab version that found it. */
  readonly build: string;
  readonly seed: number;
  readonly disabled: readonly DefenceName[];
  /** How the sagas were coordinated, when not orchestrated (files from before styles have none). */
  readonly coordination?: Coordination;
  readonly invariant: string;
  readonly detail: string;
  readonly workload: Workload;
  readonly schedule: readonly ScriptedFault[];
  /** The trace digest of the shrunk run; a replay must match it. */
  readonly digest: string;
}

/** Writes a replay file and returns its path. */
export function writeReplayFile(replay: ReplayFile, dir = FAILURES_DIR): string {
  makeFolders(dir);
  const style = replay.coordination
    ? `-${replay.coordination.style}${replay.coordination.compensator === 'services' ? '-services' : ''}`
    : '';
  const suffix = replay.disabled.length ? `-without-${replay.disabled.map(defenceFlag).join('-')}` : '';
  const path = join(dir, `${replay.invariant}-seed${replay.seed}${style}${suffix}.json`);
  writeFileSync(path, JSON.stringify(replay, null, 2) + '\n');
  return path;
}

/** Reads and checks a replay file; throws a BadFileError with a sentence a user can act on, naming the field at fault. */
export function readReplayFile(path: string): ReplayFile {
  return readJsonFile(path, REPLAY_FILE_SCHEMA, 'saga-lab replay file') as ReplayFile;
}

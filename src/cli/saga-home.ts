import { existsSync, statSync } from 'node:fs';
import { makeFolders, nearestExisting } from '../store/index.js';
import { dirname, join, resolve } from 'node:path';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';
import { quote } from './user-text.js';

/**
 * Where runs, replay files and benchmark databases go: `SAGA_HOME` when set; else the `.saga`
 * folder of the project the command runs in (the nearest folder up from here that has a
 * `.saga`, a package.json or a .git), so a run started from a subfolder does not scatter
 * `.saga` folders around.
 */
function sagaHome(io: Pick<CliIo, 'env' | 'cwd'>): string {
  if (io.env.SAGA_HOME) return io.env.SAGA_HOME;
  const start = resolve(io.cwd ?? process.cwd());
  for (let dir = start; ; dir = dirname(dir)) {
    if (['.saga', 'package.json', '.git'].some((marker) => existsSync(join(dir, marker)))) return join(dir, '.saga');
    if (dirname(dir) === dir) return join(start, '.saga');
  }
}

/** The folders under it, by what they hold. */
export function sagaDir(io: Pick<CliIo, 'env' | 'cwd'>, what: 'runs' | 'failures' | 'bench'): string {
  return join(sagaHome(io), what);
}

/** Makes `dir` (and its parents) for the command's files, or refuses in one sentence: it is where the user pointed, and only they can fix it. */
export function ensureFolder(dir: string): string {
  try {
    makeFolders(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`Cannot make folders under ${quote(dir, 120)} (${code}); point --dir or SAGA_HOME at a folder you can write.`);
  }
  return dir;
}

/** Refuses a folder to read from when it, or the nearest part of its path that exists, is not a folder (SAGA_HOME naming a file, say). */
export function readableFolder(dir: string, pointedBy: '--dir' | 'SAGA_HOME' = 'SAGA_HOME'): string {
  const existing = nearestExisting(dir);
  if (!statSync(existing).isDirectory())
    throw new UsageError(`${quote(existing, 120)} is not a folder; point ${pointedBy} at the folder that holds your runs.`);
  return dir;
}

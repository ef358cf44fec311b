import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CliIo } from './cli-io.js';

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

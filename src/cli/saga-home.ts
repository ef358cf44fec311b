import { join } from 'node:path';

/** Where runs, replay files and benchmark databases go: `SAGA_HOME` when set, else `.saga`. */
function sagaHome(env: NodeJS.ProcessEnv): string {
  return env.SAGA_HOME || '.saga';
}

/** The folders under it, by what they hold. */
export function sagaDir(env: NodeJS.ProcessEnv, what: 'runs' | 'failures' | 'bench'): string {
  return join(sagaHome(env), what);
}

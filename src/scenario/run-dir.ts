import { UserError } from '../kernel/index.js';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { makeFolders } from '../store/index.js';
import { join } from 'node:path';
import { defenceFlag } from '../defences/index.js';
import { formatRecipe, type Recipe } from './recipe.js';

/**
 * A run's directory: one SQLite file per component, `run.json` (what the run was and how it
 * ended) and, while a process is running it, `run.lock` with that process's id.
 *
 * Directories are never reused or wiped: each run makes a new one, named after everything
 * that shaped it (scenario, seed, and any overrides), with `-2`, `-3`... when that name is
 * taken. So two runs never write into each other, and a database someone has open in
 * sqlite3 is never deleted under them; `saga runs clean` removes finished runs.
 */
export interface RunInfo {
  readonly recipe: Recipe;
  readonly build: string;
  /** finished: it ran to its end; stopped: it was stopped between two ticks (its databases hold the world as it was then). */
  readonly status: 'running' | 'finished' | 'stopped';
  readonly ok?: boolean;
  readonly digest?: string;
  /** A stopped run whose world was written down (`world.json`): `saga resume` carries it on. */
  readonly resumable?: boolean;
}

const RUN_FILE = 'run.json';
const LOCK_FILE = 'run.lock';

/** The directory name for a run: what shaped it, readable, safe on every file system. */
function runDirName(recipe: Recipe): string {
  if (recipe.command !== 'run') return recipe.command;
  const parts = [recipe.scenario, `seed${recipe.seed}`];
  if (recipe.orders !== undefined) parts.push(`orders${recipe.orders}`);
  if (recipe.stock !== undefined) parts.push(`stock${recipe.stock}`);
  if (recipe.faults !== undefined) parts.push(recipe.faults);
  if (recipe.disabled.length > 0) parts.push(`without-${recipe.disabled.map(defenceFlag).join('-')}`);
  return parts.join('-').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A run directory that could not be made where the user pointed: theirs to fix (exit 2), not a failure of the tool. */
class RunDirUnavailable extends UserError {
  constructor(root: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    super(`Cannot make a run directory under ${root} (${code}); point --dir or SAGA_HOME at a folder you can write.`);
    this.name = 'RunDirUnavailable';
  }
}

/** Makes a new, empty directory for a run under `root`, locked by this process, and records what the run is. */
export function createRunDir(root: string, recipe: Recipe, build: string): string {
  const base = runDirName(recipe);
  try {
    makeFolders(root);
    for (let n = 1; ; n++) {
      const dir = join(root, n === 1 ? base : `${base}-${n}`);
      try {
        // Not recursive: creating it is how a run claims the name, so two runs cannot share it.
        mkdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`);
      writeRunInfo(dir, { recipe, build, status: 'running' });
      return dir;
    }
  } catch (error) {
    throw new RunDirUnavailable(root, error);
  }
}

/** Takes a stopped run's directory back to carry the run on, locked by this process. */
export function claimRunDir(dir: string, recipe: Recipe, build: string): string {
  writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n`);
  writeRunInfo(dir, { recipe, build, status: 'running' });
  return dir;
}

/** Records how the run ended and releases the directory. */
export function finishRunDir(dir: string, info: RunInfo): void {
  writeRunInfo(dir, info);
  rmSync(join(dir, LOCK_FILE), { force: true });
}

function writeRunInfo(dir: string, info: RunInfo): void {
  writeFileSync(join(dir, RUN_FILE), JSON.stringify({ ...info, replay: formatRecipe(info.recipe) }, null, 2) + '\n');
}

/** A run directory as `saga runs` sees it. */
export interface RunDirEntry {
  readonly name: string;
  readonly path: string;
  /**
   * finished, stopped (by Ctrl-C, between two ticks), running (its process is alive),
   * abandoned (its process died before it finished), or unreadable (its run.json cannot be
   * read: nothing says what it is, so nothing removes it).
   */
  readonly state: 'finished' | 'stopped' | 'running' | 'abandoned' | 'unreadable';
  readonly info: RunInfo | null;
}

/** What `run.json` says, or null when the directory has none or it cannot be read as one. */
export function readRunInfo(dir: string): RunInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(dir, RUN_FILE), 'utf8')) as Partial<RunInfo> | null;
    const known = ['running', 'finished', 'stopped'];
    if (!info || typeof info.recipe?.command !== 'string' || !known.includes(info.status ?? '') || typeof info.build !== 'string')
      return null;
    return info as RunInfo;
  } catch {
    return null;
  }
}

/** Whether a live process holds the run directory (its `run.lock` names a process that exists). */
export function heldBy(dir: string): number | null {
  const pid = lockPid(dir);
  return pid !== null && alive(pid) ? pid : null;
}

/** The run directories under `root`, by name; anything else there (a file, a link) is left out. */
export function listRunDirs(root: string): RunDirEntry[] {
  if (!existsSync(root)) return [];
  const entries: RunDirEntry[] = [];
  for (const name of readdirSync(root).sort()) {
    const path = join(root, name);
    if (!lstatSync(path).isDirectory() || !existsSync(join(path, RUN_FILE))) continue;
    const info = readRunInfo(path);
    const state = lockState(path);
    entries.push({
      name,
      path,
      state:
        state === 'running' ? state : info === null ? 'unreadable' : state === 'finished' && info.status === 'stopped' ? 'stopped' : state,
      info,
    });
  }
  return entries;
}

/** Removes the finished, stopped and abandoned run directories under `root` (never one a live process holds or one it cannot read, never through a link). */
export function cleanRunDirs(root: string): { removed: string[]; kept: string[] } {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const entry of listRunDirs(root)) {
    if (entry.state === 'running' || entry.state === 'unreadable') {
      kept.push(entry.name);
      continue;
    }
    rmSync(entry.path, { recursive: true, force: true });
    removed.push(entry.name);
  }
  return { removed, kept };
}

function lockState(dir: string): RunDirEntry['state'] {
  const pid = lockPid(dir);
  if (pid === null) return 'finished';
  return alive(pid) ? 'running' : 'abandoned';
}

/** The process id in `run.lock`, or null when there is no lock. */
function lockPid(dir: string): number | null {
  try {
    return Number(readFileSync(join(dir, LOCK_FILE), 'utf8').trim());
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    // Signal 0 asks only whether the process exists.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

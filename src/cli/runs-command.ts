import { cleanRunDirs, formatRecipe, listRunDirs } from '../scenario/index.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { readableFolder, sagaDir } from './saga-home.js';
import { makeStyle, makeTable } from './style.js';
import { UsageError } from './usage-error.js';
import { plural, quote } from './user-text.js';

export interface RunsOptions {
  readonly json?: boolean;
  /** The folder `saga run --dir` made its runs under, instead of .saga/runs. */
  readonly dir?: string;
}

/** `saga runs list` and `saga runs clean`: the run directories `saga run --storage file` left, and their removal. */
export function runsCommand(action: string | undefined, options: RunsOptions, io: CliIo): ExitCode {
  const root = options.dir !== undefined ? readableFolder(options.dir, '--dir') : readableFolder(sagaDir(io, 'runs'));
  if (action === undefined || action === 'list') {
    const runs = listRunDirs(root);
    if (options.json) {
      io.out(
        JSON.stringify(
          runs.map((r) => ({
            name: r.name,
            path: r.path,
            state: r.state,
            resumable: r.state === 'stopped' && r.info?.resumable === true,
            ok: r.info?.ok ?? null,
            digest: r.info?.digest ?? null,
            recipe: r.info?.recipe ?? null,
          })),
          null,
          2,
        ) + '\n',
      );
      return EXIT.held;
    }
    if (runs.length === 0) {
      io.out(`No runs under ${root}. 'saga run --scenario <name>' makes one.\n`);
      return EXIT.held;
    }
    const c = makeStyle(io.env);
    const rows = runs.map((r) => {
      const result = r.info?.ok === undefined ? '-' : r.info.ok ? c.green('PASS') : c.red('FAIL');
      // A stopped run that wrote its world down is listed as what it is for: `saga resume` carries it on.
      const state = r.state === 'stopped' && r.info?.resumable ? 'resumable' : r.state;
      return [r.name, state, result, r.info ? formatRecipe(r.info.recipe) : '-'];
    });
    // Names and replay commands are copied whole, never wrapped: what does not fit the width is left to run.json and --json.
    const width = outputWidth(io);
    const widest = (i: number): number => Math.max(...rows.map((row) => row[i]!.length)) + 2;
    const tableWidth = (columns: number): number => [widest(0), 11, 8, widest(3)].slice(0, columns).reduce((n, w) => n + w + 1, 1);
    const columns = tableWidth(4) <= width ? 4 : tableWidth(3) <= width ? 3 : 0;
    if (columns > 0) {
      const table = makeTable(['run', 'state', 'result', 'replay'].slice(0, columns));
      table.push(...rows.map((row) => row.slice(0, columns)));
      io.out(`${table.toString()}\n`);
    } else for (const [name, state, result] of rows) io.out(`${name}\n  ${state}, ${result}\n`);
    io.out(`${plural(runs.length, 'run')} under ${root}\n`);
    if (columns < 4) io.out(c.dim(`Each run's replay command is in its run.json and in --json.\n`));
    return EXIT.held;
  }
  if (action === 'clean') {
    const { removed, kept } = cleanRunDirs(root);
    if (options.json) io.out(JSON.stringify({ removed, kept }, null, 2) + '\n');
    else {
      io.out(`Removed ${plural(removed.length, 'run')} from ${root}.\n`);
      if (kept.length > 0)
        io.out(`Kept ${plural(kept.length, 'run')} still running or with a run.json it cannot read: ${kept.join(', ')}.\n`);
    }
    return EXIT.held;
  }
  throw new UsageError(`saga runs takes 'list' or 'clean', not ${quote(action)}.`);
}

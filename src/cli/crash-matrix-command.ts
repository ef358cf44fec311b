import { defenceFlag, withDisabled } from '../defences/index.js';
import { replayLine, runCrashMatrix, type Recipe } from '../scenario/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { parseDisabled, parseSeed } from './parse-options.js';
import { makeProgress } from './progress.js';
import { makeStyle, makeTable } from './style.js';

export interface CrashMatrixOptions {
  readonly seed: string;
  readonly json?: boolean;
  readonly disable?: string[];
}

/** `saga crash-matrix`: one row per crash point; exit 0 only if every row passes. */
export function crashMatrixCommand(options: CrashMatrixOptions, io: CliIo): ExitCode {
  const seed = parseSeed(options.seed);
  const disabled = parseDisabled(options.disable);
  const progress = makeProgress(io, options.json === true);
  const rows = runCrashMatrix(seed, withDisabled(disabled), (n) => progress.show(`crash-matrix: ${n} crash points run`));
  progress.end();
  const failed = rows.filter((r) => !r.ok).length;
  const recipe: Recipe = { command: 'crash-matrix', seed, disabled };
  if (options.json) {
    io.out(JSON.stringify({ seed, disabled: disabled.map(defenceFlag), rows: rows.length, failed, points: rows, recipe }, null, 2) + '\n');
  } else {
    const c = makeStyle(io.env);
    const table = makeTable(['component', 'crash', 'after', 'saga ended', 'result'], [14, 15, 48, 13, 60], outputWidth(io));
    for (const r of rows) {
      const after = `${r.point.type}${r.point.nth > 1 ? ` #${r.point.nth}` : ''}${r.point.compensating ? ' (compensating)' : ''}`;
      const verdict = r.ok ? c.green('pass') : c.red.bold('FAIL ') + r.failed.map((f) => `${f.name}: ${f.detail}`).join('; ');
      table.push([r.point.component, r.point.moment, after, r.statuses.join(', '), verdict]);
    }
    io.out(table.toString() + '\n');
    io.out(`${failed === 0 ? c.green.bold('PASS') : c.red.bold('FAIL')}  ${rows.length - failed} of ${rows.length} crash points passed\n`);
    io.out(c.dim(`${replayLine(recipe)}\n`));
  }
  return failed === 0 ? EXIT.held : EXIT.violated;
}

import { defenceFlag, withDisabled } from '../defences/index.js';
import { nextTurn } from '../kernel/index.js';
import {
  coordinationOf,
  crashPointScenario,
  describeCrashPoint,
  formatRecipe,
  planCrashMatrix,
  replayLine,
  runCrashPoint,
  type CrashMatrixRow,
  type PlannedCrash,
  styleShape,
  type Recipe,
} from '../scenario/index.js';
import { drawScenario, type ReportRun } from '../report/index.js';
import { reportPath, writeReport } from './html-option.js';
import { listenForInterrupts } from './interrupts.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { orchestratorOnly, parseCoordination, parseDisabled, parseSeed } from './parse-options.js';
import { makeProgress } from './progress.js';
import { makeStyle, makeTable } from './style.js';

export interface CrashMatrixOptions {
  readonly seed: string;
  readonly json?: boolean;
  readonly disable?: string[];
  readonly html?: string;
  readonly style?: string;
  readonly compensator?: string;
}

/** A report draws at most this many failing points (each is run again, watched); the table lists them all. */
const DRAWN_POINTS = 30;

/** `saga crash-matrix`: one row per crash point; exit 0 only if every row passes. Ctrl-C reports the rows run so far. */
export async function crashMatrixCommand(options: CrashMatrixOptions, io: CliIo): Promise<ExitCode> {
  const seed = parseSeed(options.seed);
  const disabled = parseDisabled(options.disable);
  const coordination = parseCoordination(options.style, options.compensator);
  if (coordination && options.html !== undefined) throw orchestratorOnly('--html');
  const html = options.html === undefined ? undefined : reportPath(options.html);
  const progress = makeProgress(io, options.json === true);
  const interrupts = listenForInterrupts(io, progress, 'crash point');
  const planned = planCrashMatrix(seed, coordination);
  const rows: CrashMatrixRow[] = [];
  try {
    for (const point of planned) {
      if (interrupts.heard) break;
      rows.push(runCrashPoint(point, seed, withDisabled(disabled)));
      progress.show(`crash-matrix: ${rows.length}/${planned.length} crash points run`);
      await nextTurn();
    }
  } finally {
    interrupts.stop();
  }
  progress.end();
  const failed = rows.filter((r) => !r.ok).length;
  const recipe: Recipe = { command: 'crash-matrix', seed, disabled, ...styleShape(coordination) };
  const unwritten = html ? writeMatrixReport(html, planned, rows, recipe, io) : null;
  if (options.json) {
    const stopped = rows.length < planned.length ? { by: interrupts.heard, planned: planned.length } : null;
    io.out(
      JSON.stringify(
        {
          seed,
          disabled: disabled.map(defenceFlag),
          coordination: coordinationOf(recipe),
          rows: rows.length,
          failed,
          points: rows,
          recipe,
          stopped,
          ...(html && !unwritten ? { report: html } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const c = makeStyle(io.env);
    const table = makeTable(
      ['component', 'crash', 'baseline: after', 'saga ended', 'result'],
      [14, 16, 56, 13, 60],
      outputWidth(io),
      [2, 4],
    );
    for (const r of rows) {
      const verdict = r.ok ? c.green('pass') : c.red.bold('FAIL ') + r.failed.map((f) => `${f.name}: ${f.detail}`).join('; ');
      table.push([
        r.point.component,
        r.point.moment,
        `${r.point.baseline}: ${describeCrashPoint(r.point)}`,
        r.statuses.join(', '),
        verdict,
      ]);
    }
    io.out(table.toString() + '\n');
    const stopped = rows.length < planned.length;
    io.out(
      failed > 0
        ? `${c.red.bold('FAIL')}  ${rows.length - failed} of ${rows.length} crash points passed\n`
        : stopped
          ? `${c.yellow.bold('STOPPED')}  ${rows.length} of ${planned.length} crash points run, all passed\n`
          : `${c.green.bold('PASS')}  ${rows.length} of ${rows.length} crash points passed\n`,
    );
    if (stopped) io.out(c.yellow(`stopped by ${interrupts.heard} after ${rows.length} of ${planned.length} crash points\n`));
    io.out(c.dim(`${replayLine(recipe)}\n`));
    if (html && !unwritten) io.out(`report: ${html}\n`);
  }
  if (unwritten) io.err(unwritten);
  if (interrupts.heard) return interruptExit(interrupts.heard);
  if (unwritten) return EXIT.failed;
  return failed === 0 ? EXIT.held : EXIT.violated;
}

/** The matrix as a page: a row per point run, and the failing ones drawn (run again, watched: the same run, from the same seed). */
function writeMatrixReport(
  html: string,
  planned: readonly PlannedCrash[],
  rows: readonly CrashMatrixRow[],
  recipe: Recipe & { command: 'crash-matrix' },
  io: CliIo,
): string | null {
  const runs: ReportRun[] = [];
  const drawing = makeProgress(io, false);
  const tableRows = rows.map((r, i) => {
    let run: number | null = null;
    if (!r.ok && runs.length < DRAWN_POINTS) {
      drawing.show(`crash-matrix --html: drawing failing point ${runs.length + 1}: ${r.label}`);
      runs.push(
        drawScenario(
          { scenario: crashPointScenario(planned[i]!), seed: recipe.seed, storage: 'memory', defences: withDisabled(recipe.disabled) },
          r.label,
          formatRecipe(recipe),
        ),
      );
      run = runs.length - 1;
    }
    const cells = [
      r.point.component,
      r.point.moment,
      `${r.point.baseline}: ${describeCrashPoint(r.point)}`,
      r.statuses.join(', '),
      r.ok ? 'pass' : `FAIL ${r.failed.map((f) => f.name).join(', ')}`,
    ];
    return { cells, ok: r.ok, run };
  });
  drawing.end();
  const failing = rows.filter((r) => !r.ok).length;
  const note =
    failing === 0
      ? `Every crash point held: the table lists them. Each is a baseline scenario with one kill added; saga run --scenario <baseline> --html draws a run.`
      : failing > DRAWN_POINTS
        ? `${failing} crash points failed: the first ${DRAWN_POINTS} are drawn (click a row); the table lists them all.`
        : 'Click a failing row to see its run.';
  return writeReport(html, {
    title: `saga crash-matrix — seed ${recipe.seed}${recipe.disabled.length ? ` without ${recipe.disabled.map(defenceFlag).join(', ')}` : ''}`,
    replay: formatRecipe(recipe),
    table: { columns: ['component', 'crash', 'baseline: after', 'saga ended', 'result'], rows: tableRows },
    runs,
    note,
  });
}

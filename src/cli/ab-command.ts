import { defenceFlag, withDisabled, type DefenceName } from '../defences/index.js';
import type { Coordination } from '../world/index.js';
import {
  coordinationOf,
  formatRecipe,
  replayLine,
  runAbRow,
  styleShape,
  type AbRow,
  type Recipe,
  type Scenario,
} from '../scenario/index.js';
import { drawScenario, type ReportRun, type ReportTable } from '../report/index.js';
import { reportPath, writeReport } from './html-option.js';
import { nextTurn } from '../kernel/index.js';
import { listenForInterrupts } from './interrupts.js';
import { makeProgress } from './progress.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { orchestratorOnly, parseCoordination, parseDisabled, parseSeed } from './parse-options.js';
import { applicableTo } from './catalogue-command.js';
import { makeStyle, makeTable, wrap } from './style.js';
import { UsageError } from './usage-error.js';

export interface AbOptions {
  readonly seed: string;
  readonly json?: boolean;
  readonly disable?: string[];
  readonly html?: string;
  readonly style?: string;
  readonly compensator?: string;
}

/**
 * `saga ab --disable <defence>`: the catalogue with and without it. What is checked is the
 * defence: it held (exit 0) when switching it off breaks something, as it must; exit 1 when
 * nothing in the catalogue breaks without it, so no scenario shows what it protects.
 */
export async function abCommand(options: AbOptions, everyScenario: readonly Scenario[], io: CliIo): Promise<ExitCode> {
  const seed = parseSeed(options.seed);
  const disabled = parseDisabled(options.disable);
  if (disabled.length === 0) throw new UsageError('saga ab needs --disable <defence>: the defence to switch off.');
  const coordination = parseCoordination(options.style, options.compensator);
  if (coordination && options.html !== undefined) throw orchestratorOnly('--html');
  const { applicable: catalogue, skipped } = applicableTo(everyScenario, coordination, io);
  const html = options.html === undefined ? undefined : reportPath(options.html);
  // Scenario by scenario, so a Ctrl-C is heard between two and the rows so far are reported.
  const progress = makeProgress(io, options.json === true);
  const interrupts = listenForInterrupts(io, progress, 'scenario');
  const rows: AbRow[] = [];
  try {
    for (const [i, scenario] of catalogue.entries()) {
      if (interrupts.heard) break;
      progress.show(`ab: ${i + 1}/${catalogue.length} ${scenario.name}`);
      rows.push(runAbRow(scenario, disabled, seed, coordination));
      await nextTurn();
    }
  } finally {
    interrupts.stop();
    progress.end();
  }
  const broken = rows.filter((r) => r.broken.length > 0);
  const names = disabled.map(defenceFlag).join(',');
  const recipe: Recipe = { command: 'ab', seed, disabled, ...styleShape(coordination) };
  const unwritten = html ? writeAbReport(html, catalogue, rows, recipe, io) : null;
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          seed,
          disabled: disabled.map(defenceFlag),
          coordination: coordinationOf(recipe),
          notApplicable: skipped,
          scenarios: rows,
          recipe,
          ...(html && !unwritten ? { report: html } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const c = makeStyle(io.env);
    const table = makeTable(['scenario', 'with', 'without', 'what breaks without it'], [30, 6, 9, 80], outputWidth(io));
    for (const r of rows) {
      const what = r.broken.map((b) => `${b.name}: ${b.detail}`).join('\n');
      table.push([r.scenario, r.withDefence ? c.green('pass') : c.red('FAIL'), r.without ? c.green('pass') : c.red.bold('FAIL'), what]);
    }
    io.out(table.toString() + '\n');
    const width = outputWidth(io);
    io.out(
      broken.length > 0
        ? `${wrap(`Without ${names}, ${broken.length} of ${rows.length} scenarios ${broken.length === 1 ? 'breaks' : 'break'}: ${broken.map((r) => r.scenario).join(', ')}.`, width)}\n`
        : c.red(
            `${wrap(`Without ${names}, nothing in the ${rows.length} scenarios run breaks: none shows what it protects${unused(disabled, coordination)}.`, width)}\n`,
          ),
    );
    if (interrupts.heard) io.out(c.yellow(`stopped by ${interrupts.heard} after ${rows.length} of ${catalogue.length} scenarios\n`));
    io.out(c.dim(`${replayLine(recipe)}\n`));
    if (html && !unwritten) io.out(`report: ${html}\n`);
  }
  if (unwritten) io.err(unwritten);
  if (interrupts.heard) return interruptExit(interrupts.heard);
  if (unwritten) return EXIT.failed;
  return broken.length > 0 ? EXIT.held : EXIT.violated;
}

/** Why nothing broke when the defence switched off is one the style does not use: a choreographed saga has no step timeouts. */
function unused(disabled: readonly DefenceName[], how: Coordination | undefined): string {
  if (how?.style === 'choreography' && disabled.includes('timeouts'))
    return ' (a choreographed saga has no step timeouts: nobody waits for a reply)';
  return '';
}

/** The comparison as a page: each scenario with and without the defence, and, where something broke, both runs drawn (run again, watched). */
function writeAbReport(
  html: string,
  catalogue: readonly Scenario[],
  rows: readonly AbRow[],
  recipe: Recipe & { command: 'ab' },
  io: CliIo,
): string | null {
  const names = recipe.disabled.map(defenceFlag).join(', ');
  const runs: ReportRun[] = [];
  const tableRows: Array<ReportTable['rows'][number]> = [];
  const drawing = makeProgress(io, false);
  for (const r of rows) {
    const what = r.broken.map((b) => b.name).join(', ');
    if (r.broken.length === 0) {
      tableRows.push({
        cells: [r.scenario, 'both', r.without ? 'pass' : 'FAIL', 'nothing breaks'],
        ok: r.withDefence && r.without,
        run: null,
      });
      continue;
    }
    const scenario = catalogue.find((s) => s.name === r.scenario)!;
    drawing.show(`ab --html: drawing ${r.scenario} with and without ${names}`);
    const request = { scenario, seed: recipe.seed, storage: 'memory' as const };
    runs.push(drawScenario(request, `${r.scenario}, every defence on`));
    tableRows.push({
      cells: [r.scenario, 'every defence on', r.withDefence ? 'pass' : 'FAIL', ''],
      ok: r.withDefence,
      run: runs.length - 1,
    });
    runs.push(drawScenario({ ...request, defences: withDisabled(recipe.disabled) }, `${r.scenario}, without ${names}`));
    tableRows.push({ cells: [r.scenario, `without ${names}`, r.without ? 'pass' : 'FAIL', what], ok: r.without, run: runs.length - 1 });
  }
  drawing.end();
  return writeReport(html, {
    title: `saga ab — without ${names}, seed ${recipe.seed}`,
    replay: formatRecipe(recipe),
    table: { columns: ['scenario', 'defences', 'result', 'what breaks without it'], rows: tableRows },
    runs,
    verdict: {
      ok: runs.length > 0,
      text: runs.length > 0 ? `${runs.length / 2} of ${rows.length} break without it` : 'nothing breaks without it',
    },
    note:
      runs.length > 0
        ? 'Each scenario where something breaks is drawn twice, with every defence and without: click a row.'
        : `Without ${names}, nothing in the catalogue breaks.`,
  });
}

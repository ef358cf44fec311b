import { nextTurn } from '../kernel/index.js';
import { compareStyles, COMPARED_STYLES, replayLine, type Recipe, type Scenario, type StyleRow } from '../scenario/index.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { listenForInterrupts } from './interrupts.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { parseSeed, unknownName } from './parse-options.js';
import { makeProgress } from './progress.js';
import { makeStyle, makeTable, wrap } from './style.js';
import { UsageError } from './usage-error.js';

export interface CompareOptions {
  readonly scenario?: string;
  readonly all?: boolean;
  readonly seed: string;
  readonly json?: boolean;
}

/**
 * `saga compare`: the same scenario, seed and faults under every style, one table. Exit 0
 * when every run that applies holds, 1 when one breaks; Ctrl-C reports the scenarios run so far.
 */
export async function compareCommand(options: CompareOptions, catalogue: readonly Scenario[], io: CliIo): Promise<ExitCode> {
  if (options.all && options.scenario) throw new UsageError('Give either --scenario <name> or --all, not both.');
  if (!options.all && !options.scenario)
    throw new UsageError(`saga compare needs --scenario <name> or --all; run 'saga scenarios' for the names.`);
  const chosen = options.scenario === undefined ? catalogue : catalogue.filter((s) => s.name === options.scenario);
  if (chosen.length === 0)
    throw unknownName(
      'scenario',
      options.scenario!,
      catalogue.map((s) => s.name),
      'saga scenarios',
    );
  const seed = parseSeed(options.seed);
  const recipe: Recipe = { command: 'compare', ...(options.scenario ? { scenario: options.scenario } : {}), seed };
  const progress = makeProgress(io, options.json === true);
  const interrupts = listenForInterrupts(io, progress, 'scenario');
  const rows: StyleRow[] = [];
  try {
    for (const [i, scenario] of chosen.entries()) {
      if (interrupts.heard) break;
      progress.show(`compare: ${i + 1}/${chosen.length} ${scenario.name}`);
      rows.push(...compareStyles(scenario, seed));
      await nextTurn();
    }
  } finally {
    interrupts.stop();
    progress.end();
  }
  const failed = rows.filter((r) => r.verdict === 'FAIL');
  if (options.json) {
    io.out(JSON.stringify({ seed, styles: COMPARED_STYLES, rows, recipe, stopped: interrupts.heard }, null, 2) + '\n');
  } else {
    const c = makeStyle(io.env);
    const width = outputWidth(io);
    io.out(renderComparison(rows, c, width));
    for (const style of COMPARED_STYLES) {
      const own = rows.filter((r) => r.style === style.label);
      const ran = own.filter((r) => r.verdict !== 'n/a');
      const passed = ran.filter((r) => r.verdict === 'pass').length;
      const notRun = own.length - ran.length;
      const line = `${style.label}: ${passed} of ${ran.length} passed${notRun ? `, ${notRun} did not apply` : ''}`;
      io.out((passed === ran.length ? c.green : c.red.bold)(wrap(line, width)) + '\n');
    }
    if (interrupts.heard)
      io.out(c.yellow(`stopped by ${interrupts.heard} after ${rows.length / COMPARED_STYLES.length} of ${chosen.length} scenarios\n`));
    io.out(c.dim(`${replayLine(recipe)}\n`));
  }
  if (interrupts.heard) return interruptExit(interrupts.heard);
  return failed.length === 0 ? EXIT.held : EXIT.violated;
}

/** One row per scenario and style; the scenario named once, on its first row. */
function renderComparison(rows: readonly StyleRow[], c: ReturnType<typeof makeStyle>, width: number): string {
  const f = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const table = makeTable(
    [
      'scenario',
      'style',
      'result',
      'messages per order',
      'commits per order',
      'latency p50 / p99 (ticks)',
      'stock unit-ticks held',
      'refused for held stock',
      'what broke',
    ],
    [26, 24, 8, 10, 10, 12, 12, 10, 24],
    width,
  );
  rows.forEach((r, i) => {
    const first = i === 0 || rows[i - 1]!.scenario !== r.scenario;
    const name = first ? r.scenario : '';
    if (r.verdict === 'n/a') {
      table.push([name, r.style, c.dim('n/a'), '', '', '', '', '', c.dim(r.why)]);
      return;
    }
    table.push([
      name,
      r.style,
      r.verdict === 'pass' ? c.green('pass') : c.red.bold('FAIL'),
      f(r.messagesPerOrder, 1),
      f(r.commitsPerOrder, 1),
      `${f(r.latency.p50Ticks)} / ${f(r.latency.p99Ticks)}`,
      f(r.heldUnitTicks),
      f(r.refusedForLockedStock),
      r.broken.join(', '),
    ]);
  });
  return table.toString() + '\n';
}

import { defenceFlag } from '../defences/index.js';
import { replayLine, runAbRow, type AbRow, type Recipe, type Scenario } from '../scenario/index.js';
import { nextTurn } from '../kernel/index.js';
import { listenForInterrupts } from './interrupts.js';
import { makeProgress } from './progress.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { parseDisabled, parseSeed } from './parse-options.js';
import { makeStyle, makeTable, wrap } from './style.js';
import { UsageError } from './usage-error.js';

export interface AbOptions {
  readonly seed: string;
  readonly json?: boolean;
  readonly disable?: string[];
}

/**
 * `saga ab --disable <defence>`: the catalogue with and without it. What is checked is the
 * defence: it held (exit 0) when switching it off breaks something, as it must; exit 1 when
 * nothing in the catalogue breaks without it, so no scenario shows what it protects.
 */
export async function abCommand(options: AbOptions, catalogue: readonly Scenario[], io: CliIo): Promise<ExitCode> {
  const seed = parseSeed(options.seed);
  const disabled = parseDisabled(options.disable);
  if (disabled.length === 0) throw new UsageError('saga ab needs --disable <defence>: the defence to switch off.');
  // Scenario by scenario, so a Ctrl-C is heard between two and the rows so far are reported.
  const progress = makeProgress(io, options.json === true);
  const interrupts = listenForInterrupts(io, progress, 'scenario');
  const rows: AbRow[] = [];
  try {
    for (const [i, scenario] of catalogue.entries()) {
      if (interrupts.heard) break;
      progress.show(`ab: ${i + 1}/${catalogue.length} ${scenario.name}`);
      rows.push(runAbRow(scenario, disabled, seed));
      await nextTurn();
    }
  } finally {
    interrupts.stop();
    progress.end();
  }
  const broken = rows.filter((r) => r.broken.length > 0);
  const names = disabled.map(defenceFlag).join(',');
  const recipe: Recipe = { command: 'ab', seed, disabled };
  if (options.json) {
    io.out(JSON.stringify({ seed, disabled: disabled.map(defenceFlag), scenarios: rows, recipe }, null, 2) + '\n');
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
        : c.red(`${wrap(`Without ${names}, nothing in the ${rows.length} scenarios run breaks: none shows what it protects.`, width)}\n`),
    );
    if (interrupts.heard) io.out(c.yellow(`stopped by ${interrupts.heard} after ${rows.length} of ${catalogue.length} scenarios\n`));
    io.out(c.dim(`${replayLine(recipe)}\n`));
  }
  if (interrupts.heard) return interruptExit(interrupts.heard);
  return broken.length > 0 ? EXIT.held : EXIT.violated;
}

import { defenceFlag } from '../defences/index.js';
import { replayLine, runDefenceAb, type Recipe, type Scenario } from '../scenario/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { parseDisabled, parseSeed } from './parse-options.js';
import { makeStyle, makeTable } from './style.js';
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
export function abCommand(options: AbOptions, catalogue: readonly Scenario[], io: CliIo): ExitCode {
  const seed = parseSeed(options.seed);
  const disabled = parseDisabled(options.disable);
  if (disabled.length === 0) throw new UsageError('saga ab needs --disable <defence>: the defence to switch off.');
  const rows = runDefenceAb(catalogue, disabled, seed);
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
    io.out(
      broken.length > 0
        ? `Without ${names}, ${broken.length} of ${rows.length} scenarios break: ${broken.map((r) => r.scenario).join(', ')}.\n`
        : c.red(`Without ${names}, nothing in the catalogue breaks: no scenario shows what it protects.\n`),
    );
    io.out(c.dim(`${replayLine(recipe)}\n`));
  }
  return broken.length > 0 ? EXIT.held : EXIT.violated;
}

import type { ChalkInstance } from 'chalk';
import { RunRecorder, scenarioRunFacts, walkthroughOf, type Moment, type RowChange } from '../report/index.js';
import { firstStyleFor, formatRecipe, notApplicable, runScenario, type Scenario } from '../scenario/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { parseSeed, unknownName } from './parse-options.js';
import { makeStyle, wrap } from './style.js';
import { quote } from './user-text.js';
import { UsageError } from './usage-error.js';

export interface WalkthroughOptions {
  readonly seed: string;
  /** False with --no-pause: print straight through. */
  readonly pause: boolean;
  /** The saga (or its order) to follow, instead of the one the world did most to. */
  readonly saga?: string;
}

/** Ctrl-C as a raw terminal sends it. */
const CTRL_C = '\u0003';

/**
 * `saga walkthrough <scenario>`: runs a scenario (in memory) and tells it as a lesson: the
 * saga the world did most to, one moment at a time (a command, a crash, a restart, a skipped
 * duplicate, a compensation, a dead letter), each with why the design handles it and the
 * rows it wrote. At a terminal it waits for Enter between two moments (q quits); piped, or
 * with --no-pause, it prints straight through. Exit 0 when the run held, 1 when it did not.
 */
export async function walkthroughCommand(
  name: string,
  options: WalkthroughOptions,
  catalogue: readonly Scenario[],
  io: CliIo,
): Promise<ExitCode> {
  const scenario = catalogue.find((s) => s.name === name);
  if (!scenario)
    throw unknownName(
      'scenario',
      name,
      catalogue.map((s) => s.name),
      'saga scenarios',
    );
  // A walkthrough tells the orchestrated saga's story, in the orchestrator's words.
  const why = notApplicable(scenario, undefined);
  if (why !== null)
    throw new UsageError(
      `A walkthrough follows the orchestrated saga, and ${name} does not apply to it, because ${why}; follow its trace instead: npx saga run --scenario ${name} --style ${firstStyleFor(scenario)} --trace`,
    );
  const seed = parseSeed(options.seed);
  const recorder = new RunRecorder();
  const run = runScenario({ scenario, seed, storage: 'memory', ...recorder.hooks });
  const drawn = recorder.draw(scenarioRunFacts(scenario, run));
  const chosen = options.saga === undefined ? undefined : drawn.sagas.find((s) => s.id === options.saga || s.orderId === options.saga);
  if (options.saga !== undefined && !chosen)
    throw new UsageError(
      `No saga or order ${quote(options.saga)} in ${scenario.name} with seed ${seed}; its sagas are ${drawn.sagas.map((s) => `${s.id} (${s.orderId})`).join(', ')}.`,
    );
  const lesson = walkthroughOf(drawn, run.outcome.traceEvents, chosen?.id);
  const c = makeStyle(io.env);
  const width = Math.min(outputWidth(io), 100);
  // Wrapped to the width, each line indented; under a moment, a line that goes on is indented two more.
  const say = (text: string, indent = '', hang = indent === '' ? '' : `${indent}  `): void => {
    io.out(
      wrap(text, width - hang.length)
        .split('\n')
        .map((line, i) => (i === 0 ? indent : hang) + line)
        .join('\n') + '\n',
    );
  };
  const readKey = options.pause ? io.readKey : undefined;
  const saga = drawn.sagas.find((s) => s.id === lesson.saga);

  io.out(`${c.bold(`saga walkthrough ${scenario.name}`)} ${c.dim(`— seed ${seed}`)}\n`);
  say(scenario.description);
  if (scenario.lesson) say(c.bold(scenario.lesson.watch));
  if (saga) {
    const why = chosen ? '' : drawn.sagas.length > 1 ? `, the saga the world did most to, of ${drawn.sagas.length}` : '';
    say(
      c.dim(`Following ${saga.id} (${saga.orderId})${why}: ${lesson.moments.length} moments.${readKey ? ' Enter: next · q: quit.' : ''}`),
    );
    const others = drawn.sagas.filter((s) => s.id !== saga.id);
    if (others.length > 0 && others.length <= 8)
      say(c.dim(`The others: ${others.map((s) => `${s.id} ${s.status}`).join(', ')}; --saga <id> follows one.`));
    else if (others.length > 8) say(c.dim(`${others.length} others; --saga <id> follows one.`));
  }
  for (const [i, moment] of lesson.moments.entries()) {
    io.out('\n');
    tell(moment, i, lesson.moments.length, c, say);
    if (!readKey || i === lesson.moments.length - 1) continue;
    io.out(c.dim('[Enter] next · [q] quit'));
    const key = await readKey();
    io.out('\r\u001b[2K');
    if (key === 'q' || key === 'Q' || key === CTRL_C) {
      say(
        c.dim(
          `Stopped at moment ${i + 1} of ${lesson.moments.length}. See the whole run: ${formatRecipe(run.result.recipe)} --html report.html`,
        ),
      );
      return key === CTRL_C ? EXIT.interrupted : run.result.ok ? EXIT.held : EXIT.violated;
    }
  }
  io.out('\n');
  const statuses = new Map<string, number>();
  for (const s of run.result.sagas) statuses.set(s.status, (statuses.get(s.status) ?? 0) + 1);
  const failed = [...run.result.invariants, ...run.result.expectations].filter((r) => !r.ok);
  say(
    `${run.result.ok ? c.green.bold('PASS') : c.red.bold('FAIL')}  ${[...statuses].map(([status, n]) => `${n} ${status}`).join(', ')}; ${
      failed.length === 0 ? `all ${run.result.invariants.length} invariants held` : `broken: ${failed.map((f) => f.name).join(', ')}`
    }.`,
  );
  if (scenario.lesson) say(`${c.bold('What it showed:')} ${scenario.lesson.showed}`);
  say(c.dim(`See it drawn: ${formatRecipe(run.result.recipe)} --html report.html`));
  return run.result.ok ? EXIT.held : EXIT.violated;
}

/** One moment: where and when, what happened, why it matters, and the rows it wrote. */
function tell(moment: Moment, i: number, of: number, c: ChalkInstance, say: (text: string, indent?: string, hang?: string) => void): void {
  say(c.bold(`${i + 1}/${of} · tick ${moment.tick} · ${moment.what}`), '', '  ');
  say(moment.why, '  ');
  if (moment.changes.length === 0) return;
  say(c.dim('rows written:'), '  ');
  for (const change of moment.changes) say(changeLine(change), '    ');
}

/** A row change on one line: `+ table  key=value ...`, `~ table  column before → after ...`, `− table  key=value ...`. */
function changeLine(change: RowChange): string {
  const where = `${change.component}.${change.table}${change.shared ? ' (shared)' : ''}`;
  const fields = (row: Readonly<Record<string, unknown>>): string =>
    Object.entries(row)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${short(v)}`)
      .join(' ');
  if (change.op === 'insert') return `+ ${where}  ${fields(change.after ?? {})}`;
  if (change.op === 'delete') return `− ${where}  ${fields(change.before ?? {})}`;
  const before = change.before ?? {};
  const after = change.after ?? {};
  const key = Object.entries(after)[0];
  const changed = Object.keys(after).filter((k) => before[k] !== after[k]);
  return `~ ${where} ${key ? short(key[1]) : ''}  ${changed.map((k) => `${k} ${short(before[k])} → ${short(after[k])}`).join(', ')}`;
}

/** A value as a row shows it, cut to a length that fits a line (a payload's JSON does not). */
function short(value: unknown): string {
  const text = String(value);
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}

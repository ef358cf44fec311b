import { existsSync, statSync } from 'node:fs';
import { diffRuns, type ComparedRun, type RunDiff } from '../operate/index.js';
import { formatRecipe, readRunInfo } from '../scenario/index.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { makeStyle, wrap } from './style.js';
import { UsageError } from './usage-error.js';
import { quote } from './user-text.js';

/** Runs the CLI on `argv` and gives back what it printed: how diff runs each side, with the same parsing and errors as a user's command. */
export type CliRunner = (argv: readonly string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

export interface DiffOptions {
  readonly json?: boolean;
}

/**
 * What each side may not carry, and what value each takes: diff runs it in memory, as JSON
 * with its timeline, and to its end. `optional`: a value only when one follows.
 */
const OWN_FLAGS: ReadonlyMap<string, 'none' | 'one' | 'optional'> = new Map([
  ['--storage', 'one'],
  ['--dir', 'one'],
  ['--show', 'one'],
  ['--stop-at', 'one'],
  ['--stop-when', 'one'],
  ['--json', 'none'],
  ['--trace', 'none'],
  ['--all-sagas', 'none'],
  ['--mermaid', 'optional'],
  ['--timeline', 'optional'],
]);

/**
 * `saga diff <a> <b>`: where two runs part, and how they end differently. Each side is the
 * options of a run in one argument ("--scenario crash-before-publish --seed 9 --disable
 * outbox"), a replay file, or a run directory (run again from its recipe). Exit 0 when the
 * runs are the same, 1 when they differ, 2 when a side cannot be run.
 */
export async function diffCommand(a: string, b: string, options: DiffOptions, run: CliRunner, io: CliIo): Promise<ExitCode> {
  const [left, right] = [await runSide('a', a, run), await runSide('b', b, run)];
  const diff = diffRuns(left, right);
  if (options.json) io.out(JSON.stringify({ a, b, ...diff, digests: { a: left.digest, b: right.digest } }, null, 2) + '\n');
  else io.out(renderDiff(a, b, diff, left, right, io));
  return diff.same ? EXIT.held : EXIT.violated;
}

async function runSide(side: 'a' | 'b', given: string, run: CliRunner): Promise<ComparedRun> {
  const argv = sideArgv(side, given);
  const { code, stdout, stderr } = await run(argv);
  if (code === EXIT.usage || code === EXIT.failed || !stdout.trim().startsWith('{'))
    throw new UsageError(`Side ${side} (${quote(given)}) cannot be run: ${stderr.trim().split('\n')[0] || 'it printed no report'}`);
  const report = JSON.parse(stdout) as Partial<ComparedRun> & { trace?: string[] };
  return { trace: report.trace ?? [], sagas: report.sagas ?? [], invariants: report.invariants ?? [], digest: report.digest ?? '' };
}

/** The command line that runs one side: a replay file replayed, a run directory's recipe, or the options given. */
function sideArgv(side: 'a' | 'b', given: string): string[] {
  if (existsSync(given) && statSync(given).isFile()) return ['replay', given, '--json', '--trace'];
  if (existsSync(given) && statSync(given).isDirectory()) {
    const info = readRunInfo(given);
    if (!info || info.recipe.command !== 'run')
      throw new UsageError(`Side ${side}: ${given} is not the directory of a scenario run; give the options of a run instead.`);
    // `npx saga run ...`: the run again, exactly, from its recipe (what a person did to it aside).
    return [...withoutOwnFlags(formatRecipe(info.recipe).split(' ').slice(2)), '--storage', 'memory', '--json', '--trace'];
  }
  const words = words_(given);
  if (words.length === 0) throw new UsageError(`Side ${side} is empty: give the options of a run, e.g. "--scenario happy-path --seed 3".`);
  return ['run', ...withoutOwnFlags(words[0] === 'run' ? words.slice(1) : words), '--storage', 'memory', '--json', '--trace'];
}

/** The words of one side, split on spaces, with "double" or 'single' quotes holding a word together. */
function words_(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Drops the options diff sets itself, and their values. */
function withoutOwnFlags(words: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const takes = OWN_FLAGS.get(word.split('=')[0]!);
    if (takes === undefined) kept.push(word);
    else if (!word.includes('=') && (takes === 'one' || (takes === 'optional' && !(words[i + 1] ?? '--').startsWith('--')))) i++;
  }
  return kept;
}

function renderDiff(a: string, b: string, diff: RunDiff, left: ComparedRun, right: ComparedRun, io: CliIo): string {
  const c = makeStyle(io.env);
  const width = outputWidth(io);
  const lines = [`a: ${a}`, `b: ${b}`];
  if (diff.same) {
    lines.push(c.green(`The runs are the same: ${left.trace.length} events, digest ${left.digest.slice(0, 16)}.`));
    return lines.join('\n') + '\n';
  }
  const first = diff.firstDifference;
  if (first) {
    lines.push(c.bold(`The runs part at event ${first.index + 1} of their timelines:`));
    for (const line of first.before) lines.push(c.dim(`    ${line}`));
    lines.push(`  a ${first.a ?? '(its timeline ends here)'}`, `  b ${first.b ?? '(its timeline ends here)'}`);
  }
  if (diff.sagas.length > 0) {
    lines.push(c.bold('Sagas that end differently:'));
    for (const s of diff.sagas) lines.push(`  ${s.id}: a ${s.a ?? 'absent'}, b ${s.b ?? 'absent'}`);
  }
  if (diff.invariants.length > 0) {
    lines.push(c.bold('Invariants that judge differently:'));
    const verdict = (v: { ok: boolean; detail: string } | null) => (v === null ? 'not checked' : `${v.ok ? 'pass' : 'FAIL'}: ${v.detail}`);
    for (const v of diff.invariants) lines.push(wrap(`  ${v.name}: a ${verdict(v.a)}; b ${verdict(v.b)}`, width));
  }
  lines.push(c.dim(`digests: a ${left.digest.slice(0, 16)}, b ${right.digest.slice(0, 16)}`));
  return lines.join('\n') + '\n';
}

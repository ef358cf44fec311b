import { actOnDeadLetter, listDeadLetters, type DeadLetterEntry } from '../operate/index.js';
import { readWorldFile } from '../scenario/index.js';
import { buildVersion } from '../version.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { runDirOf, withRun } from './inspect-command.js';
import { makeStyle, wrap } from './style.js';
import { UsageError } from './usage-error.js';
import { plural, quote } from './user-text.js';

export interface DlqOptions {
  readonly note?: string;
  readonly by?: string;
  readonly json?: boolean;
}

/**
 * `saga dlq <run-dir> [list | redrive <id> | resolve <id> --note ...]`: the dead letters of a
 * run that stopped or ended, and a person acting on one. An action changes the stopped world
 * (an operator's message for the orchestrator, or the broker's letter back in its queue) and
 * makes the run resumable; `saga resume` carries it out.
 */
export function dlqCommand(dir: string, action: string | undefined, id: string | undefined, options: DlqOptions, io: CliIo): ExitCode {
  const verb = action ?? 'list';
  if (verb === 'list') {
    if (id !== undefined) throw new UsageError(`'saga dlq <run> list' takes no id; give redrive or resolve to act on ${quote(id)}.`);
    const letters = withRun(dir, io, (run) => {
      const world = readWorldFile(run.dir, buildVersion());
      return listDeadLetters(run, 'image' in world ? world.image : null);
    });
    if (options.json) io.out(JSON.stringify(letters, null, 2) + '\n');
    else io.out(renderLetters(letters, dir, io));
    return EXIT.held;
  }
  if (verb !== 'redrive' && verb !== 'resolve')
    throw new UsageError(`saga dlq takes list, redrive <id> or resolve <id>, not ${quote(verb)}.`);
  if (id === undefined) throw new UsageError(`saga dlq ${verb} needs the id of a dead letter; 'saga dlq ${dir} list' lists them.`);
  const note = options.note?.trim() ?? '';
  if (verb === 'resolve' && note === '')
    throw new UsageError(`Say what was done by hand: saga dlq ${dir} resolve ${id} --note "..." (the dead letter keeps it).`);
  if (options.by !== undefined && options.by.trim() === '')
    throw new UsageError('--by needs a name: who is acting (the saga log keeps it).');
  const by = options.by?.trim() || io.env.USER || 'operator';
  const done = withRun(dir, io, (run) => actOnDeadLetter(run, id, verb, by, note, buildVersion()));
  if (options.json) {
    io.out(JSON.stringify({ ...done, resume: `npx saga resume ${dir}` }, null, 2) + '\n');
    return EXIT.held;
  }
  const e = done.entry;
  const what =
    verb === 'resolve'
      ? e.source === 'broker'
        ? 'settled: it stays out of its queue'
        : `recorded as done by hand: the saga counts ${e.type} done when the run resumes`
      : e.source === 'broker'
        ? `back in queue ${e.queue} with a fresh delivery budget from tick ${done.tick + 1}`
        : `the orchestrator sends ${e.type} again, with a fresh attempt budget, when the run resumes`;
  io.out(
    wrap(`${verb === 'redrive' ? 'Redrove' : 'Resolved'} ${e.id} (${e.type} of ${e.sagaId}) as ${by}: ${what}.`, outputWidth(io)) + '\n',
  );
  io.out(`resume: npx saga resume ${dir}\n`);
  return EXIT.held;
}

function renderLetters(letters: readonly DeadLetterEntry[], dir: string, io: CliIo): string {
  const c = makeStyle(io.env);
  const open = letters.filter((l) => l.state === 'open').length;
  if (letters.length === 0) return `No dead letters in ${runDirOf(dir, io)}.\n`;
  const rows = [
    ['id', 'from', 'queue', 'message', 'saga', 'tick', 'state'],
    ...letters.map((l) => [l.id, l.source, l.queue, l.type, l.sagaId, String(l.tick), l.state]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = [c.bold(line(rows[0]!)), ...rows.slice(1).map(line)];
  for (const l of letters) {
    const acted = l.actedBy ? `; ${l.state} by ${l.actedBy} at tick ${l.actedTick}${l.note ? `: ${l.note}` : ''}` : '';
    lines.push(c.dim(wrap(`${l.id}: ${l.reason}${acted}`, outputWidth(io))));
  }
  lines.push(`${plural(letters.length, 'dead letter')}, ${open} open`);
  const openOf = (approval: boolean) => letters.some((l) => l.state === 'open' && (l.kind === 'approval') === approval);
  if (openOf(false))
    lines.push(
      c.dim(`'saga dlq <run> redrive <id>' sends one again; 'saga dlq <run> resolve <id> --note "..."' records it was done by hand.`),
    );
  if (openOf(true))
    lines.push(c.dim(`An approval is decided with 'saga approve <run> <order>' or 'saga reject <run> <order> --reason "..."'.`));
  return lines.join('\n') + '\n';
}

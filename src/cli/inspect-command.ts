import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import {
  BadRunError,
  listSagas,
  openRun,
  orchestratorOf,
  SAGA_STATUSES,
  showSaga,
  type MessageStory,
  type OpenRun,
  type SagaDetail,
} from '../operate/index.js';
import { coordinationOf, readWorldFile } from '../scenario/index.js';
import { buildVersion } from '../version.js';
import type { SagaStatus } from '../orchestrator/index.js';
import type { OrderPayload } from '../protocol/index.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { unknownName } from './parse-options.js';
import { sagaDir } from './saga-home.js';
import { colorStatus, makeStyle, makeTable } from './style.js';
import { UsageError } from './usage-error.js';
import { plural, quote } from './user-text.js';

export interface SagasOptions {
  readonly status?: string;
  readonly json?: boolean;
}

export interface ShowOptions {
  readonly json?: boolean;
}

/** A run directory as the user named it: a path, or the bare name `saga runs` lists. */
export function runDirOf(arg: string, io: CliIo): string {
  const path = resolve(io.cwd ?? process.cwd(), arg);
  const named = resolve(sagaDir(io, 'runs'), arg);
  const bare = !/[/\\]/.test(arg);
  if (!existsSync(path) && bare && !existsSync(named))
    throw new BadRunError(`No run ${quote(arg)} under ${sagaDir(io, 'runs')}, and no directory ${path}; 'saga runs' lists the runs.`);
  return !existsSync(path) && bare ? named : path;
}

/** Opens a run directory for reading (see openRun), gives it to `read`, and closes it. */
export function withRun<T>(arg: string, io: CliIo, read: (run: OpenRun) => T): T {
  const run = openRun(runDirOf(arg, io));
  try {
    return read(run);
  } finally {
    run.close();
  }
}

/** `saga sagas <run-dir>`: the run's sagas, one line each (exit 0; 2 for a directory that is not a readable run). */
export function sagasCommand(dir: string, options: SagasOptions, io: CliIo): ExitCode {
  let status: SagaStatus | undefined;
  if (options.status !== undefined) {
    status = SAGA_STATUSES.find((s) => s === options.status?.toUpperCase());
    if (!status) throw unknownName('saga status', options.status, SAGA_STATUSES);
  }
  const { sagas, run } = withRun(dir, io, (run) => ({
    sagas: listSagas(run, status),
    run: {
      dir: run.dir,
      status: run.info.status,
      orchestrated: run.dbs.orchestrator !== undefined,
      style: coordinationOf(run.info.recipe).style,
    },
  }));
  if (options.json) {
    io.out(JSON.stringify(sagas, null, 2) + '\n');
    return EXIT.held;
  }
  const c = makeStyle(io.env);
  // Plain columns, no box: a saga a line fits 80 columns, and reads well in grep and awk.
  const rows = [
    ['saga', 'order', 'status', 'step', 'try', 'last tick'],
    ...sagas.map((s) => [s.id, s.orderId, s.status, s.step, String(s.attempt), String(s.lastChangeTick)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  // The status coloured, the padding after it plain, so columns line up with or without colour.
  const line = (r: string[], color = (s: string) => s): string =>
    r
      .map((cell, i) => (i === 2 ? color(cell) + ' '.repeat(widths[i]! - cell.length) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  if (sagas.length > 0) {
    io.out(c.bold(line(rows[0]!)) + '\n');
    for (const r of rows.slice(1)) io.out(line(r, (s) => colorStatus(s, c)) + '\n');
  }
  io.out(`${plural(sagas.length, status ? `${status} saga` : 'saga')} in this ${run.status} run\n`);
  if (sagas.length > 0)
    io.out(
      c.dim(
        run.style === 'orchestration'
          ? `'saga show <run> <saga or order>' shows one.\n`
          : run.style === '2pc'
            ? `A two-phase commit run's transactions, as its coordinator's log (coordinator.db) has them.\n`
            : `A choreographed run's sagas, as its read model (projection.db) has them.\n`,
      ),
    );
  return EXIT.held;
}

/** `saga show <run-dir> <saga|order>`: one saga as an operator needs it. */
export function showCommand(dir: string, key: string, options: ShowOptions, io: CliIo): ExitCode {
  const detail = withRun(dir, io, (run) => {
    // The world as it stopped or ended holds the message history and the broker's queues; a run without one still has its databases.
    // A choreographed run has no saga's story to show: said as such, not as a saga not found.
    orchestratorOf(run);
    const world = readWorldFile(run.dir, buildVersion());
    const found = showSaga(run, key, 'image' in world ? world.image : null);
    if (!found) throw new UsageError(`No saga or order ${quote(key)} in ${run.dir}; 'saga sagas ${dir}' lists them.`);
    return found;
  });
  io.out(options.json ? JSON.stringify(detail, null, 2) + '\n' : renderSaga(detail, makeStyle(io.env), outputWidth(io)));
  return EXIT.held;
}

/** One saga as `saga show` prints it. */
export function renderSaga(d: SagaDetail, c: ChalkInstance, width: number): string {
  const s = d.saga;
  const lines: string[] = [];
  lines.push(`${c.bold(`saga ${s.id}`)} for ${s.orderId}: ${colorStatus(s.status, c)}`);
  const where =
    s.status === 'RUNNING' || s.status === 'COMPENSATING'
      ? `at ${s.step}, attempt ${s.attempt}, waiting for ${s.waiting}${s.deadlineTick !== null ? ` until tick ${s.deadlineTick}` : ''}`
      : `ended at tick ${s.endedTick ?? '-'}`;
  lines.push(`started at tick ${s.startedTick}, ${where}${s.deadLetters ? `, ${plural(s.deadLetters, 'dead letter')}` : ''}`);
  const o = s.payload as OrderPayload;
  lines.push(`order: ${o.qty} × ${o.sku} for ${o.customer}, ${(o.amountCents / 100).toFixed(2)}`, '');

  lines.push(c.bold('its story (saga_log)'));
  const log = makeTable(['tick', 'status', 'step', 'note'], [8, 14, 19, 60], width, undefined, 'list');
  for (const l of d.log) log.push([l.tick, l.status, l.step, l.note]);
  lines.push(log.toString());
  if (d.deadLetters.length > 0) {
    const open = d.deadLetters.filter((l) => l.state === 'open').length;
    lines.push((open > 0 ? c.red.bold : c.bold)(`dead letters (${open} waiting for a person; 'saga dlq' acts on them)`));
    const dead = makeTable(['tick', 'step', 'command', 'state', 'reason'], [8, 19, 22, 12, 40], width, undefined, 'list');
    for (const l of d.deadLetters) {
      const acted = l.actedBy ? `; ${l.state} by ${l.actedBy}${l.note ? `: ${l.note}` : ''}` : '';
      dead.push([l.tick, l.step, l.command, l.state, l.reason + acted]);
    }
    lines.push(dead.toString());
  }

  if (d.messages) {
    lines.push(c.bold(`its messages (${d.messages.length}, from the run's trace)`));
    // Message types are names: they keep their width; what happened wraps, the ids give way first.
    const messages = makeTable(['sent', 'message', 'from → to', 'what happened', 'id'], [6, 26, 26, 40, 24], width, [4, 3, 2], 'list');
    for (const m of d.messages) messages.push([m.publishedTick ?? '-', m.type, `${m.from} → ${m.to}`, whatHappened(m), m.id]);
    lines.push(messages.toString());
  } else {
    lines.push(c.bold(`messages its components handled (${d.handled.length}, from their inboxes)`));
    const handled = makeTable(['tick', 'component', 'message', 'id'], [8, 14, 28, 24], width, [3], 'list');
    for (const m of d.handled) handled.push([m.tick, m.component, m.type, m.messageId]);
    lines.push(handled.toString());
    lines.push(
      c.dim('This run directory has no world.json (or one another build wrote): its message history and broker queues are not shown.'),
    );
  }
  const held = d.broker;
  if (held && held.queued.length + held.unacked.length + held.deadLettered.length > 0) {
    lines.push(c.bold('in the broker'));
    for (const m of held.queued)
      lines.push(
        `  queued for ${m.queue}: ${m.type} ${m.id}, ready at tick ${m.readyTick}${m.deliveries ? ` (${plural(m.deliveries, 'delivery', 'deliveries')} so far)` : ''}`,
      );
    for (const m of held.unacked)
      lines.push(`  handed to ${m.queue}, not acked: ${m.type} ${m.id}, back in its queue at tick ${m.visibleAgainTick} unless acked`);
    for (const m of held.deadLettered)
      lines.push(
        c.red(
          `  dead-lettered at tick ${m.tick} after ${plural(m.deliveries, 'delivery', 'deliveries')}: ${m.type} ${m.id} (for ${m.queue})`,
        ),
      );
  }
  if (d.unsent.length > 0) {
    lines.push(c.yellow(`${plural(d.unsent.length, 'message')} still in an outbox, never confirmed by the broker:`));
    for (const m of d.unsent) lines.push(`  ${m.component} → ${m.queue}: ${m.type} ${m.messageId}`);
  }

  lines.push(c.bold('its rows in each service'));
  const rows = makeTable(['component', 'table', 'row'], [14, 16, 60], width);
  for (const [component, tables] of Object.entries(d.rows))
    for (const [table, found] of Object.entries(tables))
      for (const row of found)
        rows.push([
          component,
          table,
          Object.entries(row)
            .filter(([k]) => k !== 'saga_id')
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
        ]);
  lines.push(rows.toString());
  return lines.join('\n') + '\n';
}

/** A message's fate in a few words: where it ended, and what happened to it on the way. */
function whatHappened(m: MessageStory): string {
  const parts: string[] = [];
  if (m.deadLetteredTick !== null) parts.push(`dead-lettered at ${m.deadLetteredTick}`);
  else if (m.handledTick !== null) parts.push(`handled at ${m.handledTick}`);
  else if (m.publishedTick === null) parts.push('not yet taken by the broker');
  else parts.push('not handled yet');
  if (m.deliveries > 1) parts.push(`${m.deliveries} deliveries`);
  if (m.duplicatesSkipped > 0) parts.push(`${plural(m.duplicatesSkipped, 'duplicate')} skipped`);
  if (m.rejected > 0) parts.push(`${m.rejected} rejected`);
  if (m.redelivered > 0) parts.push(`redelivered ${m.redelivered}×`);
  if (m.publishesDropped > 0) parts.push(`${plural(m.publishesDropped, 'publish', 'publishes')} dropped`);
  for (const f of m.faults) parts.push(f);
  for (const o of m.operator) parts.push(o);
  return parts.join('; ');
}

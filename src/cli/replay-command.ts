import { defenceFlag, withDisabled } from '../defences/index.js';
import { readReplayFile, runCase } from '../fuzz/index.js';
import { describeFault } from '../chaos/index.js';
import { formatTraceEvent } from '../kernel/index.js';
import { plural, styleNote } from './user-text.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { buildVersion } from '../version.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { UsageError } from './usage-error.js';
import { reportPath, writeReport } from './html-option.js';
import { RunRecorder } from '../report/index.js';
import { formatRecipe } from '../scenario/index.js';
import { basename } from 'node:path';
import { renderTimeline } from './scenario-report.js';
import { makeStyle, makeTable, wrap } from './style.js';

export interface ReplayOptions {
  readonly trace?: boolean;
  readonly json?: boolean;
  readonly html?: string;
}

/** `saga replay <file>`: reruns exactly the recorded schedule; exit 1 while the violation still reproduces. */
export function replayCommand(path: string, options: ReplayOptions, io: CliIo): ExitCode {
  const html = options.html === undefined ? undefined : reportPath(options.html);
  const replay = readReplayFile(path);
  if (html && replay.coordination && replay.coordination.style !== 'orchestration')
    throw new UsageError(
      `--html draws the orchestrator's sagas, and ${path} is a ${replay.coordination.style} run; drop --html (--trace prints its timeline).`,
    );
  const build = buildVersion();
  const recorder = html ? new RunRecorder() : null;
  const result = runCase(
    {
      seed: replay.seed,
      workload: replay.workload,
      schedule: replay.schedule,
      defences: withDisabled(replay.disabled),
      ...(replay.coordination ? { coordination: replay.coordination } : {}),
    },
    options.trace === true || recorder !== null,
    recorder?.hooks,
  );
  const reproduced = result.violations.some((v) => v.name === replay.invariant);
  const sameDigest = result.digest === replay.digest;
  let unwritten: string | null = null;
  if (recorder && html) {
    const command = formatRecipe({ command: 'replay', file: path, trace: false });
    const run = recorder.draw({
      name: `replay of ${basename(path)}`,
      description: `A failure the fuzzer found (${replay.invariant}, seed ${replay.seed}), replayed from its recorded faults: ${reproduced ? 'it reproduces' : 'it no longer reproduces'}.`,
      seed: replay.seed,
      ok: result.ok,
      digest: result.digest,
      ticks: result.outcome.ticks,
      replay: command,
      invariants: result.outcome.invariants,
      expectations: [],
      sagas: result.outcome.snapshot.sagas.map((s) => ({
        id: s.id,
        orderId: s.orderId,
        status: s.status,
        latencyTicks: s.endedTick === null ? null : s.endedTick - s.startedTick,
      })),
      events: result.outcome.traceEvents,
    });
    unwritten = writeReport(html, { title: `saga replay ${basename(path)}`, replay: command, table: null, runs: [run] });
  }
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          file: path,
          recipe: { command: 'replay', file: path },
          seed: replay.seed,
          coordination: replay.coordination ?? { style: 'orchestration', compensator: 'janitor' },
          invariant: replay.invariant,
          reproduced,
          sameDigest,
          build: { file: replay.build, this: build },
          digest: result.digest,
          sagas: result.outcome.snapshot.sagas.map((s) => ({ id: s.id, orderId: s.orderId, status: s.status })),
          invariants: result.outcome.invariants,
          ...(html && !unwritten ? { report: html } : {}),
          ...(options.trace ? { trace: result.outcome.traceEvents.map(formatTraceEvent), traceEvents: result.outcome.traceEvents } : {}),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const c = makeStyle(io.env);
    const width = outputWidth(io);
    const without = replay.disabled.length ? ` without ${replay.disabled.map(defenceFlag).join(', ')}` : '';
    // The file's path on a line of its own: it is copied whole, and the facts under it wrap.
    io.out(`${c.bold('saga replay')} ${path}\n`);
    io.out(
      c.dim(
        wrap(
          `seed ${replay.seed}${styleNote(replay.coordination)}${without}, ${plural(replay.workload.orders.length, 'order')}, found by build ${replay.build}`,
          width,
        ),
      ) + '\n',
    );
    if (replay.build !== build) io.out(c.yellow(wrap(`This is build ${build}: its runs may differ from the file's.`, width)) + '\n');
    const step = (f: (typeof replay.schedule)[number], i: number): string =>
      `  ${wrap(`${i + 1}. ${describeFault(f)}`, width - 2).replace(/\n/g, '\n     ')}`;
    io.out(
      `schedule (${plural(replay.schedule.length, 'fault')}):\n${replay.schedule.map(step).join('\n') || '  (none: the workload alone breaks it)'}\n`,
    );
    // The timeline after what the run was, before what it came to.
    if (options.trace) io.out(renderTimeline(result.outcome.traceEvents, c) + '\n');
    const table = makeTable(['check', 'result', 'detail'], [24, 8, 70], outputWidth(io));
    for (const r of result.outcome.invariants) table.push([r.name, r.ok ? c.green('pass') : c.red.bold('FAIL'), r.detail]);
    io.out(table.toString() + '\n');
    const digest = sameDigest
      ? ', same digest'
      : replay.build === build
        ? ', but the digest differs: the file was edited, or the code changed within this build'
        : `, but the digest differs: the file was written by build ${replay.build}`;
    io.out(
      reproduced
        ? (sameDigest ? c.red.bold : c.yellow)(wrap(`reproduced: ${replay.invariant} violated again${digest}`, width)) + '\n'
        : c.green.bold(`not reproduced: ${replay.invariant} holds now`) +
            (sameDigest ? '' : c.yellow(wrap(` (and the digest differs${digest.slice(digest.indexOf(':'))})`, width))) +
            '\n',
    );
    if (html && !unwritten) io.out(`report: ${html}\n`);
  }
  if (unwritten) {
    io.err(unwritten);
    return EXIT.failed;
  }
  return reproduced ? EXIT.violated : EXIT.held;
}

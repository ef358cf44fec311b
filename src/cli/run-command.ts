import { FAULT_PROFILES, findProfile, type FaultProfile } from '../chaos/index.js';
import {
  formatRecipe,
  scenarioRun,
  notApplicable,
  STOP_WHEN,
  stopWatch,
  writeWorldFile,
  type RunRequest,
  type Scenario,
  type ScenarioRun,
  type StopRule,
  type WorkloadOverrides,
} from '../scenario/index.js';
import { renderLanes } from './lane-timeline.js';
import { describeStoppedWorld, sagaSequenceDiagram, showSaga, type SagaDetail, type StoppedWorld } from '../operate/index.js';
import type { SimulationImage, TickBoundary } from '../world/index.js';
import { buildVersion } from '../version.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { withDisabled } from '../defences/index.js';
import { formatTraceEvent, nextTurn, wallClockMs } from '../kernel/index.js';
import { outputWidth, type CliIo, type Interrupt } from './cli-io.js';
import { listenForInterrupts } from './interrupts.js';
import { makeProgress } from './progress.js';
import { ensureFolder, sagaDir } from './saga-home.js';
import { basename, dirname, resolve } from 'node:path';
import { renderScenarioReport } from './scenario-report.js';
import { makeStyle, wrap } from './style.js';
import { renderSaga, withRun } from './inspect-command.js';
import { quote } from './user-text.js';
import { applicableTo, runCatalogue } from './catalogue-command.js';
import { reportPath, writeReport } from './html-option.js';
import { RunRecorder, scenarioRunFacts } from '../report/index.js';
import { orchestratorOnly, parseCoordination, parseDisabled, parseSeed, parseStorage, unknownName } from './parse-options.js';
import { parseWholeNumber, UsageError } from './usage-error.js';

/** How long a run goes between two turns of the event loop (when a Ctrl-C is heard): often enough to feel immediate, rarely enough to cost nothing. */
const MS_BETWEEN_TURNS = 50;

/** The options of `saga run`, as commander hands them over (strings until checked here). */
export interface RunOptions extends StopOptions {
  readonly scenario?: string;
  readonly seed: string;
  readonly storage: string;
  readonly json?: boolean;
  readonly trace?: boolean;
  readonly orders?: string;
  readonly stock?: string;
  readonly faults?: string;
  readonly disable?: string[];
  readonly all?: boolean;
  readonly allSagas?: boolean;
  readonly dir?: string;
  readonly show?: string;
  readonly mermaid?: string | true;
  readonly timeline?: string | true;
  readonly html?: string;
  readonly style?: string;
  readonly compensator?: string;
}

/** `saga run`: one scenario, one seed; returns the exit code (0 all held, 1 something was violated). */
export async function runCommand(options: RunOptions, catalogue: readonly Scenario[], io: CliIo): Promise<ExitCode> {
  if (options.all && options.scenario) throw new UsageError('Give either --scenario <name> or --all, not both.');
  if (!options.all && !options.scenario)
    throw new UsageError(`saga run needs --scenario <name> or --all; run 'saga scenarios' for the names.`);
  const scenario = options.scenario === undefined ? undefined : catalogue.find((s) => s.name === options.scenario);
  if (options.scenario !== undefined && !scenario)
    throw unknownName(
      'scenario',
      options.scenario,
      catalogue.map((s) => s.name),
      'saga scenarios',
    );
  const seed = parseSeed(options.seed);
  const storage = parseStorage(options.storage);
  const disabled = parseDisabled(options.disable);
  const coordination = parseCoordination(options.style, options.compensator);
  if (coordination) {
    const needsOrchestrator: ReadonlyArray<readonly [string, unknown]> = [
      ['--show', options.show],
      ['--mermaid', options.mermaid],
      ['--timeline', options.timeline],
      ['--html', options.html],
      ['--stop-at', options.stopAt],
      ['--stop-when', options.stopWhen],
    ];
    const given = needsOrchestrator.find(([, value]) => value !== undefined);
    if (given) throw orchestratorOnly(given[0]);
  }
  const why = scenario ? notApplicable(scenario, coordination) : null;
  if (scenario && why) throw new UsageError(`${scenario.name} does not apply to ${options.style ?? 'orchestration'}, because ${why}.`);
  const overrides: WorkloadOverrides = {
    ...(options.orders !== undefined ? { orders: parseWholeNumber('--orders', options.orders, 1, 100_000) } : {}),
    ...(options.stock !== undefined ? { stock: parseWholeNumber('--stock', options.stock, 0, 1_000_000_000) } : {}),
  };
  let profile: FaultProfile | undefined;
  if (options.faults !== undefined) {
    profile = findProfile(options.faults) ?? undefined;
    if (!profile) throw unknownName('fault profile', options.faults, Object.keys(FAULT_PROFILES));
  }

  if (storage === 'memory' && options.dir !== undefined)
    throw new UsageError('--dir places the databases of a file run; a run with --storage memory keeps none. Drop one of them.');
  if (options.all && options.trace)
    throw new UsageError('--trace shows one run; run one scenario with --scenario <name> to see its timeline.');
  const rule = parseStopRule(options, null);
  if (storage === 'memory' && rule !== NO_STOP)
    throw new UsageError('A stopped run is kept in its run directory: --stop-at and --stop-when need --storage file (the default).');
  if (options.timeline !== undefined && (options.all || options.json))
    throw new UsageError(
      '--timeline draws one run in its report: run one scenario with --scenario <name>, without --json (--trace gives the lines).',
    );
  if (options.mermaid !== undefined && (options.all || options.json || options.trace))
    throw new UsageError(
      '--mermaid prints one saga of one run as a diagram: run one scenario with --scenario <name>, without --json or --trace.',
    );
  if (options.all && options.show !== undefined)
    throw new UsageError('--show shows one saga of one run; run one scenario with --scenario <name>.');
  if (options.all && rule !== NO_STOP)
    throw new UsageError('--stop-at and --stop-when stop one run; run one scenario with --scenario <name>.');
  if (options.html !== undefined && rule !== NO_STOP)
    throw new UsageError(
      '--html draws a run that ended; a stopped run has no verdict yet: drop --stop-at/--stop-when to run it to its end.',
    );
  if (options.html !== undefined && options.mermaid !== undefined)
    throw new UsageError('--mermaid prints a diagram instead of the report; give --html or --mermaid, not both.');
  const html = options.html === undefined ? undefined : reportPath(options.html);
  const dataRoot = options.dir ?? sagaDir(io, 'runs');
  if (storage === 'file') ensureFolder(dataRoot);
  const request = {
    seed,
    storage,
    dataRoot,
    overrides,
    defences: withDisabled(disabled),
    ...(profile ? { profile } : {}),
    ...(coordination ? { coordination } : {}),
  };
  if (!scenario) {
    const { applicable } = applicableTo(catalogue, coordination, io);
    return await runCatalogue(applicable, request, { json: options.json === true, ...(html ? { html } : {}) }, io);
  }

  return await driveRun(
    scenario,
    (hooks) => scenarioRun({ ...request, scenario, ...hooks }),
    rule,
    { ...options, ...(html ? { html } : {}) },
    io,
  );
}

/** The stop rule of `run` and `resume`, checked: a tick still to come (after `now` when resuming), and a moment `--stop-when` knows. */
export function parseStopRule(options: StopOptions, now: number | null): StopRule {
  if (options.stopAt === undefined && options.stopWhen === undefined) return NO_STOP;
  const rule: { atTick?: number; when?: string } = {};
  if (options.stopAt !== undefined) {
    rule.atTick = parseWholeNumber('--stop-at', options.stopAt, 0, Number.MAX_SAFE_INTEGER);
    if (now !== null && rule.atTick <= now)
      throw new UsageError(`--stop-at ${rule.atTick} is not after tick ${now}, where this run stopped; give a later tick.`);
  }
  if (options.stopWhen !== undefined) {
    if (!Object.hasOwn(STOP_WHEN, options.stopWhen)) throw unknownName('--stop-when moment', options.stopWhen, Object.keys(STOP_WHEN));
    rule.when = options.stopWhen;
  }
  return rule;
}

const NO_STOP: StopRule = Object.freeze({});

/** When a run may stop before it settles, as the user gave it. */
export interface StopOptions {
  readonly stopAt?: string;
  readonly stopWhen?: string;
}

/** What `run` and `resume` print, as the user asked for it. */
interface ReportOptions extends StopOptions {
  /** A saga or order to show, after the report, as `saga show` shows it. */
  readonly show?: string;
  /** Print one saga as a Mermaid sequence diagram instead of the report: the saga or order named, or the run's first (true). */
  readonly mermaid?: string | true;
  /** Draw the timeline as lanes in the report: every saga's (true), or the saga or order named. */
  readonly timeline?: string | true;
  /** The tick a resumed run carried on from (said above its report, which is otherwise that of a run that never stopped). */
  readonly resumedFromTick?: number;
  readonly json?: boolean;
  readonly trace?: boolean;
  readonly allSagas?: boolean;
  /** Also write the run as an HTML report to this file (a checked, absolute path). */
  readonly html?: string;
}

/**
 * Runs a scenario (new or resumed) to its end and reports it, or stops it between two ticks
 * when its stop rule or a signal says so. A stopped file run writes its world down first,
 * so `saga resume` carries it on exactly as it would have gone.
 */
export async function driveRun(
  scenario: Scenario,
  start: (hooks: Pick<RunRequest, 'onRunDir' | 'onEvent' | 'onEnd'>) => Generator<TickBoundary, ScenarioRun>,
  rule: StopRule,
  options: ReportOptions,
  io: CliIo,
): Promise<ExitCode> {
  const keepTrace = options.trace === true;
  // Ctrl-C stops the run between two ticks: its databases stay as they were, and nothing is judged.
  const progress = makeProgress(io, options.json === true);
  const interrupts = listenForInterrupts(io, progress, 'tick');
  const watch = stopWatch(rule);
  let runDir: string | null = null;
  // --show reads the saga from the world as it ended, before its databases close: the same view `saga show` gives, memory or file.
  let shown: SagaDetail | null = null;
  const show = options.show;
  // --html reads, as the run goes, the rows each event wrote, and each saga's rows as it ended.
  const recorder = options.html === undefined ? null : new RunRecorder();
  const onEnd: RunRequest['onEnd'] =
    show === undefined && !recorder
      ? undefined
      : (image, dbs) => {
          if (show !== undefined) shown = showSaga({ dbs }, show, image);
          recorder?.hooks.onEnd(image, dbs);
        };
  const onEvent: RunRequest['onEvent'] = recorder
    ? (event, databases) => {
        watch.onEvent(event);
        recorder.hooks.onEvent(event, databases);
      }
    : watch.onEvent;
  const steps = start({ onRunDir: (dir) => (runDir = dir), onEvent, ...(onEnd ? { onEnd } : {}) });
  let run: ScenarioRun | null = null;
  let stopped: { tick: number; reason: string | null; image: SimulationImage | null } | null = null;
  let lastTurn = wallClockMs();
  try {
    for (;;) {
      const step = steps.next();
      if (step.done) {
        run = step.value;
        break;
      }
      const at = step.value;
      const reason = watch.reason(at);
      if (interrupts.heard || reason !== null) {
        // Written down between two ticks, before the databases close: the world can go on from here in a new process.
        const image = runDir ? at.image() : null;
        if (runDir && image) writeWorldFile(runDir, image, buildVersion());
        stopped = { tick: at.tick, reason: interrupts.heard ? null : reason, image };
        // Closing the generator runs its finally blocks: the world's databases close, the run directory says it stopped.
        steps.return(undefined as never);
        break;
      }
      // A turn for the event loop (a Ctrl-C) every few tens of milliseconds, however long or short the ticks.
      if (wallClockMs() - lastTurn >= MS_BETWEEN_TURNS) {
        progress.show(`run ${scenario.name}: tick ${at.tick.toLocaleString('en-US')}`);
        await nextTurn();
        lastTurn = wallClockMs();
      }
    }
  } finally {
    interrupts.stop();
    progress.end();
  }
  if (stopped) return reportStop(stopped, runDir, interrupts.heard, options, io);
  if (!run) throw new Error('a run neither ended nor stopped');
  const { result, outcome, dataDir } = run;
  if (options.mermaid !== undefined) {
    const key = options.mermaid;
    const saga = key === true ? result.sagas[0] : result.sagas.find((s) => s.id === key || s.orderId === key);
    if (!saga) {
      io.err(`No saga or order ${quote(String(key))} in this run; its sagas are ${result.sagas.map((s) => s.id).join(', ') || 'none'}.\n`);
      return EXIT.usage;
    }
    io.out(sagaSequenceDiagram(outcome.traceEvents, saga.id));
    return result.ok ? EXIT.held : EXIT.violated;
  }
  let unwritten: string | null = null;
  if (recorder && options.html) {
    const title = `saga run ${scenario.name} — seed ${result.seed}`;
    unwritten = writeReport(options.html, {
      title,
      replay: formatRecipe(result.recipe),
      table: null,
      runs: [recorder.draw(scenarioRunFacts(scenario, run))],
    });
  }
  if (options.json) {
    // Where the databases are (null in memory), so a script can open them.
    const json = {
      ...result,
      runDir: dataDir,
      ...(options.html && !unwritten ? { report: options.html } : {}),
      // The timeline as its lines (what the digest hashes), and as objects with their typed facts, for a script to read.
      ...(keepTrace ? { trace: outcome.traceEvents.map(formatTraceEvent), traceEvents: outcome.traceEvents } : {}),
      ...(shown ? { show: shown } : {}),
    };
    io.out(JSON.stringify(json, null, 2) + '\n');
  } else {
    const c = makeStyle(io.env);
    const settings = {
      storage: dataDir ? ('file' as const) : ('memory' as const),
      dataDir,
      allSagas: options.allSagas === true,
      width: outputWidth(io),
    };
    if (options.resumedFromTick !== undefined) io.out(c.dim(`resumed at tick ${options.resumedFromTick}\n`));
    const key = options.timeline;
    const laneSaga = typeof key === 'string' ? result.sagas.find((s) => s.id === key || s.orderId === key) : undefined;
    if (typeof key === 'string' && !laneSaga)
      throw new UsageError(`No saga or order ${quote(key)} in this run, so --timeline has nothing to draw.`);
    const lanes = key === undefined ? undefined : renderLanes(outcome.traceEvents, c, settings.width, laneSaga?.id);
    const drawn = { ...settings, ...(keepTrace ? { timeline: outcome.traceEvents } : {}), ...(lanes ? { lanes } : {}) };
    io.out(renderScenarioReport(scenario, result, drawn, c));
    if (shown) io.out('\n' + renderSaga(shown, c, settings.width));
    if (options.html && !unwritten) io.out(`report: ${options.html}\n`);
  }
  if (show !== undefined && !shown) {
    // Found out only once the run ended: the run itself stands, and its verdict is the exit code.
    const ids = result.sagas.map((s) => `${s.id} (${s.orderId})`).sort();
    const some = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ') || 'none';
    io.err(`No saga or order ${quote(show)} in this run, so --show showed nothing; its sagas are ${some}.\n`);
  }
  if (rule !== NO_STOP)
    io.err(
      `The run ended before ${rule.when !== undefined ? `--stop-when ${rule.when}` : `--stop-at ${rule.atTick}`} came: nothing to stop.\n`,
    );
  if (unwritten) {
    io.err(unwritten);
    return EXIT.failed;
  }
  return result.ok ? EXIT.held : EXIT.violated;
}

/** Says where a stopped run stands and how to carry it on: on stdout when its stop rule stopped it (exit 0), on stderr after a signal. */
function reportStop(
  stopped: { tick: number; reason: string | null; image: SimulationImage | null },
  runDir: string | null,
  signal: Interrupt | null,
  options: ReportOptions,
  io: CliIo,
): ExitCode {
  const resume = runDir ? `npx saga resume ${runArgument(runDir, io)}` : null;
  if (signal) {
    const where = runDir ? `; its databases are in ${runDir}` : '';
    io.err(`Stopped by ${signal} at tick ${stopped.tick}, before the run settled: nothing was checked${where}.\n`);
    if (resume) io.err(`resume: ${resume}\n`);
    return interruptExit(signal);
  }
  const world = withRun(runDir!, io, (run) => describeStoppedWorld(run, stopped.image!));
  if (options.json) {
    io.out(JSON.stringify({ stopped: { tick: stopped.tick, reason: stopped.reason }, runDir, world, resume }, null, 2) + '\n');
    return EXIT.held;
  }
  const c = makeStyle(io.env);
  const width = outputWidth(io);
  io.out(c.bold(wrap(`Stopped at tick ${stopped.tick}: ${stopped.reason}.`, width)) + '\n');
  // Each line indented, its continuation lines too.
  for (const line of describeWorldLines(world, runArgument(runDir!, io)))
    io.out(
      wrap(line, width - 4)
        .split('\n')
        .map((part, i) => (i === 0 ? `  ${part}` : `    ${part}`))
        .join('\n') + '\n',
    );
  io.out(`resume: ${resume}\n`);
  return EXIT.held;
}

/** How to name a run directory on the command line: its name when it is where `saga runs` looks, its path otherwise. */
function runArgument(dir: string, io: CliIo): string {
  return resolve(dirname(dir)) === resolve(sagaDir(io, 'runs')) ? basename(dir) : dir;
}

/** A stopped world in a few lines: its sagas, its messages, what is down, what is waiting (and for an order awaiting approval, the commands that decide it). */
function describeWorldLines(world: StoppedWorld, run: string): string[] {
  const first = world.awaitingApproval[0];
  const sagas = Object.entries(world.sagas).map(([status, n]) => `${n} ${status}`);
  const down = world.down.map((d) => `${d.component}${d.backAtTick === null ? '' : ` (back at tick ${d.backAtTick})`}`);
  return [
    `sagas: ${sagas.join(', ') || 'none yet'}`,
    `messages: ${world.queued} queued, ${world.unacked} delivered and not acked, ${world.unsent} in outboxes`,
    `dead letters waiting for a person: ${world.deadLetters}`,
    ...(world.awaitingApproval.length
      ? [
          `awaiting approval: ${world.awaitingApproval.join(', ')} (decide with 'npx saga approve ${run} ${first}' or 'npx saga reject ${run} ${first} --reason "..."')`,
        ]
      : []),
    `down: ${down.join(', ') || 'nothing'}`,
    `timers: ${world.timers}`,
  ];
}

import { FAULT_PROFILES, findProfile, type FaultProfile } from '../chaos/index.js';
import { scenarioRun, type Scenario, type ScenarioRun, type WorkloadOverrides } from '../scenario/index.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { withDisabled } from '../defences/index.js';
import { formatTraceEvent, nextTurn, wallClockMs } from '../kernel/index.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { listenForInterrupts } from './interrupts.js';
import { makeProgress } from './progress.js';
import { ensureFolder, sagaDir } from './saga-home.js';
import { renderScenarioReport } from './scenario-report.js';
import { makeStyle } from './style.js';
import { runCatalogue } from './catalogue-command.js';
import { parseDisabled, parseSeed, parseStorage, unknownName } from './parse-options.js';
import { parseWholeNumber, UsageError } from './usage-error.js';

/** How long a run goes between two turns of the event loop (when a Ctrl-C is heard): often enough to feel immediate, rarely enough to cost nothing. */
const MS_BETWEEN_TURNS = 50;

/** The options of `saga run`, as commander hands them over (strings until checked here). */
export interface RunOptions {
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
  const dataRoot = options.dir ?? sagaDir(io, 'runs');
  if (storage === 'file') ensureFolder(dataRoot);
  const request = { seed, storage, dataRoot, overrides, defences: withDisabled(disabled), ...(profile ? { profile } : {}) };
  if (!scenario) return await runCatalogue(catalogue, request, options.json === true, io);

  const keepTrace = options.trace === true;
  // Ctrl-C stops the run between two ticks: its databases stay as they were, and nothing is judged.
  const progress = makeProgress(io, options.json === true);
  const interrupts = listenForInterrupts(io, progress, 'tick');
  let runDir: string | null = null;
  const steps = scenarioRun({ ...request, scenario, onRunDir: (dir) => (runDir = dir) });
  let run: ScenarioRun | null = null;
  let tick = 0;
  let lastTurn = wallClockMs();
  try {
    for (;;) {
      if (interrupts.heard) {
        // Closing the generator runs its finally blocks: the world's databases close, the run directory says it stopped.
        steps.return(undefined as never);
        break;
      }
      const step = steps.next();
      if (step.done) {
        run = step.value;
        break;
      }
      tick = step.value;
      // A turn for the event loop (a Ctrl-C) every few tens of milliseconds, however long or short the ticks.
      if (wallClockMs() - lastTurn >= MS_BETWEEN_TURNS) {
        progress.show(`run ${scenario.name}: tick ${tick.toLocaleString('en-US')}`);
        await nextTurn();
        lastTurn = wallClockMs();
      }
    }
  } finally {
    interrupts.stop();
    progress.end();
  }
  if (!run) {
    const where = runDir ? `; its databases are in ${runDir}` : '';
    io.err(`Stopped by ${interrupts.heard} at tick ${tick}, before the run settled: nothing was checked${where}.\n`);
    return interruptExit(interrupts.heard!);
  }
  const { result, outcome, dataDir } = run;

  if (options.json) {
    // Where the databases are (null in memory), so a script can open them.
    const json = { ...result, runDir: dataDir, ...(keepTrace ? { trace: outcome.traceEvents.map(formatTraceEvent) } : {}) };
    io.out(JSON.stringify(json, null, 2) + '\n');
  } else {
    const c = makeStyle(io.env);
    const settings = { storage, dataDir, allSagas: options.allSagas === true, width: outputWidth(io) };
    io.out(renderScenarioReport(scenario, result, keepTrace ? { ...settings, timeline: outcome.traceEvents } : settings, c));
  }
  return result.ok ? EXIT.held : EXIT.violated;
}

import { FAULT_PROFILES, findProfile, type FaultProfile } from '../chaos/index.js';
import { runScenario, type Scenario, type WorkloadOverrides } from '../scenario/index.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { withDisabled } from '../defences/index.js';
import { formatTraceEvent } from '../kernel/index.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { sagaDir } from './saga-home.js';
import { renderScenarioReport, renderTimeline } from './scenario-report.js';
import { makeStyle } from './style.js';
import { runCatalogue } from './catalogue-command.js';
import { parseDisabled, parseSeed, parseStorage, unknownName } from './parse-options.js';
import { parseWholeNumber, UsageError } from './usage-error.js';

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

  const dataRoot = sagaDir(io, 'runs');
  const request = { seed, storage, dataRoot, overrides, defences: withDisabled(disabled), ...(profile ? { profile } : {}) };
  if (!scenario) return await runCatalogue(catalogue, request, options.json === true, io);

  const keepTrace = options.trace === true;
  const { result, outcome, dataDir } = runScenario({ ...request, scenario });

  if (options.json) {
    const json = keepTrace ? { ...result, trace: outcome.traceEvents.map(formatTraceEvent) } : result;
    io.out(JSON.stringify(json, null, 2) + '\n');
  } else {
    const c = makeStyle(io.env);
    if (keepTrace) io.out(renderTimeline(outcome.traceEvents, c) + '\n');
    io.out(renderScenarioReport(scenario, result, { storage, dataDir, allSagas: options.allSagas === true, width: outputWidth(io) }, c));
  }
  return result.ok ? EXIT.held : EXIT.violated;
}

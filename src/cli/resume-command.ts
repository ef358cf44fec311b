import { prepareResume } from '../operate/index.js';
import { scenarioRun, type Scenario } from '../scenario/index.js';
import { buildVersion } from '../version.js';
import type { CliIo } from './cli-io.js';
import type { ExitCode } from './exit-codes.js';
import { runDirOf } from './inspect-command.js';
import { driveRun, parseStopRule, type StopOptions } from './run-command.js';

export interface ResumeOptions extends StopOptions {
  readonly json?: boolean;
  readonly trace?: boolean;
  readonly allSagas?: boolean;
  readonly show?: string;
}

/**
 * `saga resume <run-dir>`: carries on a stopped file run in a new process, from its run
 * directory alone, to its end (the same report, digest and exit code as a run that never
 * stopped) or to the next stop. A directory that cannot be resumed is refused with exit 2
 * and nothing on disk changed.
 */
export async function resumeCommand(dir: string, options: ResumeOptions, catalogue: readonly Scenario[], io: CliIo): Promise<ExitCode> {
  const { request, tick } = prepareResume(runDirOf(dir, io), buildVersion(), (name) => catalogue.find((s) => s.name === name));
  const rule = parseStopRule(options, tick);
  return await driveRun(
    request.scenario,
    (hooks) => scenarioRun({ ...request, ...hooks }),
    rule,
    { ...options, resumedFromTick: tick },
    io,
  );
}

import type { Scenario } from '../scenario/index.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { EXIT, type ExitCode } from './exit-codes.js';

export interface ScenariosOptions {
  readonly json?: boolean;
}

/**
 * `saga scenarios`: the catalogue, one line each — the name whole (it is what a user copies),
 * then what the scenario shows, cut to the width of the output.
 */
export function scenariosCommand(options: ScenariosOptions, catalogue: readonly Scenario[], io: CliIo): ExitCode {
  if (options.json) {
    const rows = catalogue.map((s) => ({ name: s.name, fault: s.fault, description: s.description, expectedStatuses: s.expectedStatuses }));
    io.out(JSON.stringify(rows, null, 2) + '\n');
    return EXIT.held;
  }
  const nameWidth = Math.max(...catalogue.map((s) => s.name.length));
  const width = outputWidth(io);
  for (const s of catalogue) {
    const line = `${s.name.padEnd(nameWidth)}  ${s.description}`;
    io.out(`${line.length > width ? `${line.slice(0, Math.max(nameWidth, width - 1))}…` : line}\n`);
  }
  return EXIT.held;
}

import { SCENARIOS } from '../../scenarios/index.js';
import { processIo } from './cli-io.js';
import { runCli } from './program.js';

// The one place src meets the catalogue: the scenarios are data the CLI is handed.
const code = await runCli(process.argv.slice(2), processIo(), SCENARIOS);
// Output that could not be written has already set exit code 3: the command's own verdict does not undo that.
process.exitCode ??= code;

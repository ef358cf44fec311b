import { SCENARIOS } from '../../scenarios/index.js';
import { processIo } from './cli-io.js';
import { runCli } from './program.js';

// The one place src meets the catalogue: the scenarios are data the CLI is handed.
process.exitCode = await runCli(process.argv.slice(2), processIo(), SCENARIOS);

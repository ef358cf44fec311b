import { PROCESS_IO } from './cli-io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), PROCESS_IO);

import { Command, CommanderError, Option } from 'commander';
import { FAULT_PROFILES } from '../chaos/index.js';
import { DEFENCE_NAMES, defenceFlag } from '../defences/index.js';
import { STOP_WHEN, type Scenario } from '../scenario/index.js';
import { SAGA_STATUSES } from '../operate/index.js';
import type { SagasOptions, ShowOptions } from './inspect-command.js';
import type { ResumeOptions } from './resume-command.js';
import type { DlqOptions } from './dlq-command.js';
import type { DecisionOptions } from './approve-command.js';
import type { WalkthroughOptions } from './walkthrough-command.js';
import type { DiffOptions } from './diff-command.js';
import type { CliIo } from './cli-io.js';
import type { AbOptions } from './ab-command.js';
import type { BenchOptions } from './bench-command.js';
import type { CompareOptions } from './compare-command.js';
import type { CrashMatrixOptions } from './crash-matrix-command.js';
import type { FuzzCommandOptions } from './fuzz-command.js';
import { collect, once, unknownName } from './parse-options.js';
import type { ReplayOptions } from './replay-command.js';
import type { RunOptions } from './run-command.js';
import type { RunsOptions } from './runs-command.js';
import type { ScenariosOptions } from './scenarios-command.js';
import { buildVersion } from '../version.js';
import { UserError } from '../kernel/index.js';
import { printable } from './user-text.js';
import { EXIT, type ExitCode } from './exit-codes.js';

const DEFENCES = DEFENCE_NAMES.map(defenceFlag).join(', ');
const SHOW_HELP = 'after the report, show one saga (by saga or order id) as `saga show` does; with --storage memory too';
const HTML_HELP =
  'also write the run as one self-contained HTML page (works offline): swimlanes per saga, the rows each event wrote, the invariants';
const STOP_AT_HELP = 'stop before the world does anything after this tick, and write it down to resume later (file storage)';
const STOP_WHEN_HELP = `stop at the end of the tick in which this happens: ${Object.keys(STOP_WHEN).join(', ')}`;
const STYLE_HELP = 'how the sagas are coordinated: orchestration (the default), choreography, or 2pc (two-phase commit)';
const COMPENSATOR_HELP = 'with --style choreography: who undoes a failed saga, the janitor (default) or the services themselves';

/**
 * Runs the `saga` command line over a catalogue of scenarios and returns its exit code; never
 * throws for bad input. Each command's code is loaded when that command runs, so a command
 * carries only what it uses: `saga bench` measures memory in this process, and the fuzzer's
 * file schemas alone hold 3 MB of heap.
 */
export async function runCli(argv: readonly string[], io: CliIo, catalogue: readonly Scenario[]): Promise<number> {
  let code: ExitCode = EXIT.held;
  const program = new Command('saga')
    .description('saga-lab: a deterministic lab for the saga pattern — break a small shop on purpose and check it stays consistent.')
    .version(buildVersion(), '-V, --version', 'print the version and exit')
    .addHelpText(
      'after',
      [
        '',
        'Exit codes, the same for every command:',
        '  0    every invariant held (a run stopped by --stop-at or',
        '       --stop-when: its world was written down, nothing judged)',
        '  1    something was violated (replay: it still reproduces;',
        '       ab: nothing broke without the defence)',
        '  2    bad usage or input; the message says what to fix',
        '  3    the tool itself failed (SAGA_DEBUG=1 shows where)',
        '  130  stopped by Ctrl-C, 143 by SIGTERM, after saying what was done',
        '',
        'Files go under .saga/ at the project root, or under SAGA_HOME when set.',
      ].join('\n'),
    )
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
    .showSuggestionAfterError(true);

  program
    .command('run')
    .description(
      'run one scenario with one seed; prints the scenario table (exit 0 when every invariant and expectation holds, 1 otherwise)',
    )
    .option('-s, --scenario <name>', 'the scenario to run (see `saga scenarios`)', once('--scenario'))
    .option('--all', 'run the whole catalogue and print one table (exit 0 only if every scenario passes)')
    .option('--seed <n>', 'the seed every random decision derives from', once('--seed'), '1')
    .addOption(
      new Option(
        '--storage <kind>',
        'where the seven databases live: files in a new directory under .saga/runs/ (see `saga runs`), or memory',
      )
        .default('file')
        .argParser(once('--storage')),
    )
    .option('--json', 'print exactly one JSON object instead of the table')
    .option('--trace', 'also print the message timeline of the run')
    .option('--dir <path>', 'make the run directory under this folder instead of .saga/runs', once('--dir'))
    .option(
      '--all-sagas',
      'list every saga in the report (by default a run with more than 20 shows a count by status and the sagas that matter)',
    )
    .option('--orders <n>', "override the scenario's number of orders", once('--orders'))
    .option('--stock <n>', "override the scenario's starting stock per SKU", once('--stock'))
    .option('--faults <profile>', `add a seeded network fault profile: ${Object.keys(FAULT_PROFILES).join(', ')}`, once('--faults'))
    .option('--disable <defence>', `switch a defence off to see what breaks (repeatable, or comma-separated): ${DEFENCES}`, collect, [])
    .option('--stop-at <tick>', STOP_AT_HELP, once('--stop-at'))
    .option('--stop-when <moment>', STOP_WHEN_HELP, once('--stop-when'))
    .option('--show <saga>', SHOW_HELP, once('--show'))
    .option(
      '--timeline [saga]',
      'draw the timeline as lanes, one column per component: arrows for messages, markers for what the world did to them (one saga or order with a value)',
    )
    .option(
      '--mermaid [saga]',
      "print one saga (by saga or order id; the run's first saga without one) as a Mermaid sequence diagram, instead of the report",
    )
    .option('--html <file>', HTML_HELP, once('--html'))
    .option('--style <style>', STYLE_HELP, once('--style'))
    .option('--compensator <who>', COMPENSATOR_HELP, once('--compensator'))
    .action(async (options: RunOptions) => {
      code = await (await import('./run-command.js')).runCommand(options, catalogue, io);
    });

  program
    .command('resume')
    .description(
      'carry on a stopped run (file storage) in this process, from its run directory alone, to its end or the next stop; the report, digest and exit code are those of a run that never stopped (unless a person acted on it with saga dlq, approve or reject)',
    )
    .argument('<run>', 'a stopped run directory, or its name as `saga runs` lists it')
    .option('--stop-at <tick>', STOP_AT_HELP, once('--stop-at'))
    .option('--stop-when <moment>', STOP_WHEN_HELP, once('--stop-when'))
    .option('--json', 'print exactly one JSON object instead of the table')
    .option('--trace', 'also print the message timeline of the whole run')
    .option('--all-sagas', 'list every saga in the report')
    .option('--show <saga>', 'after the report, show one saga (by saga or order id) as `saga show` does', once('--show'))
    .action(async (dir: string, options: ResumeOptions) => {
      code = await (await import('./resume-command.js')).resumeCommand(dir, options, catalogue, io);
    });

  program
    .command('crash-matrix')
    .description(
      'kill each component at every crash point of a saga (before and after each commit, after handling, after an ack, after a publish; forward, while compensating, while parked for approval; some restarts forgetting their timers), restart it, and check the world',
    )
    .option('--seed <n>', 'the seed', once('--seed'), '1')
    .option('--json', 'print one JSON object')
    .option('--disable <defence>', `switch a defence off: ${DEFENCES}`, collect, [])
    .option('--html <file>', 'also write the matrix as an HTML page: a row per point, the failing ones drawn', once('--html'))
    .option('--style <style>', STYLE_HELP, once('--style'))
    .option('--compensator <who>', COMPENSATOR_HELP, once('--compensator'))
    .action(async (options: CrashMatrixOptions) => {
      code = await (await import('./crash-matrix-command.js')).crashMatrixCommand(options, io);
    });

  program
    .command('bench')
    .description('run happy-path sagas as fast as the engine goes and compare with the SQLite ceiling measured in the same process')
    .option('--orders <n>', 'how many sagas', once('--orders'), '10000')
    .option('--storage <kind>', 'memory, or WAL files with the same pragmas as the engine', once('--storage'), 'memory')
    .option('--fuzz', 'measure fuzz seeds/s instead, on one worker and on every core')
    .option('--seeds <n>', 'with --fuzz: how many seeds', once('--seeds'), '500')
    .option('--style <style>', `${STYLE_HELP}; 'all' runs each style in turn and compares them`, once('--style'))
    .option('--compensator <who>', COMPENSATOR_HELP, once('--compensator'))
    .option('--json', 'print one JSON object')
    .action(async (options: BenchOptions) => {
      code = await (await import('./bench-command.js')).benchCommand(options, io);
    });

  program
    .command('fuzz')
    .description(
      'random workloads and fault schedules, one per seed; shrinks each failure to a minimal schedule and writes a replay file. `saga fuzz merge a.json b.json ...` merges shard outputs',
    )
    .argument('[merge...]', "'merge' followed by the JSON files of the shards")
    .option('--seeds <n>', 'how many seeds', once('--seeds'), '1000')
    .option('--from <seed>', 'the first seed', once('--from'), '1')
    .option('--shard <i/n>', 'run only shard i of n (seed from+k belongs to shard k mod n + 1)', once('--shard'))
    .option('--workers <n>', 'worker threads (default: the number of cores)', once('--workers'))
    .option('--disable <defence>', `switch a defence off: ${DEFENCES}`, collect, [])
    .option('--no-shrink', 'report failing seeds without shrinking them')
    .option('--style <style>', STYLE_HELP, once('--style'))
    .option('--compensator <who>', COMPENSATOR_HELP, once('--compensator'))
    .option('--json', 'print one JSON object (no progress bar)')
    .action(async (words: string[], options: FuzzCommandOptions, command: Command) => {
      const given = ['seeds', 'from', 'shard', 'workers', 'disable', 'shrink', 'style', 'compensator'].filter(
        (o) => command.getOptionValueSource(o) === 'cli',
      );
      code = await (await import('./fuzz-command.js')).fuzzCommand(words, { ...options, given }, io);
    });

  program
    .command('replay')
    .description('rerun a replay file written by saga fuzz, exactly (exit 1 while the violation reproduces)')
    .argument('<file>', 'a file under .saga/failures/')
    .option('--trace', 'also print the message timeline')
    .option('--json', 'print one JSON object')
    .option('--html <file>', HTML_HELP, once('--html'))
    .action(async (file: string, options: ReplayOptions) => {
      code = await (await import('./replay-command.js')).replayCommand(file, options, io);
    });

  program
    .command('ab')
    .description(
      'run the catalogue with and without a defence and show which invariants break, in which scenarios. Exit 0 when something breaks without the defence (the catalogue shows what it protects), 1 when nothing does',
    )
    .option('--disable <defence>', `the defence to switch off: ${DEFENCES}`, collect, [])
    .option('--seed <n>', 'the seed', once('--seed'), '1')
    .option('--json', 'print one JSON object')
    .option('--html <file>', 'also write an HTML page: where something breaks, the run with and without the defence, drawn', once('--html'))
    .option('--style <style>', STYLE_HELP, once('--style'))
    .option('--compensator <who>', COMPENSATOR_HELP, once('--compensator'))
    .action(async (options: AbOptions) => {
      code = await (await import('./ab-command.js')).abCommand(options, catalogue, io);
    });

  program
    .command('compare')
    .description(
      'run a scenario (or the catalogue) with the same seed and faults under every style of coordination, and print one table: verdict, messages and commits per order, latency, stock held (exit 0 when every run that applies holds)',
    )
    .option('-s, --scenario <name>', 'the scenario to compare (see `saga scenarios`)', once('--scenario'))
    .option('--all', 'compare over the whole catalogue')
    .option('--seed <n>', 'the seed every random decision derives from', once('--seed'), '1')
    .option('--json', 'print one JSON object')
    .action(async (options: CompareOptions) => {
      code = await (await import('./compare-command.js')).compareCommand(options, catalogue, io);
    });

  program
    .command('runs')
    .description('list the run directories that file runs left under .saga/runs (list), or remove all but the running ones (clean)')
    .argument('[action]', "'list' (the default) or 'clean'")
    .option('--dir <path>', 'the folder `saga run --dir` made its runs under, instead of .saga/runs', once('--dir'))
    .option('--json', 'print one JSON object')
    .action(async (action: string | undefined, options: RunsOptions) => {
      code = await (await import('./runs-command.js')).runsCommand(action, options, io);
    });

  program
    .command('sagas')
    .description("list a run's sagas: id, order, status, step, attempt, and the tick of its last change (file runs; see `saga runs`)")
    .argument('<run>', 'a run directory, or its name as `saga runs` lists it')
    .option('--status <status>', `only sagas in this status: ${SAGA_STATUSES.join(', ')}`, once('--status'))
    .option('--json', 'print one JSON array')
    .action(async (dir: string, options: SagasOptions) => {
      code = await (await import('./inspect-command.js')).sagasCommand(dir, options, io);
    });

  program
    .command('show')
    .description(
      'show one saga of a run: its state, its story, the messages its components handled or still hold, and its rows in each service',
    )
    .argument('<run>', 'a run directory, or its name as `saga runs` lists it')
    .argument('<saga>', 'a saga id or an order id')
    .option('--json', 'print one JSON object')
    .action(async (dir: string, key: string, options: ShowOptions) => {
      code = await (await import('./inspect-command.js')).showCommand(dir, key, options, io);
    });

  program
    .command('dlq')
    .description(
      "a run's dead letters (the broker's, one queue of them per queue, and the orchestrator's), and a person acting on one: redrive sends it again with a fresh budget, resolve records it was done by hand; then `saga resume` carries it out",
    )
    .argument('<run>', 'a run directory that stopped or ended, or its name as `saga runs` lists it')
    .argument('[action]', 'list (the default), redrive or resolve')
    .argument('[id]', 'the dead letter to act on, as list shows it')
    .option('--note <text>', 'why (required for resolve: what was done by hand); the saga log keeps it', once('--note'))
    .option('--by <name>', "who acts (default: $USER, or 'operator' without one)", once('--by'))
    .option('--json', 'print JSON')
    .action(async (dir: string, action: string | undefined, id: string | undefined, options: DlqOptions) => {
      code = await (await import('./dlq-command.js')).dlqCommand(dir, action, id, options, io);
    });

  program
    .command('approve')
    .description(
      'approve an order awaiting approval (AWAITING_APPROVAL) in a stopped run: the saga goes on to charge it; `saga resume` carries it out',
    )
    .argument('<run>', 'a stopped run directory, or its name as `saga runs` lists it')
    .argument('<order>', 'the order (or its saga id)')
    .option('--note <text>', 'why (or --reason); the saga log keeps it', once('--note'))
    .addOption(new Option('--reason <text>').hideHelp().argParser(once('--reason')))
    .option('--by <name>', "who decides (default: $USER, or 'operator' without one)", once('--by'))
    .option('--json', 'print JSON')
    .action(async (dir: string, order: string, options: DecisionOptions) => {
      code = await (await import('./approve-command.js')).decisionCommand('approve', dir, order, options, io);
    });

  program
    .command('reject')
    .description(
      'reject an order awaiting approval (AWAITING_APPROVAL) in a stopped run: the saga undoes its reservation and cancels the order; `saga resume` carries it out',
    )
    .argument('<run>', 'a stopped run directory, or its name as `saga runs` lists it')
    .argument('<order>', 'the order (or its saga id)')
    .option('--reason <text>', 'why (required; or --note); the saga log keeps it', once('--reason'))
    .addOption(new Option('--note <text>').hideHelp().argParser(once('--note')))
    .option('--by <name>', "who decides (default: $USER, or 'operator' without one)", once('--by'))
    .option('--json', 'print JSON')
    .action(async (dir: string, order: string, options: DecisionOptions) => {
      code = await (await import('./approve-command.js')).decisionCommand('reject', dir, order, options, io);
    });

  program
    .command('walkthrough')
    .description(
      'run a scenario as a lesson: the saga the world did most to, one moment at a time (a command, a crash, a restart, a skipped duplicate, a compensation, a dead letter), each with why the design handles it and the rows it wrote. At a terminal Enter goes on and q quits; piped, it prints straight through',
    )
    .argument('<scenario>', 'a scenario of the catalogue (see `saga scenarios`)')
    .option('--seed <n>', 'the seed', once('--seed'), '1')
    .option('--saga <saga>', 'follow this saga (by saga or order id) instead of the one the world did most to', once('--saga'))
    .option('--no-pause', 'print straight through, without waiting for Enter')
    .action(async (name: string, options: WalkthroughOptions) => {
      code = await (await import('./walkthrough-command.js')).walkthroughCommand(name, options, catalogue, io);
    });

  program
    .command('diff')
    .description(
      'where two runs part, and how they end differently: the first event of their timelines that differs, with the events before it, then the sagas and invariants that differ. Exit 0 when the runs are the same, 1 when they differ',
    )
    .argument('<a>', 'the options of a run in one argument ("--scenario crash-before-publish --seed 9"), a replay file, or a run directory')
    .argument('<b>', 'the other run, the same way ("--scenario crash-before-publish --seed 9 --disable outbox")')
    .option('--json', 'print one JSON object')
    // A side is a run's options in one argument: it starts with '--' and is not diff's own.
    .allowUnknownOption()
    .action(async (a: string, b: string, options: DiffOptions) => {
      const run = (sideArgv: readonly string[]) => captured(sideArgv, io, catalogue);
      code = await (await import('./diff-command.js')).diffCommand(a, b, options, run, io);
    });

  program
    .command('scenarios')
    .description('list the scenarios, one line each: the name, then what it shows')
    .option('--json', 'print one JSON array: name, fault, description, expected statuses')
    .action(async (options: ScenariosOptions) => {
      code = await (await import('./scenarios-command.js')).scenariosCommand(options, catalogue, io);
    });

  try {
    // `saga help <command>` for a command that does not exist is a mistake, not a request for help.
    if (argv[0] === 'help' && argv[1] !== undefined && !program.commands.some((c) => c.name() === argv[1]))
      throw unknownName(
        'command',
        argv[1],
        program.commands.map((c) => c.name()),
        'saga --help',
      );
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.held;
      if (error.code === 'commander.help') return EXIT.held;
      // Commander puts its suggestion on a line of its own: one line, then the way to help (the command's own, when one was named).
      const command = program.commands.find((c) => c.name() === argv[0]);
      io.err(
        `${printable(
          error.message
            .replace(/^error: /, '')
            .trim()
            .replace(/\n\(Did you mean/, ' (Did you mean'),
        )}\nRun 'saga ${command ? `${command.name()} ` : ''}--help' for usage.\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof UserError) {
      io.err(`${printable(error.message)}\n`);
      return EXIT.usage;
    }
    // Not the user's doing: one line, the stack only when asked for.
    const message = printable(error instanceof Error ? error.message : String(error));
    if (io.env.SAGA_DEBUG && error instanceof Error && error.stack) io.err(`saga failed: ${message}\n${error.stack}\n`);
    else io.err(`saga failed: ${message}\nSet SAGA_DEBUG=1 to see where.\n`);
    return EXIT.failed;
  }
}

/** Runs the CLI on `argv` with its output kept, not printed (how `saga diff` runs each side). */
async function captured(argv: readonly string[], io: CliIo, catalogue: readonly Scenario[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    { env: io.env, ...(io.cwd ? { cwd: io.cwd } : {}), out: (t) => void (stdout += t), err: (t) => void (stderr += t) },
    catalogue,
  );
  return { code, stdout, stderr };
}

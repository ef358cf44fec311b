import type { Coordination } from '../world/index.js';
import {
  formatRecipe,
  notApplicable,
  replayLine,
  runRecipe,
  runScenario,
  type RunRequest,
  type Scenario,
  type ScenarioResult,
} from '../scenario/index.js';
import { nextTurn } from '../kernel/index.js';
import { EXIT, interruptExit, type ExitCode } from './exit-codes.js';
import { writeReport } from './html-option.js';
import { RunRecorder, scenarioRunFacts, type ReportRun } from '../report/index.js';
import { listenForInterrupts } from './interrupts.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { makeProgress } from './progress.js';
import { makeStyle, makeTable, wrap } from './style.js';

/** The width below which `run --all` leaves out each service's columns. */
const WIDE_TABLE = 152;

/** The scenarios of `catalogue` that apply to a style; the others are named on stderr, so nobody takes their absence for a pass. */
export function applicableTo(
  catalogue: readonly Scenario[],
  how: Coordination | undefined,
  io: CliIo,
): { applicable: Scenario[]; skipped: string[] } {
  const applicable = catalogue.filter((s) => notApplicable(s, how) === null);
  const skipped = catalogue.filter((s) => !applicable.includes(s)).map((s) => s.name);
  if (skipped.length > 0) io.err(`Not run, as they do not apply to ${how?.style ?? 'orchestration'}: ${skipped.join(', ')}.\n`);
  return { applicable, skipped };
}

/** `saga run --all`: the whole catalogue with one seed, one row per scenario; exit 0 only if every row passes. Ctrl-C reports the scenarios run so far. */
export async function runCatalogue(
  catalogue: readonly Scenario[],
  request: Omit<RunRequest, 'scenario'>,
  output: { readonly json: boolean; readonly html?: string },
  io: CliIo,
): Promise<ExitCode> {
  const { json, html } = output;
  const progress = makeProgress(io, json);
  const interrupts = listenForInterrupts(io, progress, 'scenario');
  const results: ScenarioResult[] = [];
  const drawn: ReportRun[] = [];
  try {
    for (const [i, scenario] of catalogue.entries()) {
      if (interrupts.heard) break;
      progress.show(`run --all: ${i + 1}/${catalogue.length} ${scenario.name}`);
      const recorder = html ? new RunRecorder() : null;
      const run = runScenario({ ...request, scenario, ...(recorder ? recorder.hooks : {}) });
      results.push(run.result);
      if (recorder) drawn.push(recorder.draw(scenarioRunFacts(scenario, run)));
      await nextTurn();
    }
  } finally {
    interrupts.stop();
  }
  progress.end();
  let unwritten: string | null = null;
  if (html) {
    // What was run, even when a Ctrl-C cut the catalogue short.
    const rows = results.map((r, i) => {
      const failed = [...r.invariants, ...r.expectations].filter((x) => !x.ok).map((x) => x.name);
      const cells = [
        r.scenario,
        catalogue[i]!.fault,
        failed.join(', ') || `${r.invariants.length} held`,
        String(r.sagas.length),
        r.ok ? 'PASS' : 'FAIL',
      ];
      return { cells, ok: r.ok, run: i };
    });
    const table = { columns: ['scenario', 'fault', 'invariants', 'sagas', 'result'], rows };
    const recipe = runRecipe(request);
    unwritten = writeReport(html, { title: `saga run --all — seed ${request.seed}`, replay: formatRecipe(recipe), table, runs: drawn });
  }
  if (json) {
    io.out(JSON.stringify(results, null, 2) + '\n');
  } else {
    const c = makeStyle(io.env);
    const width = outputWidth(io);
    // Each service's end state needs about 150 columns; a narrower output keeps the verdicts and leaves those to --json.
    const wide = width >= WIDE_TABLE;
    const table = wide
      ? makeTable(
          ['scenario', 'fault', 'order', 'inventory', 'payment', 'fulfillment', 'notification', 'invariants', 'p50/p99 ms', 'result'],
          [32, 30, 14, 12, 12, 13, 14, 24, 12, 8],
          width,
          [1, 7],
        )
      : makeTable(['scenario', 'fault', 'invariants', 'result'], [31, 30, 24, 8], width, [1, 2]);
    catalogue.slice(0, results.length).forEach((scenario, i) => {
      const r = results[i]!;
      const s = r.services;
      const failed = [...r.invariants, ...r.expectations].filter((x) => !x.ok);
      const sold = s.inventory.stock.reduce((n, x) => n + x.sold, 0);
      const reserved = s.inventory.stock.reduce((n, x) => n + x.reserved, 0);
      const invariants = failed.length === 0 ? c.green(`${r.invariants.length} held`) : c.red(failed.map((x) => x.name).join('\n'));
      const verdict = r.ok ? c.green('PASS') : c.red.bold('FAIL');
      if (!wide) return void table.push([scenario.name, scenario.fault, invariants, verdict]);
      table.push([
        scenario.name,
        scenario.fault,
        `${s.order.CONFIRMED} confirmed\n${s.order.CANCELLED} cancelled${s.order.PENDING ? `\n${s.order.PENDING} pending` : ''}`,
        `${sold} sold\n${reserved} reserved`,
        `${s.payment.charges} charged\n${s.payment.refunds} refunded`,
        `${s.fulfillment.SCHEDULED} scheduled\n${s.fulfillment.CANCELLED} cancelled`,
        `${s.notification.email} email\n${s.notification.push} push`,
        invariants,
        `${r.latency.p50Ticks} / ${r.latency.p99Ticks}`,
        verdict,
      ]);
    });
    io.out(table.toString() + '\n');
    if (!wide) io.out(c.dim(wrap(`Each service's end state shows in ${WIDE_TABLE} columns or more, and in --json.`, width)) + '\n');
    const passed = results.filter((r) => r.ok).length;
    const verdict =
      passed < results.length
        ? `${c.red.bold('FAIL')}  ${passed} of ${results.length} scenarios passed`
        : interrupts.heard
          ? `${c.yellow.bold('STOPPED')}  ${results.length} of ${catalogue.length} scenarios run, all passed`
          : `${c.green.bold('PASS')}  ${passed} of ${results.length} scenarios passed`;
    io.out(`${verdict} (latency in virtual ms)\n`);
    for (const r of results.filter((x) => !x.ok)) {
      for (const f of [...r.invariants, ...r.expectations].filter((x) => !x.ok)) io.out(c.red(`  ${r.scenario}: ${f.name}: ${f.detail}\n`));
    }
    io.out(c.dim(`${replayLine(runRecipe(request))}\n`));
    if (html && !unwritten) io.out(`report: ${html}\n`);
  }
  if (unwritten) io.err(unwritten);
  if (interrupts.heard) {
    if (!json) io.out(`stopped by ${interrupts.heard} after ${results.length} of ${catalogue.length} scenarios\n`);
    return interruptExit(interrupts.heard);
  }
  if (unwritten) return EXIT.failed;
  return results.every((r) => r.ok) ? EXIT.held : EXIT.violated;
}

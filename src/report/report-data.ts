import { INVARIANTS, type InvariantResult } from '../check/index.js';
import { formatTraceEvent, type TraceEvent } from '../kernel/index.js';
import { eventMark, messageRoutes, showSaga, type EventMark, type SagaDetail } from '../operate/index.js';
import { formatRecipe, runScenario, type RunRequest, type Scenario, type ScenarioRun } from '../scenario/index.js';
import type { SimulationOptions } from '../world/index.js';
import { RowWatch, type RowChange } from './row-changes.js';

/** Everything an HTML report draws, as plain data: it travels inside the page as JSON. */
export interface ReportData {
  /** What was run, e.g. `saga run crash-mid-payment — seed 1`. */
  readonly title: string;
  readonly build: string;
  /** The command that runs it all again. */
  readonly replay: string;
  /** A table over the runs (the catalogue's, the crash matrix's), each row opening its run when it has one. */
  readonly table: ReportTable | null;
  readonly runs: readonly ReportRun[];
  /** Something the report leaves out, said once at the top (e.g. runs drawn only for failures). */
  readonly note?: string;
  /** The verdict at the top, when it is not "every run passed" (ab's: something breaks without the defence). */
  readonly verdict?: { readonly ok: boolean; readonly text: string };
}

export interface ReportTable {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<{ readonly cells: readonly string[]; readonly ok: boolean; readonly run: number | null }>;
}

/** What names a run and how it ended, in a report and in what it is drawn from. */
interface RunHeading {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly ok: boolean;
  readonly digest: string;
  readonly ticks: number;
  readonly replay: string;
}

/** One run, drawn: its verdicts, its sagas, and its timeline with the rows each event committed. */
export interface ReportRun extends RunHeading {
  readonly checks: readonly ReportCheck[];
  readonly sagas: readonly ReportSaga[];
  readonly events: readonly ReportEvent[];
}

/** An invariant or an expectation, with what it protects and, when it failed, the events that explain it. */
export interface ReportCheck extends InvariantResult {
  readonly protects: string;
  /** Indices into the run's events: what the world did to the sagas the failure names. */
  readonly explainedBy: readonly number[];
}

export interface ReportSaga {
  readonly id: string;
  readonly orderId: string;
  readonly status: string;
  readonly latencyTicks: number | null;
  readonly log: SagaDetail['log'];
  readonly deadLetters: SagaDetail['deadLetters'];
  /** Each component's rows of the saga as the run ended, by table. */
  readonly rows: SagaDetail['rows'];
}

/** One event of the timeline: its line as the trace prints it, how it is drawn, its saga, and the rows it committed. */
export interface ReportEvent {
  readonly tick: number;
  readonly kind: TraceEvent['kind'];
  readonly actor: string;
  readonly line: string;
  /** The saga it belongs to (it names it, or struck one of its messages), or null. */
  readonly saga: string | null;
  readonly mark: EventMark | null;
  readonly changes: readonly RowChange[];
}

/** Which kinds of event explain a failure: what the world did, and what the design did about it. */
const EXPLAINING = new Set<TraceEvent['kind']>(['fault', 'crash', 'restart', 'skip', 'reject', 'redeliver', 'dead-letter', 'operator']);
/** At most this many events explain one failure. */
const EXPLAINED_MAX = 20;

/** The run as a report draws it, from its recorder and its result. */
export interface RunFacts extends RunHeading {
  readonly invariants: readonly InvariantResult[];
  readonly expectations: readonly InvariantResult[];
  readonly sagas: ReadonlyArray<{
    readonly id: string;
    readonly orderId: string;
    readonly status: string;
    readonly latencyTicks: number | null;
  }>;
  readonly events: readonly TraceEvent[];
}

/**
 * Watches one run for its report: the rows each event commits (read as the run goes) and each
 * saga's rows as it ended. Give `hooks` to the run; then `draw` the run once it is judged.
 */
export class RunRecorder {
  private readonly watch = new RowWatch();
  private readonly changes: RowChange[][] = [];
  private readonly details = new Map<string, SagaDetail>();

  readonly hooks: Required<Pick<SimulationOptions, 'onEvent' | 'onEnd'>> = {
    onEvent: (event, databases) => void this.changes.push(this.watch.changesAt(event, databases)),
    onEnd: (_image, dbs) => {
      const ids = (dbs.orchestrator?.prepare('select id from sagas order by started_tick, id').all() ?? []) as Array<{ id: string }>;
      for (const { id } of ids) {
        const detail = showSaga({ dbs }, id, null);
        if (detail) this.details.set(id, detail);
      }
    },
  };

  draw(run: RunFacts): ReportRun {
    const routes = messageRoutes(run.events);
    const status = new Map<string, string>();
    // A resumed trace begins with events this recorder never saw: they changed no row it knows of.
    const unseen = run.events.length - this.changes.length;
    const events = run.events.map((e, i): ReportEvent => {
      const changes = i >= unseen ? (this.changes[i - unseen] ?? []) : [];
      // A transition a timer made (a retry, a timeout) draws nothing on the terminal's lanes, but it wrote rows: a note shows it.
      const mark = eventMark(e, routes, status) ?? (changes.length > 0 ? note(e) : null);
      return {
        tick: e.tick,
        kind: e.kind,
        actor: e.actor,
        line: formatTraceEvent(e),
        saga: e.sagaId || (e.msgId !== undefined ? (routes.saga.get(e.msgId) ?? null) : null),
        mark,
        changes,
      };
    });
    const protects = new Map(INVARIANTS.map((inv) => [inv.name, inv.protects]));
    const check = (r: InvariantResult, what: string): ReportCheck => ({
      ...r,
      protects: protects.get(r.name) ?? what,
      explainedBy: r.ok ? [] : explaining(r.detail, events),
    });
    return {
      name: run.name,
      description: run.description,
      seed: run.seed,
      ok: run.ok,
      digest: run.digest,
      ticks: run.ticks,
      replay: run.replay,
      checks: [
        ...run.invariants.map((r) => check(r, 'an invariant of the world')),
        ...run.expectations.map((r) => check(r, 'what this scenario is meant to show')),
      ],
      sagas: run.sagas.map((s) => {
        const detail = this.details.get(s.id);
        return {
          ...s,
          log: detail?.log ?? [],
          deadLetters: detail?.deadLetters ?? [],
          rows: detail?.rows ?? {},
        };
      }),
      events,
    };
  }
}

function note(e: TraceEvent): EventMark {
  return { kind: 'mark', lane: e.actor, mark: 'note', label: `${e.type ?? e.kind}${e.detail ? `: ${e.detail}` : ''}` };
}

/**
 * The events that explain a failure: what the world did to the sagas and orders its detail
 * names (faults, crashes and restarts of their components, duplicates skipped, dead letters,
 * a person's acts); for a failure that names none, what the world did to the whole run.
 */
function explaining(detail: string, events: readonly ReportEvent[]): number[] {
  const named = new Set(detail.match(/\b(saga|order)-\d+\b/g) ?? []);
  const sagas = new Set<string>();
  for (const e of events) if (e.saga && (named.has(e.saga) || named.has(e.saga.replace(/^saga-/, 'order-')))) sagas.add(e.saga);
  // The components the named sagas went through, and while: a crash of one of them then is part of their story.
  const used = new Set<string>();
  let [from, to] = [Infinity, -Infinity];
  for (const e of events)
    if (e.saga !== null && sagas.has(e.saga)) {
      used.add(e.actor);
      [from, to] = [Math.min(from, e.tick), Math.max(to, e.tick)];
    }
  const picked: number[] = [];
  events.forEach((e, i) => {
    if (picked.length >= EXPLAINED_MAX || !EXPLAINING.has(e.kind)) return;
    const machine = (e.kind === 'crash' || e.kind === 'restart') && used.has(e.actor) && e.tick >= from && e.tick <= to;
    if (sagas.size === 0 || (e.saga !== null && sagas.has(e.saga)) || machine) picked.push(i);
  });
  return picked;
}

/** What a report says of one scenario run, from its judged result and its outcome. */
export function scenarioRunFacts(scenario: Pick<Scenario, 'name' | 'description'>, run: Pick<ScenarioRun, 'result' | 'outcome'>): RunFacts {
  const { result, outcome } = run;
  return {
    name: scenario.name,
    description: scenario.description,
    seed: result.seed,
    ok: result.ok,
    digest: result.digest,
    ticks: result.ticks,
    replay: formatRecipe(result.recipe),
    invariants: result.invariants,
    expectations: result.expectations,
    sagas: result.sagas,
    events: outcome.traceEvents,
  };
}

/** Runs a scenario (in memory unless the request says otherwise) and draws it; `name` and `replay` say what it stands for in a larger report. */
export function drawScenario(request: RunRequest, name = request.scenario.name, replay?: string): ReportRun {
  const recorder = new RunRecorder();
  const run = runScenario({ ...request, ...recorder.hooks });
  const facts = scenarioRunFacts(request.scenario, run);
  return recorder.draw({ ...facts, name, ...(replay ? { replay } : {}) });
}

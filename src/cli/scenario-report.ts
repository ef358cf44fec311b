import type { ChalkInstance } from 'chalk';
import { FAULT_PROFILES } from '../chaos/index.js';
import { INVARIANTS, type InvariantResult } from '../check/index.js';
import { defenceFlag } from '../defences/index.js';
import { formatTraceEvent, type TraceEvent, type TraceKind } from '../kernel/index.js';
import { replayLine, type Scenario, type ScenarioResult } from '../scenario/index.js';
import { plural } from './user-text.js';
import { colorStatus, makeTable, wrap } from './style.js';

/** How the run was made, for the header and the replay line. */
export interface RunSettings {
  readonly storage: 'memory' | 'file';
  readonly dataDir: string | null;
  /** List every saga, however many. */
  readonly allSagas?: boolean;
  /** The width of the output (see outputWidth). */
  readonly width?: number;
  /** The trace, shown after the header (what the run was) and before the sagas (what it came to). */
  readonly timeline?: readonly TraceEvent[];
  /** The timeline drawn as lanes (see lane-timeline.ts), shown in the same place. */
  readonly lanes?: string;
}

/** Up to this many sagas, the report lists each. */
const SAGAS_SHOWN = 20;

/** The sagas a reader of a large run wants first: those that did not complete, then the slowest. */
function sagasThatMatter(sagas: ScenarioResult['sagas']): ScenarioResult['sagas'] {
  const notCompleted = sagas.filter((s) => s.status !== 'COMPLETED');
  const slowest = sagas
    .filter((s) => s.status === 'COMPLETED')
    .sort((a, b) => (b.latencyTicks ?? 0) - (a.latencyTicks ?? 0) || (a.orderId < b.orderId ? -1 : 1));
  return [...notCompleted, ...slowest].slice(0, SAGAS_SHOWN);
}

/** The human report of one run: header, sagas, the end state of each service, the verdicts, and how to replay. */
export function renderScenarioReport(scenario: Scenario, result: ScenarioResult, settings: RunSettings, c: ChalkInstance): string {
  const lines: string[] = [];
  lines.push(c.bold(`saga run ${scenario.name}`) + c.dim(` — seed ${result.seed}, storage ${settings.storage}`));
  if (settings.dataDir) lines.push(c.dim(`databases: ${settings.dataDir}`));
  const width = settings.width ?? Infinity;
  lines.push(wrap(scenario.description, width));
  lines.push(`${c.bold('fault:')} ${scenario.fault}`);
  // What this run changed from the scenario as described: the description above assumes none of it, so it says so first.
  const r = result.recipe;
  if (r.command === 'run') {
    const changes: string[] = [];
    if (r.faults !== undefined)
      changes.push(
        `${c.bold('network:')} ${r.faults} (${FAULT_PROFILES[r.faults]?.description ?? 'a fault profile'}), on top of the scenario's own faults`,
      );
    if (r.disabled.length > 0)
      changes.push(`${c.bold('defences off:')} ${r.disabled.map(defenceFlag).join(', ')}: expect what they protect against to break`);
    if (r.orders !== undefined || r.stock !== undefined) {
      const stock = result.services.inventory.stock[0]?.initial ?? 0;
      const how = r.stock !== undefined ? 'as given' : 'scaled with the orders';
      changes.push(`${c.bold('workload:')} ${plural(result.sagas.length, 'order')}, ${plural(stock, 'unit')} per SKU (${how})`);
    }
    if (changes.length > 0) {
      lines.push(c.yellow.bold('This run is not the scenario as written above:'));
      for (const change of changes) lines.push(`  ${wrap(change, width - 2).replace(/\n/g, '\n  ')}`);
    }
  }
  lines.push('');
  if (settings.timeline) lines.push(renderTimeline(settings.timeline, c));
  if (settings.lanes) lines.push(settings.lanes);

  // Every saga when there are few (or when asked); with many, a count by status and the ones that did not complete first.
  const shown = settings.allSagas || result.sagas.length <= SAGAS_SHOWN ? result.sagas : sagasThatMatter(result.sagas);
  if (shown.length < result.sagas.length) {
    const byStatus = new Map<string, number>();
    for (const s of result.sagas) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
    lines.push(
      `${plural(result.sagas.length, 'saga')}: ${[...byStatus].map(([status, n]) => `${n.toLocaleString('en-US')} ${colorStatus(status, c)}`).join(', ')}`,
    );
  }
  const sagas = makeTable(['order', 'saga', 'status', 'latency (ticks)']);
  for (const s of shown) sagas.push([s.orderId, s.id, colorStatus(s.status, c), s.latencyTicks ?? '-']);
  lines.push(sagas.toString());
  if (shown.length < result.sagas.length)
    lines.push(c.dim(`${plural(result.sagas.length - shown.length, 'more saga')} not shown (--all-sagas lists every one)`));

  const sv = result.services;
  const services = makeTable(['service', 'end state'], [14, 110], settings.width);
  services.push(['order', counts(sv.order)]);
  services.push([
    'inventory',
    sv.inventory.stock
      .map((s) => `${s.sku}: ${s.available} available, ${s.reserved} reserved, ${s.sold} sold of ${s.initial}`)
      .concat(counts(sv.inventory.reservations))
      .join('\n'),
  ]);
  services.push([
    'payment',
    `${sv.payment.charges} charged (${cents(sv.payment.chargedCents)}), ${sv.payment.declined} declined, ${sv.payment.refunds} refunded (${cents(sv.payment.refundedCents)})` +
      (sv.payment.held + sv.payment.voided > 0 ? `\n${sv.payment.held} held, ${sv.payment.voided} voided` : ''),
  ]);
  services.push(['fulfillment', counts(sv.fulfillment)]);
  services.push(['notification', counts(sv.notification)]);
  const b = result.broker;
  services.push([
    'broker',
    `${b.published} published, ${b.delivered} delivered, ${b.acked} acked, ${b.redelivered} redelivered\n` +
      `${b.dropped} dropped, ${b.duplicated} duplicated, ${b.delayed} delayed, ${b.reordered} reordered, ${b.deadLettered} dead-lettered, ${plural(b.duplicatesSkipped, 'duplicate')} skipped`,
  ]);
  lines.push(services.toString());

  const verdicts = makeTable(['check', 'result', 'detail'], [24, 8, 70], settings.width);
  for (const r of [...result.invariants, ...result.expectations]) {
    // A broken invariant says what it is there to prevent, so a learner sees why the failure matters.
    const protects = r.ok ? undefined : INVARIANTS.find((i) => i.name === r.name)?.protects;
    verdicts.push([r.name, passFail(r, c), protects ? `${r.detail}\n${c.dim(`(it protects against ${protects})`)}` : r.detail]);
  }
  lines.push(verdicts.toString());

  const summary = wrap(
    `${plural(result.sagas.length, 'saga')}, ${plural(result.ticks, 'tick')}, ` +
      `latency p50 ${result.latency.p50Ticks} / p99 ${result.latency.p99Ticks} ticks, digest ${result.digest.slice(0, 16)}`,
    (settings.width ?? Infinity) - 6,
  );
  lines.push(`${result.ok ? c.green.bold('PASS') : c.red.bold('FAIL')}  ${summary.replace(/\n/g, '\n      ')}`);
  lines.push(c.dim(replayLine(result.recipe)));
  if (result.interventions)
    lines.push(
      c.yellow(
        `A person acted on this run (${plural(result.interventions, 'time')}, saga dlq, approve or reject): the replay line runs it without them.`,
      ),
    );
  return lines.join('\n') + '\n';
}

const KIND_COLORS: Partial<Record<TraceKind, (c: ChalkInstance) => ChalkInstance>> = {
  crash: (c) => c.red.bold,
  restart: (c) => c.green.bold,
  fault: (c) => c.magenta,
  skip: (c) => c.yellow,
  reject: (c) => c.red,
  'dead-letter': (c) => c.red.bold,
  saga: (c) => c.cyan,
  phase: (c) => c.bold,
};

/** The run's timeline, one event a line, exactly the lines the digest hashes. */
export function renderTimeline(events: readonly TraceEvent[], c: ChalkInstance): string {
  return events.map((e) => (KIND_COLORS[e.kind]?.(c) ?? ((s: string) => s))(formatTraceEvent(e))).join('\n') + '\n';
}

function passFail(r: InvariantResult, c: ChalkInstance): string {
  return r.ok ? c.green('pass') : c.red.bold('FAIL');
}

function counts(record: Readonly<Record<string, number>>): string {
  return Object.entries(record)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

function cents(n: number): string {
  return `${(n / 100).toFixed(2)}`;
}

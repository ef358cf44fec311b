import { PLACE_ORDER_SAGA, SagaStatus, type SagasTable } from '../orchestrator/index.js';
import { bitsSet, COMPONENTS, parseReplyType, PARTICIPANTS, type ComponentName } from '../protocol/index.js';
import { Prepared, type Database } from '../store/index.js';
import { TRANSACTIONS_VIEW } from '../two-phase/index.js';
import type { SimulationImage } from '../world/index.js';
import { messageStories, type MessageStory } from './message-story.js';
import { orchestratorOf, type OpenRun } from './open-run.js';

/** One saga as `saga sagas` lists it. */
export interface SagaSummary {
  readonly id: string;
  readonly orderId: string;
  readonly status: SagaStatus;
  /** The step it runs or undoes; for an ended saga, where it ended. */
  readonly step: string;
  readonly attempt: number;
  readonly startedTick: number;
  /** The tick of its last transition. */
  readonly lastChangeTick: number;
}

export const SAGA_STATUSES: readonly SagaStatus[] = Object.values(SagaStatus);

type SagaRow = SagasTable;

/** The saga's step as its name, or `done` past the last one. */
function stepName(step: number): string {
  return PLACE_ORDER_SAGA.steps[step]?.name ?? 'done';
}

/** The sagas of a run, oldest first, optionally only those in one status. */
export function listSagas(run: Pick<OpenRun, 'dbs'> & Partial<Pick<OpenRun, 'dir'>>, status?: SagaStatus): SagaSummary[] {
  if (!run.dbs.orchestrator && run.dbs.projection) return viewedSagas(run.dbs.projection, status);
  if (!run.dbs.orchestrator && run.dbs.coordinator) return transactions(run.dbs.coordinator, status);
  const db = orchestratorOf(run);
  const lastChange = new Map(
    db
      .prepare('select saga_id, max(tick) as tick from saga_log group by saga_id')
      .all()
      .map((r) => [(r as { saga_id: string }).saga_id, (r as { tick: number }).tick]),
  );
  const rows = db
    .prepare(`select * from sagas ${status ? 'where status = ?' : ''} order by started_tick, id`)
    .all(...(status ? [status] : [])) as SagaRow[];
  return rows.map((r) => summaryOf(r, lastChange.get(r.id)));
}

/**
 * A choreographed run's sagas, as its read model has them: no table holds a saga, so the
 * projection's view is what there is. The step is the one its last event was about; nobody
 * retries a step, so each is on its first try.
 */
function viewedSagas(projection: Database, status?: SagaStatus): SagaSummary[] {
  const rows = projection
    .prepare(`select * from saga_view ${status ? 'where status = ?' : ''} order by started_tick, id`)
    .all(...(status ? [status] : [])) as Array<{
    id: string;
    order_id: string;
    status: SagaStatus;
    last_event: string;
    started_tick: number;
    last_tick: number;
  }>;
  return rows.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    status: r.status,
    step: r.status === SagaStatus.Completed ? 'done' : stepOfEvent(r.last_event),
    attempt: 1,
    startedTick: r.started_tick,
    lastChangeTick: r.last_tick,
  }));
}

/**
 * A two-phase commit's transactions, from its coordinator's log: where each stands (PREPARING
 * with its yes votes so far, COMMITTING, ABORTED…), in place of a step; its try is how often
 * its decision went out (once, and again on each resend: on its timer, or to a participant that asked).
 */
function transactions(coordinator: Database, status?: SagaStatus): SagaSummary[] {
  return new Prepared(coordinator, TRANSACTIONS_VIEW)
    .all()
    .filter((t) => status === undefined || t.status === status)
    .map((t) => ({
      id: t.id,
      orderId: t.orderId,
      status: t.status,
      step: t.state === 'PREPARING' ? `PREPARING, ${bitsSet(t.votes)} of ${PARTICIPANTS.length} yes` : t.state,
      attempt: 1 + t.resends,
      startedTick: t.startedTick,
      lastChangeTick: t.lastChangeTick,
    }));
}

/** The saga step an event is about: the step whose command, or whose compensation, it answers. */
function stepOfEvent(type: string): string {
  const command = parseReplyType(type)?.command;
  return PLACE_ORDER_SAGA.steps.find((s) => s.command === command || s.compensation === command)?.name ?? type;
}

function summaryOf(r: SagaRow, lastChangeTick: number | undefined): SagaSummary {
  return {
    id: r.id,
    orderId: r.order_id,
    status: r.status,
    step: stepName(r.step),
    attempt: r.attempt,
    startedTick: r.started_tick,
    lastChangeTick: lastChangeTick ?? r.started_tick,
  };
}

/** A dead letter of the saga as `show` lists it (the step by name once read). */
interface SagaLetter {
  readonly tick: number;
  readonly command: string;
  readonly reason: string;
  readonly state: string;
  readonly actedBy: string | null;
  readonly note: string | null;
}

/** One saga as an operator needs it: its state, its own story, the messages its components handled or still hold, and every row that belongs to it. */
export interface SagaDetail {
  readonly saga: SagaSummary & {
    readonly waiting: string;
    readonly deadlineTick: number | null;
    readonly compensateFrom: string | null;
    readonly deadLetters: number;
    readonly endedTick: number | null;
    readonly payload: unknown;
  };
  readonly log: ReadonlyArray<{ tick: number; status: string; step: string; note: string }>;
  /** What the saga gave up on: open ones wait for a person (see `saga dlq`); the others say who acted, or that the saga undid the step itself (closed). */
  readonly deadLetters: ReadonlyArray<SagaLetter & { step: string }>;
  /** Every message a component handled for this saga (from its inbox), in tick order. */
  readonly handled: ReadonlyArray<{ tick: number; component: ComponentName; type: string; messageId: string }>;
  /** Messages written but not yet confirmed by the broker (still in an outbox). */
  readonly unsent: ReadonlyArray<{ component: ComponentName; type: string; messageId: string; queue: string }>;
  /** Each component's own rows for this saga, by table. */
  readonly rows: Readonly<Partial<Record<ComponentName, Record<string, Array<Record<string, unknown>>>>>>;
  /** Every message of the saga as the run's trace tells it (sent, delivered, skipped, redelivered, dead-lettered); null without a trace. */
  readonly messages: readonly MessageStory[] | null;
  /** What the broker still holds of the saga where the world stopped or ended; null without a world image. */
  readonly broker: BrokerHolding | null;
}

/** A saga's messages in the broker: waiting in a queue, handed over and not acked, or given up on. */
export interface BrokerHolding {
  readonly queued: ReadonlyArray<{ queue: string; type: string; id: string; readyTick: number; deliveries: number }>;
  readonly unacked: ReadonlyArray<{ queue: string; type: string; id: string; visibleAgainTick: number }>;
  readonly deadLettered: ReadonlyArray<{ queue: string; type: string; id: string; tick: number; deliveries: number }>;
}

/** Tables shown in their own sections, not again as rows. */
const OWN_SECTIONS = new Set(['inbox', 'outbox', 'saga_log', 'dead_letters']);

/**
 * Finds a saga by its id or its order's id, and gathers everything the run holds about it:
 * its databases, and, from the world as it stopped or ended (`world`, when there is one),
 * its messages' story and what the broker still holds of it. Null when there is no such saga.
 */
export function showSaga(run: Pick<OpenRun, 'dbs'>, key: string, world: SimulationImage | null): SagaDetail | null {
  // Only an orchestrated run has a table of sagas to find one in.
  const orchestrator = run.dbs.orchestrator;
  if (!orchestrator) return null;
  const row = orchestrator.prepare('select * from sagas where id = ? or order_id = ?').get(key, key) as SagaRow | undefined;
  if (!row) return null;
  // One saga's last change, not every saga's: a report shows hundreds of sagas one by one.
  const last = orchestrator.prepare('select max(tick) as tick from saga_log where saga_id = ?').get(row.id) as { tick: number | null };
  const summary = summaryOf(row, last.tick ?? undefined);
  const log = orchestrator.prepare('select tick, status, step, note from saga_log where saga_id = ? order by seq').all(row.id) as Array<{
    tick: number;
    status: string;
    step: number;
    note: string;
  }>;
  const deadLetters = orchestrator
    .prepare('select tick, step, command, reason, state, acted_by as actedBy, note from dead_letters where saga_id = ? order by seq')
    .all(row.id) as Array<SagaLetter & { step: number }>;
  const handled: Array<SagaDetail['handled'][number]> = [];
  const unsent: Array<SagaDetail['unsent'][number]> = [];
  const rows: Partial<Record<ComponentName, Record<string, Array<Record<string, unknown>>>>> = {};
  for (const component of COMPONENTS) {
    const db = run.dbs[component];
    if (!db) continue;
    for (const m of db.prepare('select message_id, type, tick from inbox where saga_id = ?').all(row.id) as Array<{
      message_id: string;
      type: string;
      tick: number;
    }>)
      handled.push({ tick: m.tick, component, type: m.type, messageId: m.message_id });
    for (const m of db.prepare('select id, queue, type from outbox where saga_id = ? order by seq').all(row.id) as Array<{
      id: string;
      queue: string;
      type: string;
    }>)
      unsent.push({ component, type: m.type, messageId: m.id, queue: m.queue });
    // Every other table with a saga_id column holds rows of this saga: the schema was checked against this build's when the run was opened.
    // In the order of their keys (the first column): a table keyed by text has no rowid to keep the order rows were written in.
    for (const table of tablesWithSagaId(run, component)) {
      const found = db.prepare(`select * from "${table}" where saga_id = ? order by 1`).all(row.id) as Array<Record<string, unknown>>;
      if (found.length > 0) (rows[component] ??= {})[table] = found;
    }
  }
  handled.sort((a, b) => a.tick - b.tick || COMPONENTS.indexOf(a.component) - COMPONENTS.indexOf(b.component));
  return {
    saga: {
      ...summary,
      waiting: row.waiting,
      deadlineTick: row.deadline_tick,
      compensateFrom: row.compensate_from === null ? null : stepName(row.compensate_from),
      deadLetters: row.dead_letters,
      endedTick: row.ended_tick,
      payload: JSON.parse(row.payload) as unknown,
    },
    log: log.map((l) => ({ ...l, step: stepName(l.step) })),
    deadLetters: deadLetters.map((d) => ({ ...d, step: stepName(d.step) })),
    handled,
    unsent,
    rows,
    messages: world ? withQueues(messageStories(world.world.trace.events, row.id), world, unsent) : null,
    broker: world ? brokerHolding(world, row.id) : null,
  };
}

/** A message never handed over names no queue in the trace: the broker's queues and the outboxes say where it is going. */
function withQueues(stories: MessageStory[], world: SimulationImage, unsent: SagaDetail['unsent']): MessageStory[] {
  const { broker } = world.world;
  const queueOf = new Map<string, string>([
    ...broker.ready.map((r) => [r.message.id, r.message.queue] as const),
    ...broker.inFlight.map((f) => [f.ready.message.id, f.ready.message.queue] as const),
    ...broker.dead.map((d) => [d.message.id, d.message.queue] as const),
    ...unsent.map((u) => [u.messageId, u.queue] as const),
  ]);
  return stories.map((m) => (m.to === '?' && queueOf.has(m.id) ? { ...m, to: queueOf.get(m.id)! } : m));
}

function brokerHolding(world: SimulationImage, sagaId: string): BrokerHolding {
  const { broker } = world.world;
  return {
    queued: broker.ready
      .filter((r) => r.message.sagaId === sagaId)
      .map((r) => ({ queue: r.message.queue, type: r.message.type, id: r.message.id, readyTick: r.readyTick, deliveries: r.attempts })),
    unacked: broker.inFlight
      .filter((f) => f.ready.message.sagaId === sagaId)
      .map((f) => ({
        queue: f.ready.message.queue,
        type: f.ready.message.type,
        id: f.ready.message.id,
        visibleAgainTick: f.visibleAgainTick,
      })),
    deadLettered: broker.dead
      .filter((d) => d.message.sagaId === sagaId)
      .map((d) => ({ queue: d.message.queue, type: d.message.type, id: d.message.id, tick: d.tick, deliveries: d.attempts })),
  };
}

function tablesWithSagaId(run: Pick<OpenRun, 'dbs'>, component: ComponentName): string[] {
  const db = run.dbs[component]!;
  const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{ name: string }>;
  return tables
    .map((t) => t.name)
    .filter((name) => !OWN_SECTIONS.has(name))
    .filter((name) => (db.prepare(`pragma table_info("${name}")`).all() as Array<{ name: string }>).some((c) => c.name === 'saga_id'));
}

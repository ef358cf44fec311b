import { actOnDeadLetter as actOnBrokerLetter, type Message } from '../broker/index.js';
import { OperatorAction, type DeadLetterBody } from '../protocol/index.js';
import { readWorldFile } from '../scenario/index.js';
import type { Selectable } from 'kysely';
import type { DeadLetterKind, SagaDeadLettersTable } from '../orchestrator/index.js';
import { operatorDetail, operatorMessage, type SimulationImage } from '../world/index.js';
import { recordIntervention, withOperatorMessage } from './intervention.js';
import { BadRunError, orchestratorOf, type OpenRun } from './open-run.js';

/**
 * A dead letter as an operator sees it, whoever left it: the broker (a message its consumer
 * never acknowledged within its deliveries, one queue of them per queue) or the orchestrator
 * (an action a saga gave up on: a compensation waits for a person; a forward step is recorded,
 * closed, since the saga undid it).
 */
export interface DeadLetterEntry {
  /** What `dlq redrive` and `dlq resolve` take: the message id (broker), or `<saga>:<number>` (orchestrator). */
  readonly id: string;
  readonly source: 'broker' | 'orchestrator';
  /** A message the broker gave up on, or what the orchestrator left: a compensation, a forward step, an overdue approval. */
  readonly kind: 'message' | DeadLetterKind;
  /** The queue it was for (broker), or the component the action was for (orchestrator). */
  readonly queue: string;
  readonly type: string;
  readonly sagaId: string;
  readonly tick: number;
  readonly reason: string;
  /** open (a person must act), redrive-requested, redriven, resolved, or closed (nothing to do). */
  readonly state: string;
  readonly actedBy: string | null;
  readonly actedTick: number | null;
  readonly note: string | null;
}

/** Every dead letter of a run, the broker's first (oldest first), then the orchestrator's; with `world` null, only the orchestrator's. */
export function listDeadLetters(run: Pick<OpenRun, 'dbs'>, world: SimulationImage | null): DeadLetterEntry[] {
  // A message dead-lettered again after a redrive is another letter: `#2`, `#3`... after its id.
  const seen = new Map<string, number>();
  const broker: DeadLetterEntry[] = (world?.world.broker.dead ?? []).map((d) => ({
    id: brokerLetterId(d.message.id, seen),
    source: 'broker',
    kind: 'message',
    queue: d.message.queue,
    type: d.message.type,
    sagaId: d.message.sagaId,
    tick: d.tick,
    reason: `not acknowledged after ${d.attempts} deliveries`,
    state: d.resolution?.action ?? 'open',
    actedBy: d.resolution?.by ?? null,
    actedTick: d.resolution?.tick ?? null,
    note: d.resolution?.note ?? null,
  }));
  const rows = orchestratorOf(run).prepare('select * from dead_letters order by seq').all() as Array<Selectable<SagaDeadLettersTable>>;
  const sagas: DeadLetterEntry[] = rows.map((r) => ({
    id: `${r.saga_id}:${r.seq}`,
    source: 'orchestrator',
    kind: r.kind,
    // An overdue approval waits for a person, not for a service: it is named for what it holds back.
    queue: r.kind === 'approval' ? 'person' : r.command.slice(0, r.command.indexOf('.')),
    type: r.kind === 'approval' ? `approval before ${r.command}` : r.command,
    sagaId: r.saga_id,
    tick: r.tick,
    reason: r.reason,
    state: r.state,
    actedBy: r.acted_by,
    actedTick: r.acted_tick,
    note: r.note,
  }));
  // A redrive or resolution asked for and not yet carried out (the run has not resumed) is shown as asked.
  const asked = world ? operatorRequests(world) : new Map<number, string>();
  return [
    ...broker,
    ...sagas.map((e, i) => (asked.has(rows[i]!.seq) && e.state === 'open' ? { ...e, state: `${asked.get(rows[i]!.seq)} asked` } : e)),
  ];
}

function brokerLetterId(msgId: string, seen: Map<string, number>): string {
  const n = (seen.get(msgId) ?? 0) + 1;
  seen.set(msgId, n);
  return n === 1 ? msgId : `${msgId}#${n}`;
}

/** What a person did, as `dlq redrive` and `dlq resolve` report it. */
export interface DeadLetterAction {
  readonly entry: DeadLetterEntry;
  readonly action: 'redrive' | 'resolve';
  /** The tick the world stood at: the action takes effect from the next one, when the run resumes. */
  readonly tick: number;
}

/**
 * Acts on one dead letter of a run that has stopped or ended, for `by`, with `note`. A
 * broker letter is redriven into its queue (fresh budget) or settled, in the broker's image;
 * an orchestrator letter gets an operator's message in the orchestrator's queue, which it
 * handles in its own transaction when the run resumes. Either way the trace records the act,
 * and the run becomes resumable. Throws a BadRunError, with nothing changed on disk, for an
 * unknown letter, one already acted on or asked about, or one with nothing to do.
 */
export function actOnDeadLetter(
  run: OpenRun,
  id: string,
  action: 'redrive' | 'resolve',
  by: string,
  note: string,
  build: string,
): DeadLetterAction {
  const read = readWorldFile(run.dir, build);
  if ('problem' in read) throw new BadRunError(read.problem);
  let world = read.image;
  const all = listDeadLetters(run, world);
  const entry = all.find((e) => e.id === id);
  if (!entry) throw new BadRunError(`No dead letter ${id} in ${run.dir}; 'saga dlq ${run.dir} list' lists them.`);
  if (entry.state.endsWith(' asked'))
    throw new BadRunError(
      `Dead letter ${id} already has a ${entry.state.replace(' asked', '')} waiting: 'saga resume ${run.dir}' carries it out.`,
    );
  if (entry.kind === 'approval' && entry.state === 'open')
    throw new BadRunError(
      `Dead letter ${id} is an order nobody approved in time: 'saga approve ${run.dir} ${entry.sagaId}' or 'saga reject ${run.dir} ${entry.sagaId} --reason "..."' decides it.`,
    );
  if (entry.state === 'closed')
    throw new BadRunError(`Dead letter ${id} is closed: the saga undid that step itself, and nothing is left to do.`);
  if (entry.state !== 'open' && !(action === 'resolve' && entry.state === 'redrive-requested'))
    throw new BadRunError(`Dead letter ${id} was already ${entry.state}${entry.actedBy ? ` by ${entry.actedBy}` : ''}; nothing to do.`);
  const tick = world.world.tick;
  let message: Message | null = null;
  if (entry.source === 'broker') {
    const resolution = { action: action === 'redrive' ? ('redriven' as const) : ('resolved' as const), tick, by, note };
    // Broker letters come first in the list, in the broker's order.
    const broker = actOnBrokerLetter(world.world.broker, all.indexOf(entry), resolution);
    world = { ...world, world: { ...world.world, broker } };
  } else {
    const deadLetter = Number(id.slice(id.lastIndexOf(':') + 1));
    ({ world, message } = withOperatorMessage(world, (n) => operatorMessage(n, action, entry.sagaId, { deadLetter, by, note })));
  }
  recordIntervention(
    run,
    world,
    {
      type: message?.type ?? entry.type,
      msgId: message?.id ?? entry.id,
      sagaId: entry.sagaId,
      detail: operatorDetail(action, id, entry.type, by, note),
    },
    build,
  );
  return { entry, action, tick };
}

/** The dead letters (their numbers) an operator's message waiting in the orchestrator's queue asks about, and what it asks. */
function operatorRequests(world: SimulationImage): Map<number, string> {
  const asked = new Map<number, string>();
  for (const r of world.world.broker.ready) {
    if (r.message.type !== OperatorAction.redrive && r.message.type !== OperatorAction.resolve) continue;
    const { deadLetter } = JSON.parse(r.message.body) as DeadLetterBody;
    asked.set(deadLetter, r.message.type === OperatorAction.redrive ? 'redrive' : 'resolve');
  }
  return asked;
}

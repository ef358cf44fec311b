import type { ComponentDefinition, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import type { TimerData } from '../kernel/index.js';
import { ASK_DECISION, isDecision, parseReplyType, PARTICIPANTS, replyType, type ComponentName } from '../protocol/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';

/** The transactions this participant voted yes in and has not yet heard the decision of: it holds their locks. */
interface InDoubtTable {
  saga_id: string;
  since: number;
  /** When it asks the coordinator for the decision next, and how often it asked. */
  ask_tick: number;
  asks: number;
}

const q = queryBuilder<{ in_doubt: InDoubtTable }>();

const IN_DOUBT_MIGRATION: Migration = [
  q.schema
    .createTable('in_doubt')
    .addColumn('saga_id', 'text', (c) => c.primaryKey())
    .addColumn('since', 'integer', (c) => c.notNull())
    .addColumn('ask_tick', 'integer', (c) => c.notNull())
    .addColumn('asks', 'integer', (c) => c.notNull()),
];

/**
 * How long a participant waits in doubt before it asks the coordinator for the decision, and
 * again after each ask; and how often it asks before it waits in silence (a coordinator that
 * answered none of them left the transaction to a person).
 */
const ASK_AFTER_TICKS = 300;
const MAX_ASKS = 5;

/** What a participant asks the coordinator with: who asks. */
export interface AskBody {
  readonly participant: ComponentName;
}

/**
 * A service of the shop as a participant of a two-phase commit: the same tables, business
 * keys and records, built to hold what it prepares (see world.ts), answering the coordinator
 * where it answered the orchestrator. A decision it carries out without a word (a commit, a
 * confirm) is acknowledged for it, in the same transaction: the coordinator may forget a
 * transaction only once every participant has applied its decision.
 *
 * A participant that voted yes is in doubt until it hears the decision: it may neither commit
 * nor abort on its own. It keeps a row for each such transaction and, while in doubt, asks the
 * coordinator for the decision every `ASK_AFTER_TICKS` (the termination protocol): a
 * coordinator that came back without its timers is reminded by the participants it left
 * waiting. Asking does not end the wait; only the coordinator's answer does. This is the
 * `reconciliation` defence of two-phase commit: what finds a transaction nobody moves on.
 * Without it, nobody asks.
 */
export function participant(service: ComponentDefinition): ComponentDefinition {
  const votes = PARTICIPANTS.some((p) => p.service === service.name);
  return {
    ...service,
    migrations: [...service.migrations, IN_DOUBT_MIGRATION],
    createHandler: (db, env) => new ParticipantHandler(service.createHandler(db, env), db, env, service.name, votes),
  };
}

class ParticipantHandler implements Handler {
  private readonly inDoubt;
  private readonly enter;
  private readonly leave;
  private readonly asked;
  private readonly askAgain;

  constructor(
    private readonly service: Handler,
    db: Database,
    private readonly env: HandlerEnv,
    private readonly name: ComponentName,
    private readonly votes: boolean,
  ) {
    this.inDoubt = new Prepared(db, q.selectFrom('in_doubt').select(['since', 'asks', 'ask_tick']).where('saga_id', '=', arg('sagaId')));
    this.enter = new Prepared(
      db,
      q
        .insertInto('in_doubt')
        .values({ saga_id: arg('sagaId'), since: arg<number>('tick'), ask_tick: arg<number>('ask'), asks: 0 })
        .onConflict((oc) => oc.doNothing()),
    );
    this.askAgain = new Prepared(
      db,
      q
        .insertInto('in_doubt')
        .values({ saga_id: arg('sagaId'), since: arg<number>('tick'), ask_tick: arg<number>('ask'), asks: 0 })
        .onConflict((oc) => oc.column('saga_id').doUpdateSet({ ask_tick: arg<number>('ask'), asks: 0 })),
    );
    this.leave = new Prepared(db, q.deleteFrom('in_doubt').where('saga_id', '=', arg('sagaId')));
    this.asked = new Prepared(
      db,
      q
        .updateTable('in_doubt')
        .set((eb) => ({ ask_tick: arg<number>('ask'), asks: eb('asks', '+', 1) }))
        .where('saga_id', '=', arg('sagaId')),
    );
    // Recovery after a (re)start: every transaction still in doubt, and still asking, gets its timer back.
    if (env.defences.recovery && env.defences.reconciliation) {
      const waiting = q.selectFrom('in_doubt').select(['saga_id as sagaId', 'ask_tick as ask']).where('asks', '<', MAX_ASKS);
      for (const t of new Prepared(db, waiting.orderBy('ask_tick').orderBy('saga_id')).all())
        env.timers.at(t.ask, { sagaId: t.sagaId, inDoubt: 1 });
    }
  }

  handle(tx: HandlerTx, message: Parameters<Handler['handle']>[1]): ReturnType<Handler['handle']> {
    const answers = { given: false, yes: false };
    const outcome = this.service.handle(toCoordinator(tx, answers), message);
    const sagaId = message.sagaId;
    const decided = isDecision(message.type);
    if (decided && !answers.given) tx.send('coordinator', replyType(message.type, true), sagaId, JSON.stringify({ ok: true }));
    // Applied, it is out of doubt. Voted yes, it is in doubt; a decision it could not apply is owed to it again,
    // and its asks start over: either way it asks the coordinator, whom a restart without its timers may have left unaware.
    if (decided && (!answers.given || answers.yes)) this.leave.run({ sagaId });
    else if ((decided || (this.votes && answers.yes)) && this.env.defences.reconciliation) this.awaitDecision(tx, sagaId, decided);
    return outcome;
  }

  /** Records that it waits for the coordinator's decision, and when it asks for it first (already waiting: nothing changes). */
  private awaitDecision(tx: HandlerTx, sagaId: string, afresh: boolean): void {
    const due = tx.now + ASK_AFTER_TICKS;
    if ((afresh ? this.askAgain : this.enter).run({ sagaId, tick: tx.now, ask: due }) === 1)
      tx.afterCommit(() => this.env.timers.at(due, { sagaId, inDoubt: 1 }));
  }

  onTimer(data: TimerData, dueTick: number): void {
    if (data.inDoubt !== 1) return this.service.onTimer?.(data, dueTick);
    const sagaId = String(data.sagaId);
    // Out of doubt, or a timer an ask started over has replaced.
    if (this.inDoubt.get({ sagaId })?.ask_tick !== dueTick) return;
    this.env.transact((tx) => {
      const { since, asks } = this.inDoubt.get({ sagaId })!;
      const body: AskBody = { participant: this.name };
      tx.send('coordinator', ASK_DECISION, sagaId, JSON.stringify(body));
      const due = tx.now + ASK_AFTER_TICKS;
      this.asked.run({ sagaId, ask: due });
      if (asks + 1 < MAX_ASKS) tx.afterCommit(() => this.env.timers.at(due, { sagaId, inDoubt: 1 }));
      tx.emit({
        kind: 'handle',
        tick: tx.now,
        actor: this.name,
        type: 'timer',
        sagaId,
        detail: `in doubt since tick ${since}: asked the coordinator for the decision`,
        facts: [{ kind: 'asked-for-decision' }],
      });
    });
  }
}

/** `tx`, with every answer meant for the orchestrator sent to the coordinator instead, and noted as given. */
function toCoordinator(tx: HandlerTx, answers: { given: boolean; yes: boolean }): HandlerTx {
  return Object.assign(Object.create(tx) as HandlerTx, {
    send(queue: Parameters<HandlerTx['send']>[0], type: string, sagaId: string, bodyJson: string, version?: number): void {
      if (queue !== 'orchestrator') return tx.send(queue, type, sagaId, bodyJson, version);
      answers.given = true;
      answers.yes = parseReplyType(type)?.ok === true;
      tx.send('coordinator', type, sagaId, bodyJson, version);
    },
  });
}

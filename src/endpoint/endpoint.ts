import type { Message, QueueName } from '../broker/index.js';
import type { Clock, Rng, Trace } from '../kernel/index.js';
import { arg, migrate, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import type { Selectable } from 'kysely';
import { ENDPOINT_MIGRATION, type EndpointTables, type OutboxTable } from './endpoint-tables.js';

/** What an endpoint receives from the world. The generator outlives crashes: it belongs to the run, not to the component's memory. */
export interface EndpointContext {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly trace: Trace;
  readonly faults: CommandFaults;
}

/**
 * Failures the chaos layer injects into a handler: 'fail' makes the service answer with a
 * failure reply (a decline, a rejection), 'throw' makes the handler crash so the message
 * stays unacked and comes back.
 */
export interface CommandFaults {
  commandFault(service: QueueName, message: Message): 'fail' | 'throw' | null;
}

export const NO_COMMAND_FAULTS: CommandFaults = Object.freeze({ commandFault: () => null });

/** What handling one message did. */
export type HandleOutcome = 'handled' | 'duplicate';

/** What the world sees of a running component. */
export interface Component {
  readonly name: QueueName;
  handle(message: Message): HandleOutcome;
  relayPublish(publish: (message: Message) => boolean): void;
  relayConfirm(): void;
  readonly relayPending: boolean;
}

/**
 * A component with its own database that talks only through the broker: each message is
 * handled in one local transaction (inbox check, effect, outbox rows), and a relay publishes
 * the outbox afterwards. Subclasses write the effect; everything else lives here once.
 */
export abstract class Endpoint<Tables extends EndpointTables = EndpointTables> implements Component {
  protected readonly q = queryBuilder<Tables>();
  private readonly e = queryBuilder<EndpointTables>();
  private readonly inboxHas;
  private readonly inboxAdd;
  private readonly outboxAdd;
  private readonly outboxUnsent;
  private readonly outboxMarkSent;
  private readonly handleInTransaction;
  private readonly markSentInTransaction;
  /** Outbox rows the broker confirmed, waiting to be marked sent (lost in a crash: they are then published again). */
  private confirmed: number[] = [];
  /** Whether the outbox may hold unsent rows; true after a restart until the relay has looked. */
  private maybeUnsent = true;
  /** The detail the current handler gave for the trace. */
  private detail: string | undefined;

  constructor(
    readonly name: QueueName,
    protected readonly db: Database,
    protected readonly ctx: EndpointContext,
    migrations: readonly Migration[],
  ) {
    migrate(db, [ENDPOINT_MIGRATION, ...migrations]);
    const e = this.e;
    this.inboxHas = new Prepared(db, e.selectFrom('inbox').select('message_id').where('message_id', '=', arg('id')));
    this.inboxAdd = new Prepared(db, e.insertInto('inbox').values({ message_id: arg('id'), type: arg('type'), tick: arg<number>('tick') }));
    this.outboxAdd = new Prepared(
      db,
      e.insertInto('outbox').values({ id: arg('id'), queue: arg('queue'), type: arg('type'), saga_id: arg('sagaId'), body: arg('body'), sent: 0 }),
    );
    this.outboxUnsent = new Prepared(db, e.selectFrom('outbox').selectAll().where('sent', '=', 0).orderBy('seq'));
    this.outboxMarkSent = new Prepared(db, e.updateTable('outbox').set({ sent: 1 }).where('seq', '=', arg<number>('seq')));
    this.handleInTransaction = db.transaction((message: Message): HandleOutcome => {
      if (this.inboxHas.get({ id: message.id })) return 'duplicate';
      this.inboxAdd.run({ id: message.id, type: message.type, tick: this.ctx.clock.now() });
      this.detail = undefined;
      const fault = this.ctx.faults.commandFault(this.name, message);
      if (fault === 'throw') throw new InjectedHandlerCrash(this.name, message);
      if (this.apply(message, fault === 'fail') === 'duplicate') return 'duplicate';
      return 'handled';
    });
    this.markSentInTransaction = db.transaction((seqs: readonly number[]) => {
      for (const seq of seqs) this.outboxMarkSent.run({ seq });
    });
  }

  /**
   * Handles one delivered message in one local transaction. Returns 'duplicate' when the
   * message id was seen before, or the effect found its business key already done.
   * A throwing effect rolls everything back and the message stays unacked.
   */
  handle(message: Message): HandleOutcome {
    const outcome = this.handleInTransaction(message);
    const now = this.ctx.clock.now();
    if (outcome === 'duplicate') {
      this.ctx.trace.emit({ kind: 'skip', tick: now, actor: this.name, type: message.type, msgId: message.id, sagaId: message.sagaId, detail: this.detail ?? 'message id already in inbox' });
    } else {
      this.ctx.trace.emit({ kind: 'handle', tick: now, actor: this.name, type: message.type, msgId: message.id, sagaId: message.sagaId, detail: this.detail });
    }
    return outcome;
  }

  /** Publishes every unsent outbox row in order; rows the broker did not confirm stay for the next tick. */
  relayPublish(publish: (message: Message) => boolean): void {
    if (!this.maybeUnsent) return;
    this.maybeUnsent = false;
    for (const row of this.outboxUnsent.all()) {
      if (publish(toMessage(row))) this.confirmed.push(row.seq);
      else this.maybeUnsent = true;
    }
  }

  /** Marks the confirmed rows sent, in one local transaction. */
  relayConfirm(): void {
    if (this.confirmed.length === 0) return;
    this.markSentInTransaction(this.confirmed);
    this.confirmed = [];
  }

  /** True while the relay has work: unsent rows to publish or confirmations to record. */
  get relayPending(): boolean {
    return this.maybeUnsent || this.confirmed.length > 0;
  }

  /**
   * The effect of one message, run inside the handling transaction. Return 'duplicate' when
   * the business key shows the effect was already done (its reply is sent again).
   * `failureInjected` asks the service to answer this command with a failure.
   */
  protected abstract apply(message: Message, failureInjected: boolean): HandleOutcome | void;

  /** Writes a message (its body already JSON) to the outbox, inside the current transaction. */
  protected send(queue: QueueName, type: string, sagaId: string, bodyJson: string): void {
    this.outboxAdd.run({ id: this.ctx.rng.id('msg'), queue, type, sagaId, body: bodyJson });
    this.maybeUnsent = true;
  }

  /** A few words for the timeline about what the effect did. */
  protected note(detail: string): void {
    this.detail = detail;
  }
}

function toMessage(row: Selectable<OutboxTable>): Message {
  return { id: row.id, queue: row.queue as QueueName, type: row.type, sagaId: row.saga_id, body: row.body };
}

/** The error a handler throws when the chaos layer makes it crash; the message is not acked. */
export class InjectedHandlerCrash extends Error {
  constructor(service: string, message: Message) {
    super(`${service} crashed while handling ${message.type} ${message.id} (injected)`);
    this.name = 'InjectedHandlerCrash';
  }
}

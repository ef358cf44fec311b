import type { Message } from '../broker/index.js';
import { MESSAGE_ID_PREFIX, upcastBody, type ComponentName, type ServiceFact } from '../protocol/index.js';
import type { Defences } from '../defences/index.js';
import type { Clock, Rng, Scheduler, TimerData, Trace, TraceEvent } from '../kernel/index.js';
import { arg, logTransactionEnd, migrate, Prepared, queryBuilder, type Database } from '../store/index.js';
import type { Selectable } from 'kysely';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerTx } from './handler.js';
import { ENDPOINT_MIGRATION, type EndpointTables, type OutboxTable } from './endpoint-tables.js';

/** What an endpoint receives from the world. The generator outlives crashes: it belongs to the run, not to the component's memory. */
export interface EndpointContext {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly trace: Trace;
  readonly faults: CommandFaults;
  readonly defences: Defences;
  /** The run's timers; the endpoint hands its handler the ones owned by its component. */
  readonly scheduler: Scheduler;
  /** Counters shared by every endpoint of a run (the benchmark reports local commits per saga). */
  readonly stats: { commits: number };
  /** Asked at the two moments of each transaction a crash can land on. */
  readonly crashes: TransactionCrashes;
  /**
   * How long the inbox remembers a message id (absent: for ever). A copy that arrives later
   * is handled as new, and only the handler's business key stands between it and a second
   * effect, as with a broker's dedupe window. Ids past the window are deleted as messages are
   * handled, so a long run's inboxes hold about one and a half windows of ids.
   */
  readonly dedupeWindowTicks?: number;
}

/**
 * The crash model, as an endpoint sees it: at `before-commit` (writes made, not committed)
 * and `after-commit` (committed, nothing after it done) of each local transaction, it says
 * whether the component dies right there. `what` is the message type handled (and `saga`
 * the saga it belongs to), or `timer`; `detail` what the work noted. When it does, it returns
 * the death to carry out once the transaction has unwound.
 */
export interface TransactionCrashes {
  reached(
    moment: 'before-commit' | 'after-commit',
    component: ComponentName,
    what: string,
    saga?: string,
    detail?: string,
  ): (() => void) | null;
}

export const NO_TRANSACTION_CRASHES: TransactionCrashes = Object.freeze({ reached: () => null });

/** Thrown out of `handle` when the component died while handling: nothing after the death happens, not even the ack. */
export class ComponentDied extends Error {
  constructor(component: ComponentName, moment: string, what: string) {
    super(`${component} died ${moment.replace('-', ' ')} of ${what}`);
    this.name = 'ComponentDied';
  }
}

/**
 * A fault the fault engine decided for one delivery: 'fail' asks the handler to answer with
 * a failure reply (a decline, a refusal), 'throw' makes the handler crash so the message
 * stays unacked and comes back.
 */
export interface CommandFault {
  readonly mode: 'fail' | 'throw';
}

/** The fault engine, as an endpoint sees it: asked before each handling, told when a fault took effect. */
export interface CommandFaults {
  /** The fault decided for this delivery, if any; nothing is recorded yet. */
  commandFault(component: ComponentName, message: Message): CommandFault | null;
  /** The component did what the fault asked (it crashed, or its handler refused): only now it counts as injected. */
  applied(fault: CommandFault, component: ComponentName, message: Message): void;
}

export const NO_COMMAND_FAULTS: CommandFaults = Object.freeze({ commandFault: () => null, applied: () => {} });

/** A callback that runs after a commit failed: a bug, never a fault to absorb (the transaction is already committed). */
export class AfterCommitFailure extends Error {
  constructor(component: ComponentName, cause: unknown) {
    super(`${component}: work after a commit failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'AfterCommitFailure';
  }
}

/** What the world sees of a running component. */
export interface Component {
  readonly name: ComponentName;
  handle(message: Message): HandleOutcome;
  /** The type a message of `type` is handled as: the command an event triggers in choreography, else the type itself. */
  handledAs(type: string): string;
  /** Publishes unsent outbox rows; `fromRestart` says a row was read back from the outbox after a restart. */
  relayPublish(publish: (message: Message, fromRestart: boolean) => boolean): void;
  relayConfirm(): void;
  readonly relayPending: boolean;
  /** After a restart: reads back the outbox rows the crash left unsent (the relay names them when it publishes) and says how many. */
  recoverOutbox(): number;
  /** What it holds in memory between two ticks, to carry on from in a new process. */
  image(): EndpointImage;
}

/**
 * An endpoint's memory between two ticks: the relay's unsent messages (null until it reads
 * them back after a start) and how far the broker confirmed them. A stopped world keeps it,
 * where a crash forgets it.
 */
export interface EndpointImage {
  readonly unsent: readonly OutboxRow[] | null;
  readonly confirmedUpTo: number;
  readonly recordedUpTo: number;
  /** The last outbox row read back after a restart (0: none). */
  readonly recoveredUpTo: number;
  /** When the inbox next deletes the ids past its dedupe window (absent in worlds stopped before there was one: at once). */
  readonly nextForgetTick?: number;
}

/**
 * A component with its own database that talks only through the broker. The endpoint owns
 * the inbox, the outbox, the relay and the transaction; the component's handler owns the
 * effect. Each message is handled in one local transaction: inbox check, the handler's
 * effect, outbox rows. The relay publishes the outbox afterwards.
 */
export class Endpoint implements Component {
  readonly name: ComponentName;
  private readonly handler: Handler;
  private readonly inboxAdd;
  private readonly inboxSeenAt;
  private readonly inboxRemember;
  private readonly inboxForget;
  /**
   * The tick from which the next handled message also deletes the ids past the dedupe window.
   * When it runs does not change what the inbox remembers, only which rows are left to read
   * (the checker counts sends from them): a stopped world keeps it, a crash forgets it.
   */
  private nextForgetTick = 0;
  private readonly outboxAdd;
  private readonly outboxUnsent;
  private readonly outboxDeleteSent;
  private readonly handleInTransaction;
  /** Unsent outbox rows in order, as committed; null after a (re)start until the relay reads them back. */
  private unsent: OutboxRow[] | null = null;
  /** The highest outbox seq the broker confirmed, and the highest deleted as sent (lost in a crash: those rows are published again). */
  private confirmedUpTo = 0;
  private recordedUpTo = 0;
  /** Rows up to this seq were found in the outbox after a restart: the relay publishes them as such. */
  private recoveredUpTo = 0;
  /** What the transaction in progress wrote to the outbox, and what it wants done once it commits. */
  private readonly staged: OutboxRow[] = [];
  /** What the world records once the transaction commits (trace events, faults that took effect): it happened, even if the component dies right after. */
  private readonly observed: Array<() => void> = [];
  /** The component's own work after the commit (caches, timers): lost if it dies right after the commit. */
  private readonly onCommit: Array<() => void> = [];
  /** The detail the current handler gave for the trace. */
  private detail: string | undefined;
  /** The facts the current handler reported, for its trace event; null when none (most handlings). */
  private facts: ServiceFact[] | null = null;
  /** What a handler may do; one object, reused by every transaction of this endpoint, usable only while one is open. */
  private readonly tx: HandlerTx;
  private open = false;
  /** The command fault decided for the message being handled, and whether the handler honoured it. */
  private failure: CommandFault | null = null;
  private failureTaken = false;
  /** The newest schema version of each message type this component reads; the version the message in hand was upcast from. */
  private readonly reads: Readonly<Record<string, number>>;
  private upcastFrom: number | null = null;
  /** In choreography: the command each event it subscribes to triggers; the event that triggered the message in hand. */
  private readonly reactions: ReadonlyMap<string, string>;
  private heard: string | null = null;

  constructor(
    definition: ComponentDefinition,
    private readonly db: Database,
    private readonly ctx: EndpointContext,
    from?: EndpointImage,
  ) {
    this.name = definition.name;
    this.reads = definition.reads ?? {};
    this.reactions = definition.reactions ?? new Map();
    migrate(db, [ENDPOINT_MIGRATION, ...definition.migrations]);
    // Without an outbox nothing unsent survives a restart: there is nothing to read back.
    if (!ctx.defences.outbox) this.unsent = [];
    if (from) {
      this.unsent = from.unsent && [...from.unsent];
      this.confirmedUpTo = from.confirmedUpTo;
      this.recordedUpTo = from.recordedUpTo;
      this.recoveredUpTo = from.recoveredUpTo;
      this.nextForgetTick = from.nextForgetTick ?? 0;
    }
    const e = queryBuilder<EndpointTables>();
    // One statement both checks and records the message id: no row inserted means it was seen before.
    this.inboxAdd = new Prepared(
      db,
      e
        .insertInto('inbox')
        .values({ message_id: arg('id'), type: arg('type'), saga_id: arg('sagaId'), tick: arg<number>('tick') })
        .onConflict((oc) => oc.doNothing()),
    );
    // With a dedupe window, an id seen longer ago than the window counts as never seen,
    // whether or not its row has been deleted yet: what is remembered never depends on when
    // the deleting ran.
    this.inboxSeenAt = new Prepared(db, e.selectFrom('inbox').select('tick').where('message_id', '=', arg('id')).limit(1));
    this.inboxRemember = new Prepared(
      db,
      e
        .updateTable('inbox')
        .set({ tick: arg<number>('tick') })
        .where('message_id', '=', arg('id')),
    );
    this.inboxForget = new Prepared(db, e.deleteFrom('inbox').where('tick', '<', arg<number>('before')));
    this.outboxAdd = new Prepared(
      db,
      e.insertInto('outbox').values({
        id: arg('id'),
        queue: arg('queue'),
        type: arg('type'),
        saga_id: arg('sagaId'),
        body: arg('body'),
        version: arg<number>('version'),
      }),
    );
    this.outboxUnsent = new Prepared(db, e.selectFrom('outbox').selectAll().orderBy('seq'));
    // The relay publishes in order, so everything up to the last confirmed seq is sent: a range of the primary key.
    this.outboxDeleteSent = new Prepared(db, e.deleteFrom('outbox').where('seq', '<=', arg<number>('to')));
    const clock = ctx.clock;
    // A handler that kept `tx` and used it later would write outside any transaction: refused.
    const inside =
      <A extends unknown[]>(f: (...args: A) => void) =>
      (...args: A): void => {
        if (!this.open) throw new Error(`${this.name}: a handler used its transaction after it ended`);
        f(...args);
      };
    this.tx = {
      get now() {
        return clock.now();
      },
      newId: (prefix) => ctx.rng.id(prefix),
      send: inside((queue, type, sagaId, bodyJson, version) => this.send(queue, type, sagaId, bodyJson, version ?? 1)),
      note: inside((detail) => {
        this.detail = detail;
      }),
      fact: inside((fact) => void (this.facts ??= []).push(fact)),
      emit: inside((event) => this.observed.push(() => ctx.trace.emit(event))),
      afterCommit: inside((f) => this.onCommit.push(f)),
      injectedFailure: () => {
        if (this.failure?.mode !== 'fail') return false;
        this.failureTaken = true;
        return true;
      },
    };
    this.handleInTransaction = this.transaction(
      (message: Message): HandleOutcome => {
        const now = this.ctx.clock.now();
        this.detail = undefined;
        this.facts = null;
        let outcome: HandleOutcome = 'duplicate';
        const seen =
          this.inboxAdd.run({ id: message.id, type: message.type, sagaId: message.sagaId, tick: now }) === 0 &&
          !this.forgotten(message, now);
        this.forgetPastWindow(now);
        if (seen && this.ctx.defences.idempotency) {
          this.detail = 'message id already in inbox';
        } else {
          const fault = this.ctx.faults.commandFault(this.name, message);
          if (fault?.mode === 'throw') {
            this.ctx.faults.applied(fault, this.name, message);
            throw new InjectedHandlerCrash(this.name, message);
          }
          this.failure = fault;
          try {
            outcome = this.handler.handle(this.tx, message) === 'duplicate' ? 'duplicate' : 'handled';
          } catch (error) {
            // A refusal that rolled its transaction back (a choreographed compensation waits for redelivery) still took effect.
            if (this.failureTaken && fault) this.ctx.faults.applied(fault, this.name, message);
            throw error;
          }
          // A new message id whose effect was already done (a command sent again): its business key says so.
          if (outcome === 'duplicate') this.detail ??= 'already done for this saga (business key)';
        }
        const upcast = this.upcastFrom === null ? '' : `(version ${this.upcastFrom} upcast to ${message.version})`;
        if (this.heard !== null) this.detail = this.detail ? `on ${this.heard}: ${this.detail}` : `on ${this.heard}`;
        const event: TraceEvent = {
          kind: outcome === 'duplicate' ? 'skip' : 'handle',
          tick: now,
          actor: this.name,
          type: message.type,
          msgId: message.id,
          sagaId: message.sagaId,
          detail: upcast && this.detail ? `${this.detail} ${upcast}` : upcast || this.detail,
          facts: this.facts ?? undefined,
        };
        // First in line, so the timeline shows the handling before anything it caused, and the
        // fault the handler honoured (if any) before the handling.
        this.observed.unshift(() => this.ctx.trace.emit(event));
        const honoured = this.failureTaken ? this.failure : null;
        if (honoured) this.observed.unshift(() => this.ctx.faults.applied(honoured, this.name, message));
        return outcome;
      },
      (message) => ({ what: message.type, saga: message.sagaId }),
    );
    const transact = this.transaction(<R>(work: (tx: HandlerTx) => R): R => work(this.tx), 'timer');
    const timers = {
      at: (dueTick: number, data: TimerData, key?: string) => ctx.scheduler.at(dueTick, this.name, data, key),
      cancel: (key: string) => ctx.scheduler.cancelKey(this.name, key),
    };
    this.handler = definition.createHandler(db, { defences: ctx.defences, timers, transact });
    // A timer whose work died with its component ends there: the crash model has already carried out the death.
    ctx.scheduler.serve(this.name, (data, dueTick) => {
      try {
        this.handler.onTimer?.(data, dueTick);
      } catch (error) {
        if (!(error instanceof ComponentDied)) throw error;
      }
    });
  }

  /**
   * Handles one delivered message in one local transaction. Returns 'duplicate' when the
   * message id was seen before, or the effect found its business key already done.
   * A throwing effect rolls everything back and the message stays unacked.
   */
  handledAs(type: string): string {
    return this.reactions.get(type) ?? type;
  }

  handle(message: Message): HandleOutcome {
    const command = this.reactions.get(message.type);
    if (command === undefined) return this.handleVersion(message);
    // An event it subscribes to: handled as the command it triggers, and the timeline says which event.
    this.heard = message.type;
    try {
      return this.handleVersion(message, command);
    } finally {
      this.heard = null;
    }
  }

  /** Checks the version of `message` against what this component reads of its type (an event's, not the command it triggers), then handles it as `as`. */
  private handleVersion(message: Message, as = message.type): HandleOutcome {
    const version = message.version ?? 1;
    const reads = this.reads[message.type] ?? 1;
    if (version > reads) throw new UnreadableMessage(`${this.name} reads ${message.type} up to version ${reads}, not version ${version}`);
    if (version === reads) return this.handleInTransaction(as === message.type ? message : { ...message, type: as });
    // Written before its schema grew: brought up to the version this component reads, and said so in the timeline.
    this.upcastFrom = version;
    try {
      const body = upcastBody(message.type, message.body, version, reads);
      return this.handleInTransaction({ ...message, type: as, body, version: reads });
    } finally {
      this.upcastFrom = null;
    }
  }

  /** Whether the inbox's row for this message id is older than the dedupe window: then it is remembered afresh, from now. */
  private forgotten(message: Message, now: number): boolean {
    const window = this.ctx.dedupeWindowTicks;
    if (window === undefined || now - this.inboxSeenAt.get({ id: message.id })!.tick <= window) return false;
    this.inboxRemember.run({ id: message.id, tick: now });
    return true;
  }

  /** Every half window, the handling of a message also deletes the ids the window no longer covers. */
  private forgetPastWindow(now: number): void {
    const window = this.ctx.dedupeWindowTicks;
    if (window === undefined || now < this.nextForgetTick) return;
    this.inboxForget.run({ before: now - window });
    this.nextForgetTick = now + Math.max(1, Math.ceil(window / 2));
  }

  /** Publishes unsent outbox rows in order, stopping at the first the broker does not confirm: it is retried next tick, and order is kept. */
  relayPublish(publish: (message: Message, fromRestart: boolean) => boolean): void {
    const unsent = (this.unsent ??= this.outboxUnsent.all().map(toOutboxRow));
    let published = 0;
    for (const row of unsent) {
      if (!publish(row.message, row.seq > 0 && row.seq <= this.recoveredUpTo)) break;
      if (row.seq > 0) this.confirmedUpTo = row.seq;
      published++;
    }
    unsent.splice(0, published);
  }

  recoverOutbox(): number {
    // Read now rather than at the relay's next turn: rows committed after the restart are not among them.
    this.unsent ??= this.outboxUnsent.all().map(toOutboxRow);
    this.recoveredUpTo = this.unsent.at(-1)?.seq ?? 0;
    return this.unsent.length;
  }

  /** Deletes what the broker confirmed, in one statement (its own local transaction): a sent message needs no row. */
  relayConfirm(): void {
    if (this.confirmedUpTo === this.recordedUpTo) return;
    this.outboxDeleteSent.run({ to: this.confirmedUpTo });
    this.ctx.stats.commits++;
    this.recordedUpTo = this.confirmedUpTo;
  }

  /** True while the relay has work: unsent rows to publish or confirmations to record. */
  get relayPending(): boolean {
    return this.unsent === null || this.unsent.length > 0 || this.confirmedUpTo !== this.recordedUpTo;
  }

  image(): EndpointImage {
    return {
      unsent: this.unsent && [...this.unsent],
      confirmedUpTo: this.confirmedUpTo,
      recordedUpTo: this.recordedUpTo,
      recoveredUpTo: this.recoveredUpTo,
      ...(this.nextForgetTick > 0 ? { nextForgetTick: this.nextForgetTick } : {}),
    };
  }

  /**
   * Wraps `fn` in a local transaction. Outbox rows it writes reach the relay, and the
   * callbacks it registers run, only if it commits. One at a time: a transaction opened
   * inside another would hand the outer one's rows to the relay before it committed.
   * `what` names the work for the crash model, which may kill the component just before
   * or just after the commit.
   */
  private transaction<A extends unknown[], R>(
    fn: (...args: A) => R,
    name: string | ((...args: A) => { what: string; saga: string }),
  ): (...args: A) => R {
    const about = (...args: A): { what: string; saga?: string } => (typeof name === 'string' ? { what: name } : name(...args));
    const tx = this.db.transaction((...args: A): R => {
      const result = fn(...args);
      const { what, saga } = about(...args);
      const die = this.ctx.crashes.reached('before-commit', this.name, what, saga, this.detail);
      if (die) throw new DiedBeforeCommit(die, what);
      return result;
    });
    return (...args: A): R => {
      if (this.open) throw new Error(`${this.name}: a transaction was opened inside another`);
      let result: R;
      try {
        this.open = true;
        result = tx(...args);
      } catch (error) {
        logTransactionEnd(this.db, false);
        this.reset();
        // Rolled back: the component dies with nothing of this transaction written.
        if (error instanceof DiedBeforeCommit) this.dieNow(error.die, 'before-commit', error.what);
        throw error;
      }
      this.open = false;
      this.ctx.stats.commits++;
      logTransactionEnd(this.db, true);
      try {
        // The callbacks open no transaction, so the staging arrays are reused, not reallocated.
        for (const f of this.observed) f();
        const { what, saga } = about(...args);
        const die = this.ctx.crashes.reached('after-commit', this.name, what, saga, this.detail);
        if (die) this.dieNow(die, 'after-commit', what);
        if (this.unsent) for (const row of this.staged) this.unsent.push(row);
        for (const f of this.onCommit) f();
      } catch (error) {
        if (error instanceof ComponentDied) throw error;
        throw new AfterCommitFailure(this.name, error);
      } finally {
        this.reset();
      }
      return result;
    };
  }

  /** The component dies here: the crash model carries it out (this object is dropped), and nothing after this line runs. */
  private dieNow(die: () => void, moment: 'before-commit' | 'after-commit', what: string): never {
    this.reset();
    die();
    throw new ComponentDied(this.name, moment, what);
  }

  /** Forgets what the last transaction staged. */
  private reset(): void {
    this.open = false;
    this.detail = undefined;
    this.staged.length = 0;
    this.observed.length = 0;
    this.onCommit.length = 0;
    this.failure = null;
    this.failureTaken = false;
  }

  private send(queue: ComponentName, type: string, sagaId: string, bodyJson: string, version: number): void {
    const message: Message = {
      id: this.ctx.rng.id(MESSAGE_ID_PREFIX[this.name]),
      queue,
      type,
      sagaId,
      body: bodyJson,
      ...(version > 1 ? { version } : {}),
    };
    if (!this.ctx.defences.outbox) {
      // Without an outbox the message exists only in memory until it is published: a crash in between loses it.
      this.staged.push({ seq: 0, message });
      return;
    }
    const seq = this.outboxAdd.insert({ id: message.id, queue, type, sagaId, body: bodyJson, version });
    this.staged.push({ seq, message });
  }
}

/** An outbox row as the relay holds it. */
export interface OutboxRow {
  readonly seq: number;
  readonly message: Message;
}

function toOutboxRow(row: Selectable<OutboxTable>): OutboxRow {
  const message: Message = { id: row.id, queue: row.queue as ComponentName, type: row.type, sagaId: row.saga_id, body: row.body };
  return { seq: row.seq, message: row.version > 1 ? { ...message, version: row.version } : message };
}

/** Thrown inside the transaction to roll it back when the component dies before its commit. */
class DiedBeforeCommit extends Error {
  constructor(
    readonly die: () => void,
    readonly what: string,
  ) {
    super('died before the commit');
  }
}

/** The error a handler throws when the fault engine makes it crash; the message is not acked. */
class InjectedHandlerCrash extends Error {
  constructor(service: string, message: Message) {
    super(`${service} crashed while handling ${message.type} ${message.id} (injected)`);
    this.name = 'InjectedHandlerCrash';
  }
}

/** A message in a schema version its consumer does not read: no number of deliveries will change that, so it is dead-lettered at once. */
export class UnreadableMessage extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'UnreadableMessage';
  }
}

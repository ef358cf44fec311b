import type { Message } from '../broker/index.js';
import type { Defences } from '../defences/index.js';
import type { TimerData, TraceEvent } from '../kernel/index.js';
import type { ComponentName, ServiceFact } from '../protocol/index.js';
import type { Database, Migration } from '../store/index.js';

/** What handling one message did: 'duplicate' when its id or business key showed it was done before. */
export type HandleOutcome = 'handled' | 'duplicate';

/**
 * The whole of what a handler may do inside the local transaction of one message (or of a
 * timer): its own tables it writes through its own prepared statements on the same
 * database; everything else goes through here, and takes effect only if the transaction commits.
 */
export interface HandlerTx {
  /** The tick being handled. */
  readonly now: number;
  /** A new id from the component's seeded generator, e.g. `ch-000001-3f2a9c01`. */
  newId(prefix: string): string;
  /** Writes a message (its body already JSON, of schema `version`, 1 unless given) to the outbox; the relay publishes it once the transaction commits. */
  send(queue: ComponentName, type: string, sagaId: string, bodyJson: string, version?: number): void;
  /** A few words for the timeline about what the effect did. */
  note(detail: string): void;
  /** A typed fact about this handling for observers (coverage, reports); its trace event carries it. */
  fact(fact: ServiceFact): void;
  /** A trace event to emit once the transaction has committed, after the handling itself. */
  emit(event: TraceEvent): void;
  /** Runs `f` once the transaction has committed (timers, caches); a rollback forgets it. */
  afterCommit(f: () => void): void;
  /**
   * True when the fault engine asked this command to fail (a decline, a refusal). A handler
   * asks exactly where it would refuse, and only there: asking is what makes the fault count
   * as injected, so a command answered from its business key records no fault it never felt.
   */
  injectedFailure(): boolean;
}

/** A component's business logic: the effect of one message, run inside the transaction the endpoint opened. */
export interface Handler {
  /** Applies `message`. Returns 'duplicate' when the business key shows the effect was already done (the reply is sent again). */
  handle(tx: HandlerTx, message: Message): HandleOutcome | void;
  /** A timer it set (`env.timers.at`) is due: `data` is what it set it with. */
  onTimer?(data: TimerData, dueTick: number): void;
}

/** What a handler is built with, once per start of its component. */
export interface HandlerEnv {
  readonly defences: Defences;
  /**
   * Timers on the virtual clock, owned by this component: its crash cancels them; each fires
   * as `handler.onTimer(data)`. A timer set with a `key` replaces the one set before with that
   * key; `cancel(key)` drops it.
   */
  readonly timers: { at(dueTick: number, data: TimerData, key?: string): void; cancel(key: string): void };
  /** Runs `work` in a local transaction of its own (a timer firing), with the same powers a message handler has. */
  transact<R>(work: (tx: HandlerTx) => R): R;
}

/** A component as data: its name, its tables, and how to build its handler on its database. */
export interface ComponentDefinition {
  readonly name: ComponentName;
  /**
   * The newest schema version of each message type it reads (1 when absent): an older message
   * is upcast to it before the handler sees it, a newer one is dead-lettered as unreadable.
   */
  readonly reads?: Readonly<Record<string, number>>;
  /** In choreography: the command each event it subscribes to triggers (the event is handled as that command). */
  readonly reactions?: ReadonlyMap<string, string>;
  /** The component's own tables; the endpoint adds the inbox and outbox. */
  readonly migrations: readonly Migration[];
  createHandler(db: Database, env: HandlerEnv): Handler;
}

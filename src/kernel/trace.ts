import { createHash, type Hash } from 'node:crypto';
import mittModule, { type Emitter } from 'mitt';

// mitt ships ESM at run time but CommonJS-style typings, so TypeScript sees the default import as the module.
const mitt = mittModule as unknown as typeof mittModule.default;

/** What happened, in the order it happened. */
export type TraceKind =
  | 'publish' // a message reached the broker (or did not: detail says dropped)
  | 'deliver' // the broker handed a message to its consumer
  | 'handle' // the consumer committed its local transaction
  | 'skip' // the consumer saw a message id (or business key) it had already handled
  | 'reject' // the consumer's handler threw; the message will come back
  | 'ack' // the consumer acknowledged a delivery
  | 'redeliver' // an unacked delivery went back to the queue
  | 'dead-letter' // a message or a saga step was parked for manual intervention
  | 'fault' // the fault engine did something on purpose
  | 'crash' // a component lost its memory
  | 'restart' // a component came back from its database
  | 'saga' // a saga changed state
  | 'phase' // the run moved from its fault phase to its calm phase
  | 'operator'; // a person acted: a dead letter redriven or resolved, an order approved or rejected

/** One line of the run's timeline. */
export interface TraceEvent {
  readonly kind: TraceKind;
  readonly tick: number;
  /** Who acted: the broker, the orchestrator, a service, the client, the kernel, or `chaos` (the fault engine). */
  readonly actor: string;
  readonly type?: string;
  readonly msgId?: string;
  readonly sagaId?: string;
  readonly detail?: string;
  /** Typed facts behind the detail (a saga's step events), for observers; the digest hashes the line, not these. */
  readonly facts?: readonly TraceFact[];
}

/** A typed fact carried by a trace event; its `kind` says which. */
export interface TraceFact {
  readonly kind: string;
}

type TraceEvents = { event: TraceEvent };

/** Characters of trace lines hashed in one call. */
const HASH_BATCH_CHARS = 1 << 16;

/** The trace of a stopped world: every event so far (it is kept to be resumable) and what listeners threw. */
export interface TraceImage {
  readonly events: readonly TraceEvent[];
  readonly listenerFailures: readonly string[];
  /** The digest of `events`: a trace read back from disk is checked against it. */
  readonly digest: string;
}

/** The digest a trace made of exactly these events would have. */
export function digestOf(events: readonly TraceEvent[]): string {
  const hash = createHash('sha256');
  for (const event of events) hash.update(formatTraceEvent(event) + '\n');
  return hash.digest('hex');
}

/** One line per event; the digest hashes exactly these lines, so the printed timeline is what the digest proves. */
export function formatTraceEvent(e: TraceEvent): string {
  let line = `${e.tick} ${e.kind} ${e.actor}`;
  if (e.type !== undefined) line += ` ${e.type}`;
  if (e.msgId !== undefined) line += ` ${e.msgId}`;
  if (e.sagaId) line += ` saga=${e.sagaId}`;
  if (e.detail !== undefined) line += ` ${e.detail}`;
  return line;
}

/**
 * The run's event trace: a sha256 digest of every event, listeners on a mitt emitter, and
 * the events themselves only when asked for. The trace is observation only: nothing in the
 * simulation listens to it to decide anything, and a listener cannot change the run: the
 * event is hashed before any listener sees it, and a listener that throws is recorded in
 * `listenerFailures` instead of interrupting the code that emitted the event.
 */
export class Trace {
  private readonly hash: Hash = createHash('sha256');
  /**
   * Lines not yet fed to the hash. SHA-256 reads its input as one stream, so hashing lines in
   * batches gives the digest of hashing them one by one, for one native call per batch
   * instead of one per event (about a twentieth of a run's time went to those calls).
   */
  private pending = '';
  private readonly emitter: Emitter<TraceEvents> = mitt<TraceEvents>();
  private readonly kept: TraceEvent[] | null;
  private readonly failures: string[] = [];

  /** A new trace, or one that carries on `from` a stopped world's: its events are hashed again, so the digest carries on too. */
  constructor(options: { keep: boolean }, from?: TraceImage) {
    this.kept = options.keep ? [] : null;
    if (!from) return;
    if (!this.kept) throw new Error('a trace carries on only when it keeps its events');
    for (const event of from.events) {
      this.feed(formatTraceEvent(event) + '\n');
      this.kept.push(event);
    }
    this.failures.push(...from.listenerFailures);
  }

  /** Everything a new process needs to carry on this trace; only a trace that keeps its events has one. */
  image(): TraceImage {
    if (!this.kept) throw new Error('a trace that does not keep its events cannot be carried on elsewhere');
    this.flush();
    return { events: [...this.kept], listenerFailures: [...this.failures], digest: this.hash.copy().digest('hex') };
  }

  emit(event: TraceEvent): void {
    this.feed(formatTraceEvent(event) + '\n');
    this.kept?.push(event);
    this.emitter.emit('event', event);
  }

  /** Calls `listener` for every later event; what it throws is recorded, never passed on. */
  on(listener: (event: TraceEvent) => void): void {
    this.emitter.on('event', (event) => {
      try {
        listener(event);
      } catch (error) {
        this.failures.push(`${formatTraceEvent(event)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  }

  /** What listeners threw, each with the event they were given; empty when every listener behaved. */
  listenerFailures(): readonly string[] {
    return this.failures;
  }

  /** The kept events (empty unless the trace was created with keep: true). */
  events(): readonly TraceEvent[] {
    return this.kept ?? [];
  }

  /** The sha256 of every event so far, as hex. Call once, at the end of the run. */
  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  private feed(line: string): void {
    this.pending += line;
    if (this.pending.length >= HASH_BATCH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.pending === '') return;
    this.hash.update(this.pending);
    this.pending = '';
  }
}

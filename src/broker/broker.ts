import { MinHeap, type Trace } from '../kernel/index.js';
import type { FaultPlan } from './fault-plan.js';
import { COMPONENTS, type ComponentName } from '../protocol/index.js';
import { emptyBrokerStats, type BrokerStats, type Delivery, type Message } from './message.js';

/** Broker settings; frozen once the broker is built. */
export interface BrokerOptions {
  /** An unacked delivery returns to its queue after this many ticks. */
  readonly visibilityTimeoutTicks: number;
  /** A message handed to its consumer this many times without an ack goes to the dead-letter queue. */
  readonly maxDeliveries: number;
}

export const DEFAULT_BROKER_OPTIONS: BrokerOptions = Object.freeze({ visibilityTimeoutTicks: 50, maxDeliveries: 8 });

/** A message parked because its consumer never acknowledged it; `resolution` once a person acted on it. */
export interface DeadLetter {
  readonly message: Message;
  readonly attempts: number;
  readonly tick: number;
  /** Why its consumer refused it outright (a schema version it cannot read); absent for one that used up its deliveries. */
  readonly refused?: string;
  readonly resolution?: DeadLetterResolution;
}

/** What a person did about a dead letter: sent it back into its queue with a fresh budget, or settled it by hand. */
export interface DeadLetterResolution {
  readonly action: 'redriven' | 'resolved';
  readonly tick: number;
  readonly by: string;
  readonly note: string;
}

interface Ready {
  readonly message: Message;
  readonly readyTick: number;
  readonly seq: number;
  /** Hand-overs so far; a dropped hand-over does not count, the consumer never saw it. */
  readonly attempts: number;
  /** A copy made by a duplicate fault (the fault plan does not duplicate copies, or one fault would multiply without end). */
  readonly copy: boolean;
  /** Held back once already by a delay fault (the fault plan does not delay it again, or a fault that always delays would never deliver). */
  readonly delayed: boolean;
}

interface InFlight {
  readonly ready: Ready;
  readonly visibleAgainTick: number;
  /** True when the fault plan dropped this hand-over on the wire. */
  readonly lost: boolean;
}

/** The broker as it stands between two ticks, as plain data: every queue, every unacked hand-over (in the order they were made), the dead letters and the counters. */
export interface BrokerImage {
  readonly stats: BrokerStats;
  readonly seq: number;
  readonly nextToken: number;
  readonly ready: readonly Ready[];
  readonly inFlight: ReadonlyArray<{ readonly token: number } & InFlight>;
  readonly dead: readonly DeadLetter[];
}

const byReadyThenSeq = (a: Ready, b: Ready): boolean => a.readyTick < b.readyTick || (a.readyTick === b.readyTick && a.seq < b.seq);

/**
 * An in-memory, at-least-once broker: one queue per consumer, deliveries stay unacked until
 * acked, come back after a visibility timeout, and go to a dead-letter queue after too many tries.
 * Faults are not decided here: the broker asks its fault plan at each publish, batch and
 * hand-over, and does exactly what it is told.
 */
export class Broker {
  readonly stats: BrokerStats = emptyBrokerStats();
  private readonly queues = new Map<ComponentName, MinHeap<Ready>>(COMPONENTS.map((q) => [q, new MinHeap<Ready>(byReadyThenSeq)]));
  private readonly inFlight = new Map<number, InFlight>();
  private readonly dead: DeadLetter[] = [];
  private seq = 0;
  private nextToken = 1;

  constructor(
    private readonly trace: Trace,
    private readonly faults: FaultPlan,
    private readonly options: BrokerOptions = DEFAULT_BROKER_OPTIONS,
  ) {}

  /** Accepts a message for delivery from the next tick on; returns false when the publish was dropped and must be retried. */
  publish(message: Message, now: number, publisher: string, note?: string): boolean {
    const fault = this.faults.onPublish(message, now);
    if (fault.kind === 'drop') {
      this.stats.dropped++;
      this.trace.emit({
        kind: 'publish',
        tick: now,
        actor: publisher,
        type: message.type,
        msgId: message.id,
        sagaId: message.sagaId,
        detail: 'dropped',
      });
      return false;
    }
    this.stats.published++;
    this.enqueue(message, now + 1, 0);
    this.trace.emit({
      kind: 'publish',
      tick: now,
      actor: publisher,
      type: message.type,
      msgId: message.id,
      sagaId: message.sagaId,
      ...(note ? { detail: note } : {}),
    });
    return true;
  }

  /**
   * Takes every message ready at `now` from the queues whose consumer is up, in (ready tick, publish order),
   * applies delivery faults, and returns the hand-overs for the consumers to handle.
   */
  takeReady(now: number, isUp: (queue: ComponentName) => boolean): Delivery[] {
    const batch: Ready[] = [];
    for (const [queue, heap] of this.queues) {
      if (!isUp(queue)) continue;
      while ((heap.peek()?.readyTick ?? Infinity) <= now) batch.push(heap.pop()!);
    }
    if (batch.length === 0) return [];
    batch.sort((a, b) => (byReadyThenSeq(a, b) ? -1 : 1));
    const swap = batch.length > 1 ? this.faults.reorder(batch.length, now) : null;
    if (swap) {
      const [i, j] = swap;
      [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      this.stats.reordered++;
      this.trace.emit({
        kind: 'fault',
        tick: now,
        actor: 'broker',
        type: batch[i]!.message.type,
        msgId: batch[i]!.message.id,
        detail: `reordered ahead of ${batch[j]!.message.id}`,
      });
    }
    const deliveries: Delivery[] = [];
    for (const ready of batch) {
      const { message } = ready;
      const fault = this.faults.onDeliver(message, now, ready);
      if (fault.kind === 'delay') {
        this.stats.delayed++;
        this.queues.get(message.queue)!.push({ ...ready, readyTick: now + fault.ticks, seq: this.seq++, delayed: true });
        this.trace.emit({
          kind: 'fault',
          tick: now,
          actor: 'broker',
          type: message.type,
          msgId: message.id,
          detail: `delivery delayed ${fault.ticks}`,
        });
        continue;
      }
      const token = this.nextToken++;
      if (fault.kind === 'drop') {
        this.stats.dropped++;
        this.inFlight.set(token, { ready, visibleAgainTick: now + this.options.visibilityTimeoutTicks, lost: true });
        this.trace.emit({ kind: 'fault', tick: now, actor: 'broker', type: message.type, msgId: message.id, detail: 'delivery dropped' });
        continue;
      }
      if (fault.kind === 'duplicate') {
        for (let c = 0; c < fault.copies; c++) this.enqueue(message, now + 1, 0, true);
        this.stats.duplicated += fault.copies;
        this.trace.emit({
          kind: 'fault',
          tick: now,
          actor: 'broker',
          type: message.type,
          msgId: message.id,
          detail: `duplicated x${fault.copies}`,
        });
      }
      const attempt = ready.attempts + 1;
      this.inFlight.set(token, {
        ready: { ...ready, attempts: attempt },
        visibleAgainTick: now + this.options.visibilityTimeoutTicks,
        lost: false,
      });
      this.stats.delivered++;
      this.trace.emit({
        kind: 'deliver',
        tick: now,
        actor: message.queue,
        type: message.type,
        msgId: message.id,
        sagaId: message.sagaId,
        detail: attempt > 1 ? `attempt ${attempt}` : undefined,
      });
      deliveries.push({ token, message, attempt });
    }
    return deliveries;
  }

  /** The consumer is done with this hand-over; returns the message acked, or null when the hand-over had already expired. */
  ack(token: number, now: number): Message | null {
    const entry = this.inFlight.get(token);
    if (!entry) return null;
    this.inFlight.delete(token);
    this.stats.acked++;
    this.trace.emit({
      kind: 'ack',
      tick: now,
      actor: entry.ready.message.queue,
      type: entry.ready.message.type,
      msgId: entry.ready.message.id,
    });
    return entry.ready.message;
  }

  /**
   * Its consumer cannot read this delivery, and never will (a schema version it does not know):
   * the message goes to the dead-letter queue at once, saying why, instead of coming back.
   */
  refuse(token: number, now: number, why: string): void {
    const entry = this.inFlight.get(token);
    if (!entry) return;
    this.inFlight.delete(token);
    this.deadLetter({ message: entry.ready.message, attempts: entry.ready.attempts, tick: now, refused: why }, why);
  }

  /** Returns every expired unacked delivery to its queue, or to the dead-letter queue once it has used up its tries. */
  expireUnacked(now: number): void {
    for (const [token, entry] of this.inFlight) {
      if (entry.visibleAgainTick > now) continue;
      this.inFlight.delete(token);
      this.returnToQueue(entry, now, 'visibility timeout');
    }
  }

  /** A consumer crashed: its unacked deliveries go back to its queue at once. */
  releaseQueue(queue: ComponentName, now: number): void {
    for (const [token, entry] of this.inFlight) {
      if (entry.ready.message.queue !== queue) continue;
      this.inFlight.delete(token);
      if (entry.lost) {
        this.returnToQueue(entry, now, 'consumer crashed');
        continue;
      }
      // A crash is not the message's fault: the hand-over is given back uncounted, as RabbitMQ's
      // quorum queues do since 4.3. Otherwise a consumer that keeps crashing would dead-letter
      // every message in its batch, poison or not. A handler that fails on a message still
      // uses up its tries (its delivery is never acked and expires).
      const { message, attempts } = entry.ready;
      this.stats.redelivered++;
      this.enqueue(message, now + 1, attempts - 1, entry.ready.copy);
      this.trace.emit({ kind: 'redeliver', tick: now, actor: 'broker', type: message.type, msgId: message.id, detail: 'consumer crashed' });
    }
  }

  /**
   * The messages ready for `queue` come back newest first (some brokers do not keep order
   * across a consumer's restart): a compensation queued behind the step it undoes can then
   * overtake it. Messages held back for later keep their time.
   */
  reverseQueue(queue: ComponentName, now: number): void {
    const heap = this.queues.get(queue)!;
    const ready: Ready[] = [];
    const later: Ready[] = [];
    while (heap.peek()) {
      const entry = heap.pop()!;
      (entry.readyTick <= now ? ready : later).push(entry);
    }
    for (const entry of ready.reverse()) heap.push({ ...entry, readyTick: now, seq: this.seq++ });
    for (const entry of later) heap.push(entry);
  }

  /** A person's message, put straight into its queue from the next tick (an operator's tool, not a publisher: no network in between). */
  enqueueFromOperator(message: Message, now: number): void {
    this.enqueue(message, now + 1, 0);
  }

  /** The earliest tick at which the broker has something to do for a consumer that is up, or Infinity. */
  nextEventTick(isUp: (queue: ComponentName) => boolean): number {
    let next = Infinity;
    for (const [queue, heap] of this.queues) {
      if (isUp(queue)) next = Math.min(next, heap.peek()?.readyTick ?? Infinity);
    }
    for (const entry of this.inFlight.values()) next = Math.min(next, entry.visibleAgainTick);
    return next;
  }

  /** Messages waiting in each queue, delivered or not, not yet acked. */
  depths(): Record<ComponentName, number> {
    const depths = Object.fromEntries(COMPONENTS.map((q) => [q, this.queues.get(q)!.size])) as Record<ComponentName, number>;
    for (const entry of this.inFlight.values()) depths[entry.ready.message.queue]++;
    return depths;
  }

  /** The hand-overs a message gets before it is dead-lettered. */
  get maxDeliveries(): number {
    return this.options.maxDeliveries;
  }

  /** Everything the broker holds, to carry on from in a new process (`restore`). */
  image(): BrokerImage {
    const ready = [...this.queues.values()].flatMap((heap) => heap.values()).sort((a, b) => a.seq - b.seq);
    const inFlight = [...this.inFlight].map(([token, entry]) => ({ token, ...entry }));
    return { stats: { ...this.stats }, seq: this.seq, nextToken: this.nextToken, ready, inFlight, dead: [...this.dead] };
  }

  /** Takes the place of a broker that stopped: its queues, hand-overs, dead letters and counters. Only on a new, empty broker. */
  restore(image: BrokerImage): void {
    if (this.seq > 0 || this.nextToken > 1) throw new Error('a broker can only be restored before it has done anything');
    Object.assign(this.stats, image.stats);
    this.seq = image.seq;
    this.nextToken = image.nextToken;
    for (const entry of image.ready) this.queues.get(entry.message.queue)!.push(entry);
    for (const { token, ...entry } of image.inFlight) this.inFlight.set(token, entry);
    this.dead.push(...image.dead);
  }

  /** The dead letters still waiting for a person, oldest first (one queue of them per queue: each names its message's queue). */
  deadLetters(): readonly DeadLetter[] {
    return this.dead.filter((d) => d.resolution === undefined);
  }

  private enqueue(message: Message, readyTick: number, attempts: number, copy = false): void {
    this.queues.get(message.queue)!.push({ message, readyTick, seq: this.seq++, attempts, copy, delayed: false });
  }

  /** Parks a message in the dead-letter queue, counted and in the timeline with why. */
  private deadLetter(letter: DeadLetter, why: string): void {
    const { message, tick } = letter;
    this.dead.push(letter);
    this.stats.deadLettered++;
    this.trace.emit({
      kind: 'dead-letter',
      tick,
      actor: 'broker',
      type: message.type,
      msgId: message.id,
      sagaId: message.sagaId,
      detail: why,
    });
  }

  private returnToQueue(entry: InFlight, now: number, why: string): void {
    const { message, attempts } = entry.ready;
    if (!entry.lost && attempts >= this.options.maxDeliveries)
      return this.deadLetter({ message, attempts, tick: now }, `after ${attempts} deliveries`);
    this.stats.redelivered++;
    this.enqueue(message, now + 1, attempts, entry.ready.copy);
    this.trace.emit({ kind: 'redeliver', tick: now, actor: 'broker', type: message.type, msgId: message.id, detail: why });
  }
}

/**
 * A stopped broker with its `index`th dead letter acted on by a person: redriven, it goes back
 * into its queue from the next tick with a fresh delivery budget; resolved, it stays parked,
 * settled. Returns the new image; throws if that letter was acted on before.
 */
export function actOnDeadLetter(image: BrokerImage, index: number, resolution: DeadLetterResolution): BrokerImage {
  const letter = image.dead[index];
  if (!letter || letter.resolution !== undefined) throw new Error(`no open dead letter #${index} in the broker`);
  const dead = image.dead.map((d, j) => (j === index ? { ...d, resolution } : d));
  if (resolution.action === 'resolved') return { ...image, dead };
  const back: Ready = { message: letter.message, readyTick: resolution.tick + 1, seq: image.seq, attempts: 0, copy: false, delayed: false };
  return { ...image, dead, seq: image.seq + 1, ready: [...image.ready, back] };
}

/** A stopped broker with one more message waiting in its queue from the next tick (an operator's message). */
export function enqueueInImage(image: BrokerImage, message: Message, tick: number): BrokerImage {
  const entry: Ready = { message, readyTick: tick + 1, seq: image.seq, attempts: 0, copy: false, delayed: false };
  return { ...image, seq: image.seq + 1, ready: [...image.ready, entry] };
}

import { MinHeap } from './min-heap.js';

/** What a timer carries to the one who fires it: plain data, so a stopped world can write its timers down. */
export type TimerData = Readonly<Record<string, string | number>>;

/** A timer owned by a component; killing the component cancels its timers. */
interface Timer {
  readonly dueTick: number;
  readonly seq: number;
  readonly owner: string;
  readonly data: TimerData;
  /** A timer set with a key replaces its owner's earlier timer of that key. */
  readonly key?: string;
  cancelled: boolean;
}

/** The scheduler as it stands between two ticks: its live timers in the order they were set, and the next sequence number. */
export interface SchedulerImage {
  readonly seq: number;
  readonly timers: ReadonlyArray<{
    readonly dueTick: number;
    readonly seq: number;
    readonly owner: string;
    readonly data: TimerData;
    readonly key?: string;
  }>;
}

const timerHeap = (): MinHeap<Timer> => new MinHeap<Timer>((a, b) => a.dueTick < b.dueTick || (a.dueTick === b.dueTick && a.seq < b.seq));

/**
 * Timers on the virtual clock, fired in (dueTick, seq) order so that two timers due at the
 * same tick always fire in the order they were set. A timer is data, not a closure: its
 * owner serves its timers (`serve`), and is asked to fire each one when it is due, so the
 * timers of a stopped world can be written down and set again in a new process.
 */
export class Scheduler {
  private heap = timerHeap();
  private readonly owners = new Map<string, (data: TimerData, dueTick: number) => void>();
  private seq = 0;
  private live = 0;
  /** The live timer of each owner and key. */
  private readonly keyed = new Map<string, Timer>();

  /** Says who fires `owner`'s timers from now on (a restarted component serves them anew). */
  serve(owner: string, fire: (data: TimerData, dueTick: number) => void): void {
    this.owners.set(owner, fire);
  }

  /**
   * Sets a timer; `owner` names the component whose crash cancels it, and fires it. With a
   * `key`, it replaces the owner's timer of that key, if one is still set: a saga's new
   * deadline makes the old one moot, and a long run would otherwise hold every deadline it
   * ever set until it came due.
   */
  at(dueTick: number, owner: string, data: TimerData, key?: string): void {
    const timer: Timer = { dueTick, seq: this.seq++, owner, data, ...(key === undefined ? {} : { key }), cancelled: false };
    if (key !== undefined) {
      this.cancelKey(owner, key);
      this.keyed.set(keyOf(owner, key), timer);
    }
    this.heap.push(timer);
    this.live++;
  }

  /** Cancels the owner's timer of this key, if one is set. */
  cancelKey(owner: string, key: string): void {
    const timer = this.keyed.get(keyOf(owner, key));
    if (!timer) return;
    this.keyed.delete(keyOf(owner, key));
    this.cancel(timer);
  }

  /** Cancels every timer of one owner (a crash forgets them). */
  cancelOwner(owner: string): void {
    for (const t of this.heap.values()) if (t.owner === owner) this.markCancelled(t);
    for (const [k, t] of this.keyed) if (t.owner === owner) this.keyed.delete(k);
    this.compactIfMostlyCancelled();
  }

  /** The tick of the earliest live timer, or Infinity. */
  nextDueTick(): number {
    this.dropCancelledTop();
    return this.heap.peek()?.dueTick ?? Infinity;
  }

  /** Number of live timers. */
  get size(): number {
    return this.live;
  }

  /** Fires every timer due at or before `now`, in order. */
  fireDue(now: number): void {
    for (;;) {
      this.dropCancelledTop();
      const top = this.heap.peek();
      if (!top || top.dueTick > now) return;
      this.heap.pop();
      this.live--;
      if (top.key !== undefined) this.keyed.delete(keyOf(top.owner, top.key));
      const fire = this.owners.get(top.owner);
      if (!fire) throw new Error(`a timer of ${top.owner} is due, but nobody serves ${top.owner}'s timers`);
      fire(top.data, top.dueTick);
    }
  }

  /** The live timers, to set again in a new process (`restore`). */
  image(): SchedulerImage {
    const timers = this.heap
      .values()
      .filter((t) => !t.cancelled)
      .sort((a, b) => a.seq - b.seq)
      .map(({ dueTick, seq, owner, data, key }) => ({ dueTick, seq, owner, data, ...(key === undefined ? {} : { key }) }));
    return { seq: this.seq, timers };
  }

  /** Replaces every timer with those of an image; the owners serve them as before. */
  restore(image: SchedulerImage): void {
    this.heap = timerHeap();
    this.keyed.clear();
    for (const t of image.timers) {
      const timer: Timer = { ...t, cancelled: false };
      this.heap.push(timer);
      if (t.key !== undefined) this.keyed.set(keyOf(t.owner, t.key), timer);
    }
    this.live = image.timers.length;
    this.seq = image.seq;
  }

  private dropCancelledTop(): void {
    while (this.heap.peek()?.cancelled) this.heap.pop();
  }

  private cancel(timer: Timer): void {
    this.markCancelled(timer);
    this.compactIfMostlyCancelled();
  }

  private markCancelled(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.live--;
  }

  /** Once cancelled timers outnumber live ones, the heap is built again without them. */
  private compactIfMostlyCancelled(): void {
    if (this.heap.size - this.live <= Math.max(COMPACT_AFTER, this.live)) return;
    const live = this.heap.values().filter((t) => !t.cancelled);
    this.heap = timerHeap();
    for (const t of live) this.heap.push(t);
  }
}

/** Cancelled timers a heap may hold before it is compacted, however few are live. */
const COMPACT_AFTER = 1024;

function keyOf(owner: string, key: string): string {
  return `${owner}\u0000${key}`;
}

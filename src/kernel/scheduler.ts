import { MinHeap } from './min-heap.js';

/** A timer owned by a component; killing the component cancels its timers. */
interface Timer {
  readonly dueTick: number;
  readonly seq: number;
  readonly owner: string;
  readonly fire: () => void;
  cancelled: boolean;
}

/**
 * Timers on the virtual clock, fired in (dueTick, seq) order so that two timers due at the
 * same tick always fire in the order they were set.
 */
export class Scheduler {
  private readonly heap = new MinHeap<Timer>((a, b) => a.dueTick < b.dueTick || (a.dueTick === b.dueTick && a.seq < b.seq));
  private seq = 0;
  private live = 0;

  /** Sets a timer; `owner` names the component whose crash cancels it. */
  at(dueTick: number, owner: string, fire: () => void): void {
    this.heap.push({ dueTick, seq: this.seq++, owner, fire, cancelled: false });
    this.live++;
  }

  /** Cancels every timer of one owner (a crash forgets them). */
  cancelOwner(owner: string): void {
    for (const t of this.heap.values()) {
      if (t.owner === owner && !t.cancelled) {
        t.cancelled = true;
        this.live--;
      }
    }
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
      top.fire();
    }
  }

  private dropCancelledTop(): void {
    while (this.heap.peek()?.cancelled) this.heap.pop();
  }
}

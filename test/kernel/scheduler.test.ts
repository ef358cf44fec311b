import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/kernel/scheduler.js';

/**
 * A scheduler and the labels of the timers it has fired, in firing order. `set` sets a timer
 * that records its label; `call` one that runs a function (kept here, the timer carries its index).
 */
function setup(s = new Scheduler()) {
  const fired: string[] = [];
  const fns: Array<() => void> = [];
  const serve = (owner: string): void =>
    s.serve(owner, (data) => (typeof data.call === 'number' ? fns[data.call]!() : void fired.push(String(data.label))));
  return {
    s,
    fired,
    serve,
    set: (tick: number, owner: string, label: string) => (serve(owner), s.at(tick, owner, { label })),
    call: (tick: number, owner: string, fn: () => void) => (serve(owner), s.at(tick, owner, { call: fns.push(fn) - 1 })),
  };
}

describe('Scheduler', () => {
  it('is empty at first: size 0, next due tick Infinity, firing does nothing', () => {
    const { s, fired } = setup();
    expect(s.size).toBe(0);
    expect(s.nextDueTick()).toBe(Infinity);
    s.fireDue(1_000_000);
    expect(fired).toEqual([]);
  });

  it('fires timers by due tick, and timers due at the same tick in the order they were set', () => {
    const { s, fired, set } = setup();
    set(7, 'x', '7a');
    set(2, 'y', '2a');
    set(7, 'y', '7b');
    set(5, 'x', '5a');
    set(2, 'x', '2b');
    set(7, 'z', '7c');
    set(0, 'z', '0a');
    set(5, 'z', '5b');
    set(2, 'z', '2c');
    expect(s.size).toBe(9);
    s.fireDue(100);
    expect(fired).toEqual(['0a', '2a', '2b', '2c', '5a', '5b', '7a', '7b', '7c']);
    expect(s.size).toBe(0);
    expect(s.nextDueTick()).toBe(Infinity);
  });

  it('keeps set order among many timers due at one tick', () => {
    const { s, fired, set } = setup();
    const labels = Array.from({ length: 50 }, (_, i) => `t${i}`);
    // Interleave a later tick so the heap has to reorder, not just append.
    labels.forEach((label, i) => {
      set(3, 'o', label);
      set(4, 'o', `late${i}`);
    });
    s.fireDue(3);
    expect(fired).toEqual(labels);
    expect(s.size).toBe(50);
  });

  it('fireDue fires the timers due at or before now and no others', () => {
    const { s, fired, set } = setup();
    set(3, 'o', 'at3');
    set(5, 'o', 'at5');
    set(6, 'o', 'at6');
    set(1, 'o', 'at1');
    s.fireDue(0);
    expect(fired).toEqual([]);
    expect(s.size).toBe(4);
    expect(s.nextDueTick()).toBe(1);

    s.fireDue(4);
    expect(fired).toEqual(['at1', 'at3']);
    expect(s.size).toBe(2);
    expect(s.nextDueTick()).toBe(5);

    // A timer due exactly now fires.
    s.fireDue(5);
    expect(fired).toEqual(['at1', 'at3', 'at5']);
    expect(s.size).toBe(1);
    expect(s.nextDueTick()).toBe(6);

    // Firing again at the same tick fires nothing twice.
    s.fireDue(5);
    expect(fired).toEqual(['at1', 'at3', 'at5']);
  });

  it('a timer set by a firing timer fires in the same call if it is due, after the ones already set for its tick', () => {
    const { s, fired, set, call } = setup();
    call(3, 'o', () => {
      fired.push('first');
      set(3, 'o', 'child-same-tick');
      set(2, 'o', 'child-past-tick');
      set(4, 'o', 'child-next-tick');
    });
    set(3, 'o', 'second');
    set(4, 'o', 'at4');
    s.fireDue(3);
    // The past-tick child is due and is earliest, so it comes straight after its parent.
    expect(fired).toEqual(['first', 'child-past-tick', 'second', 'child-same-tick']);
    expect(s.size).toBe(2);
    expect(s.nextDueTick()).toBe(4);
    s.fireDue(4);
    // at4 was set before child-next-tick.
    expect(fired.slice(4)).toEqual(['at4', 'child-next-tick']);
    expect(s.size).toBe(0);
  });

  it('a chain of timers each setting the next for the same tick all fire in one call', () => {
    const { s, call } = setup();
    let count = 0;
    const chain = (): void => {
      count++;
      if (count < 10) call(8, 'o', chain);
    };
    call(8, 'o', chain);
    s.fireDue(8);
    expect(count).toBe(10);
    expect(s.size).toBe(0);
  });

  it('cancelOwner cancels only that owner’s timers (not those of an owner whose name starts the same) and fixes size and nextDueTick', () => {
    const { s, fired, set } = setup();
    set(1, 'order', 'order1');
    set(2, 'orchestrator', 'orch2');
    set(3, 'order', 'order3');
    set(4, 'payment', 'pay4');
    set(5, 'orchestrator', 'orch5');
    set(6, 'order', 'order6');
    set(7, 'order-2', 'order2-7');
    expect(s.size).toBe(7);
    expect(s.nextDueTick()).toBe(1);

    s.cancelOwner('order');
    expect(s.size).toBe(4);
    expect(s.nextDueTick()).toBe(2);

    s.cancelOwner('orchestrator');
    expect(s.size).toBe(2);
    expect(s.nextDueTick()).toBe(4);

    s.fireDue(10);
    expect(fired).toEqual(['pay4', 'order2-7']);
    expect(s.size).toBe(0);
    expect(s.nextDueTick()).toBe(Infinity);
  });

  it('a cancelled timer deep in the heap (not the earliest) never fires', () => {
    const { s, fired, set } = setup();
    set(1, 'keep', 'k1');
    set(9, 'gone', 'g9');
    set(2, 'keep', 'k2');
    set(5, 'gone', 'g5');
    set(7, 'keep', 'k7');
    s.cancelOwner('gone');
    expect(s.nextDueTick()).toBe(1);
    expect(s.size).toBe(3);
    s.fireDue(2);
    expect(fired).toEqual(['k1', 'k2']);
    // g5 is cancelled: the next live timer is k7.
    expect(s.nextDueTick()).toBe(7);
    s.fireDue(100);
    expect(fired).toEqual(['k1', 'k2', 'k7']);
    expect(s.size).toBe(0);
  });

  it('cancelling an owner twice, an owner with no timers, or an owner whose timers already fired changes nothing', () => {
    const { s, fired, set } = setup();
    set(1, 'a', 'a1');
    set(2, 'b', 'b2');
    set(3, 'b', 'b3');
    s.fireDue(1);
    s.cancelOwner('a');
    expect(s.size).toBe(2);
    s.cancelOwner('nobody');
    expect(s.size).toBe(2);
    s.cancelOwner('b');
    s.cancelOwner('b');
    expect(s.size).toBe(0);
    expect(s.nextDueTick()).toBe(Infinity);
    s.fireDue(100);
    expect(fired).toEqual(['a1']);
  });

  it('an owner whose timers were cancelled can set new ones, and those fire', () => {
    const { s, fired, set } = setup();
    set(4, 'a', 'old');
    s.cancelOwner('a');
    set(4, 'a', 'new');
    expect(s.size).toBe(1);
    expect(s.nextDueTick()).toBe(4);
    s.fireDue(4);
    expect(fired).toEqual(['new']);
  });

  it('a firing timer can cancel another owner’s timer due at the same tick', () => {
    const { s, fired, set, call } = setup();
    call(2, 'killer', () => {
      fired.push('killer');
      s.cancelOwner('victim');
    });
    set(2, 'victim', 'victim');
    set(2, 'bystander', 'bystander');
    s.fireDue(2);
    expect(fired).toEqual(['killer', 'bystander']);
    expect(s.size).toBe(0);
  });

  it('an image holds the live timers with their data and sequence; restored in a new scheduler they fire as they would have', () => {
    const a = setup();
    const b = setup();
    a.set(5, 'x', 'x5');
    a.set(3, 'y', 'y3');
    a.set(5, 'y', 'y5');
    a.set(5, 'gone', 'g5');
    a.set(1, 'x', 'x1');
    b.set(2, 'x', 'replaced');
    a.s.cancelOwner('gone');
    a.s.fireDue(1);
    const image = JSON.parse(JSON.stringify(a.s.image())) as ReturnType<Scheduler['image']>;
    expect(image.timers.map((t) => t.data.label)).toEqual(['x5', 'y3', 'y5']);
    // The copy starts from another state (another timer, fewer set) and is replaced by the image; its owners serve as before.
    for (const owner of ['y', 'z']) b.serve(owner);
    b.s.restore(image);
    expect(b.s.size).toBe(3);
    // Timers set after the restore take the next sequence number, so a tie at tick 5 still fires in set order.
    for (const { set } of [a, b]) set(5, 'z', 'z5');
    a.s.fireDue(10);
    b.s.fireDue(10);
    expect(a.fired).toEqual(['x1', 'y3', 'x5', 'y5', 'z5']);
    // x1 fired before the image was taken.
    expect(b.fired).toEqual(['y3', 'x5', 'y5', 'z5']);
  });

  it("a timer set with a key replaces the owner's earlier one of that key, even across an image; cancelKey drops it", () => {
    const { s, fired, serve } = setup();
    serve('x');
    serve('y');
    s.at(5, 'x', { label: 'x-saga1-v1' }, 'saga-1');
    s.at(6, 'y', { label: 'y-saga1' }, 'saga-1');
    s.at(4, 'x', { label: 'x-saga2' }, 'saga-2');
    s.at(9, 'x', { label: 'x-saga1-v2' }, 'saga-1');
    expect(s.size).toBe(3);
    const b = setup();
    b.serve('x');
    b.serve('y');
    b.s.restore(JSON.parse(JSON.stringify(s.image())) as ReturnType<Scheduler['image']>);
    for (const { s: each } of [{ s }, b]) {
      each.at(12, 'x', { label: 'x-saga1-v3' }, 'saga-1');
      each.cancelKey('x', 'saga-2');
      each.fireDue(20);
    }
    expect(fired).toEqual(['y-saga1', 'x-saga1-v3']);
    expect(b.fired).toEqual(['y-saga1', 'x-saga1-v3']);
    // Nothing moot is left to keep the world busy: the next due tick is a live timer's.
    s.at(30, 'x', { label: 'x-saga3-v1' }, 'saga-3');
    s.at(40, 'x', { label: 'x-saga3-v2' }, 'saga-3');
    expect(s.nextDueTick()).toBe(40);
  });

  it('lets go of cancelled timers once they outnumber the live ones', () => {
    const { s, serve } = setup();
    serve('x');
    const held = (): number => (s as unknown as { heap: { size: number } }).heap.size;
    for (let i = 0; i < 5_000; i++) s.at(10_000 + i, 'x', { label: String(i) }, `saga-${i % 10}`);
    expect(s.size).toBe(10);
    expect(held()).toBeLessThanOrEqual(1_024 + 10 + 1);
  });

  it('a due timer whose owner nobody serves is a bug, said by name', () => {
    const s = new Scheduler();
    s.at(1, 'ghost', {});
    expect(() => s.fireDue(1)).toThrow(/nobody serves ghost/);
  });
});

import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../src/kernel/min-heap.js';

/** A 32-bit linear congruential generator (Numerical Recipes constants): the same numbers on every run. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x;
  };
}

const ascending = (a: number, b: number): boolean => a < b;

/** Pops as many items as the heap says it holds, checks it is then empty, and returns what came out, in order. */
function drain<T>(heap: MinHeap<T>): T[] {
  const out: T[] = [];
  for (let n = heap.size; n > 0; n--) out.push(heap.pop() as T);
  expect(heap.size).toBe(0);
  return out;
}

describe('MinHeap', () => {
  it('pops in ascending order under a "less than" comparator', () => {
    const heap = new MinHeap(ascending);
    for (const n of [5, 3, 9, 1, 7, 2, 8, 6, 4, 0]) heap.push(n);
    expect(drain(heap)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('follows the comparator it is given, not the natural order of the items', () => {
    const descending = new MinHeap<number>((a, b) => a > b);
    for (const n of [5, 3, 9, 1, 7]) descending.push(n);
    expect(drain(descending)).toEqual([9, 7, 5, 3, 1]);

    const byLength = new MinHeap<string>((a, b) => a.length < b.length);
    for (const s of ['ccc', 'a', 'dddd', 'bb']) byLength.push(s);
    expect(drain(byLength)).toEqual(['a', 'bb', 'ccc', 'dddd']);
  });

  it('with a comparator that breaks ties by insertion number, equal keys come out in the order they went in', () => {
    type Item = { key: number; seq: number };
    const heap = new MinHeap<Item>((a, b) => a.key < b.key || (a.key === b.key && a.seq < b.seq));
    const keys = [2, 1, 2, 0, 1, 2, 0, 1, 2, 1, 0, 2];
    keys.forEach((key, seq) => heap.push({ key, seq }));
    const out = drain(heap).map((i) => `${i.key}:${i.seq}`);
    expect(out).toEqual(['0:3', '0:6', '0:10', '1:1', '1:4', '1:7', '1:9', '2:0', '2:2', '2:5', '2:8', '2:11']);
  });

  it('keeps every one of many equal items (none lost or duplicated)', () => {
    const heap = new MinHeap<{ id: number; key: number }>((a, b) => a.key < b.key);
    for (let id = 0; id < 20; id++) heap.push({ id, key: id % 2 });
    const out = drain(heap);
    expect(out.map((i) => i.key)).toEqual([...Array<number>(10).fill(0), ...Array<number>(10).fill(1)]);
    expect(out.map((i) => i.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('pop and peek on an empty heap return undefined and leave it empty and usable', () => {
    const heap = new MinHeap(ascending);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peek()).toBeUndefined();
    expect(heap.size).toBe(0);
    heap.push(4);
    expect(heap.pop()).toBe(4);
    expect(heap.pop()).toBeUndefined();
    expect(heap.size).toBe(0);
    heap.push(2);
    expect(heap.size).toBe(1);
    expect(heap.peek()).toBe(2);
  });

  it('size counts pushes less pops, and peek shows the least item without removing it', () => {
    const heap = new MinHeap(ascending);
    heap.push(8);
    heap.push(3);
    heap.push(5);
    expect(heap.size).toBe(3);
    expect(heap.peek()).toBe(3);
    expect(heap.peek()).toBe(3);
    expect(heap.size).toBe(3);
    expect(heap.pop()).toBe(3);
    expect(heap.size).toBe(2);
    expect(heap.peek()).toBe(5);
  });

  it('values() holds exactly the items not yet popped, the least one first', () => {
    const heap = new MinHeap(ascending);
    for (const n of [40, 10, 30, 20, 50]) heap.push(n);
    expect([...heap.values()].sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50]);
    expect(heap.values()[0]).toBe(10);
    heap.pop();
    heap.pop();
    expect([...heap.values()].sort((a, b) => a - b)).toEqual([30, 40, 50]);
    expect(heap.values()[0]).toBe(30);
    expect(heap.values()).toHaveLength(heap.size);
  });

  it('agrees with a sorted array over a few hundred interleaved pushes and pops', () => {
    const next = lcg(20240601);
    const heap = new MinHeap(ascending);
    const reference: number[] = [];
    let pushes = 0;
    let pops = 0;
    let largest = 0;
    for (let step = 0; step < 600; step++) {
      const r = next();
      // Two pushes for every pop on average, so the heap grows deep; values in 0..99 so there are many ties.
      if (r % 3 !== 0) {
        const value = (r >>> 8) % 100;
        heap.push(value);
        reference.push(value);
        reference.sort((a, b) => a - b);
        pushes++;
      } else {
        expect(heap.pop()).toBe(reference.shift());
        pops++;
      }
      expect(heap.size).toBe(reference.length);
      expect(heap.peek()).toBe(reference[0]);
      largest = Math.max(largest, heap.size);
    }
    expect(drain(heap)).toEqual(reference);
    // The sequence really exercised both operations and a heap several levels deep.
    expect(pushes).toBeGreaterThan(300);
    expect(pops).toBeGreaterThan(150);
    expect(largest).toBeGreaterThan(100);
  });

  it('agrees with a sorted array when the heap is repeatedly emptied and refilled', () => {
    const next = lcg(7);
    const heap = new MinHeap(ascending);
    for (let round = 0; round < 10; round++) {
      const values = Array.from({ length: 1 + (next() % 40) }, () => next() % 1000);
      for (const v of values) heap.push(v);
      expect(drain(heap)).toEqual([...values].sort((a, b) => a - b));
      expect(heap.pop()).toBeUndefined();
    }
  });
});

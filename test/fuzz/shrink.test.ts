import { describe, expect, it } from 'vitest';
import { ddmin } from '../../src/fuzz/index.js';

describe('ddmin', () => {
  it('finds the smallest subset that still fails', async () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const fails = (s: readonly number[]) => s.includes(7) && s.includes(31);
    expect(await ddmin(items, fails)).toEqual([7, 31]);
  });

  it('returns nothing when nothing is needed, and everything when everything is', async () => {
    expect(await ddmin([1, 2, 3], () => true)).toEqual([]);
    expect(await ddmin([1, 2, 3], (s) => s.length === 3)).toEqual([1, 2, 3]);
  });
});

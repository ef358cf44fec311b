import seedrandom from 'seedrandom';

/** A seeded generator. Every random decision in a run goes through one of these. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** An integer in [lo, hi], both ends included. */
  between(lo: number, hi: number): number;
  /**
   * A unique id with a prefix: a per-generator sequence then random hex, e.g. `msg-00002a-3f2a9c01`.
   * The sequence first keeps ids in creation order, like a ULID, so primary-key inserts append
   * to the B-tree instead of landing at random pages.
   */
  id(prefix: string): string;
}

/** A generator for one component, forked from the run seed by name so that components do not disturb each other's sequences. */
export function forkRng(seed: number, name: string): Rng {
  const prng = seedrandom(`${seed}/${name}`);
  const next = (): number => prng.quick();
  let sequence = 0;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => p > 0 && next() < p,
    between: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    id: (prefix) => `${prefix}-${(sequence++).toString(36).padStart(6, '0')}-${(prng.int32() >>> 0).toString(16).padStart(8, '0')}`,
  };
}

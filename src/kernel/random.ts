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
  /** Where the generator stands, to carry on from in a new process (`forkRng(seed, name, state)`). */
  state(): RngState;
}

/** A generator's position: its ARC4 state and its id sequence. Plain data, written down when a world stops. */
export interface RngState {
  readonly arc4: seedrandom.State.Arc4;
  readonly sequence: number;
}

/**
 * A generator for one component, forked from the run seed by name so that components do not
 * disturb each other's sequences; from `state` when given, it carries on where one stood.
 */
export function forkRng(seed: number, name: string, from?: RngState): Rng {
  const prng = seedrandom(`${seed}/${name}`, { state: from ? from.arc4 : true });
  const next = (): number => prng.quick();
  let sequence = from?.sequence ?? 0;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => p > 0 && next() < p,
    between: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    id: (prefix) => `${prefix}-${(sequence++).toString(36).padStart(6, '0')}-${(prng.int32() >>> 0).toString(16).padStart(8, '0')}`,
    state: () => ({ arc4: prng.state(), sequence }),
  };
}

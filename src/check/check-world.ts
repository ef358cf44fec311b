import { INVARIANTS } from './invariants.js';
import type { Invariant, InvariantResult } from './invariant.js';
import type { WorldSnapshot } from './world-snapshot.js';

/** Runs every invariant over a snapshot. Never throws, never decides an exit code. */
export function checkWorld(world: WorldSnapshot, invariants: readonly Invariant[] = INVARIANTS): InvariantResult[] {
  return invariants.map((i) => i.check(world));
}

import type { WorldSnapshot } from './world-snapshot.js';

/** One named verdict; the checker only observes, the CLI decides what a failure means. */
export interface InvariantResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A named rule over a snapshot of the world. */
export interface Invariant {
  readonly name: string;
  /** What it protects against, in a few words; a report shows it under a violation. */
  readonly protects: string;
  check(world: WorldSnapshot): InvariantResult;
}

const SHOWN = 3;

/** A result from a list of problems: ok when there are none, else the first few in the detail. */
export function verdict(name: string, problems: readonly string[], okDetail: string): InvariantResult {
  if (problems.length === 0) return { name, ok: true, detail: okDetail };
  const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : '';
  return { name, ok: false, detail: problems.slice(0, SHOWN).join('; ') + more };
}

/** Rows grouped by a key, in first-seen order. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

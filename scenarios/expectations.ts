import { COMPENSATIONS } from '../src/scenario/index.js';
import type { RunOutcome } from '../src/world/index.js';

/** Problems unless every saga's compensations were handled in exactly this order: every compensation handled counts, not only those listed. */
export function compensationOrder(outcome: RunOutcome, expected: readonly string[]): string[] {
  const bySaga = new Map<string, string[]>();
  for (const e of outcome.traceEvents) {
    if (e.kind !== 'handle' || e.sagaId === undefined || e.type === undefined || !(COMPENSATIONS as readonly string[]).includes(e.type))
      continue;
    bySaga.set(e.sagaId, [...(bySaga.get(e.sagaId) ?? []), e.type]);
  }
  const problems: string[] = [];
  for (const s of outcome.snapshot.sagas) {
    const seen = bySaga.get(s.id) ?? [];
    if (seen.join() !== expected.join())
      problems.push(`saga ${s.id} compensated as ${seen.join(', ') || 'nothing'}; expected ${expected.join(', ')}`);
  }
  return problems;
}

/** Problems unless the run emitted at least one trace event of `kind` by `actor`. */
export function happened(outcome: RunOutcome, kind: string, actor: string, what: string): string[] {
  return outcome.eventCounts[`${kind}:${actor}`] ? [] : [`${what} never happened`];
}

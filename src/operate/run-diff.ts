/** What `saga diff` compares of each run: its timeline, its sagas' ends, its verdicts, its digest. */
export interface ComparedRun {
  readonly trace: readonly string[];
  readonly sagas: ReadonlyArray<{ readonly id: string; readonly orderId: string; readonly status: string }>;
  readonly invariants: ReadonlyArray<{ readonly name: string; readonly ok: boolean; readonly detail: string }>;
  readonly digest: string;
}

/** Where two runs part, and how they end differently. */
export interface RunDiff {
  readonly same: boolean;
  /** The first event that differs (its index in both timelines), with the events both had just before it; null when one timeline is a prefix of the other and they are equal so far. */
  readonly firstDifference: {
    readonly index: number;
    readonly before: readonly string[];
    readonly a: string | null;
    readonly b: string | null;
  } | null;
  readonly sagas: ReadonlyArray<{ readonly id: string; readonly a: string | null; readonly b: string | null }>;
  readonly invariants: ReadonlyArray<{
    readonly name: string;
    readonly a: { readonly ok: boolean; readonly detail: string } | null;
    readonly b: { readonly ok: boolean; readonly detail: string } | null;
  }>;
}

/** Lines of shared timeline shown before the first difference. */
const CONTEXT = 3;

/** Compares two runs: the first event where their timelines part, then the sagas and the invariants that end differently. */
export function diffRuns(a: ComparedRun, b: ComparedRun): RunDiff {
  let i = 0;
  while (i < a.trace.length && i < b.trace.length && a.trace[i] === b.trace[i]) i++;
  const parted = i < a.trace.length || i < b.trace.length;
  const firstDifference = parted
    ? { index: i, before: a.trace.slice(Math.max(0, i - CONTEXT), i), a: a.trace[i] ?? null, b: b.trace[i] ?? null }
    : null;
  const statusA = new Map(a.sagas.map((s) => [s.id, s.status]));
  const statusB = new Map(b.sagas.map((s) => [s.id, s.status]));
  const ids = [...new Set([...statusA.keys(), ...statusB.keys()])].sort();
  const sagas = ids.map((id) => ({ id, a: statusA.get(id) ?? null, b: statusB.get(id) ?? null })).filter((s) => s.a !== s.b);
  const verdictA = new Map(a.invariants.map((v) => [v.name, v]));
  const verdictB = new Map(b.invariants.map((v) => [v.name, v]));
  const names = [...new Set([...verdictA.keys(), ...verdictB.keys()])];
  const pick = (v: { ok: boolean; detail: string } | undefined) => (v ? { ok: v.ok, detail: v.detail } : null);
  const invariants = names
    .map((name) => ({ name, a: pick(verdictA.get(name)), b: pick(verdictB.get(name)) }))
    .filter((v) => v.a?.ok !== v.b?.ok || v.a?.detail !== v.b?.detail);
  return { same: !parted && a.digest === b.digest, firstDifference, sagas, invariants };
}

import { nextTurn } from '../kernel/index.js';
import type { ScriptedFault } from '../chaos/index.js';
import type { Workload } from '../world/index.js';
import { runCase, type CaseResult, type CaseRules } from './run-case.js';

/** The smallest story found that still breaks the same invariant. */
export interface Shrunk {
  readonly kind: 'shrunk';
  readonly workload: Workload;
  readonly schedule: readonly ScriptedFault[];
  readonly result: CaseResult;
  readonly probes: number;
}

/** A failure that did not come back when its recorded schedule was run again: a non-determinism to investigate, reported rather than thrown. */
export interface NotReproduced {
  readonly kind: 'not-reproduced';
  readonly detail: string;
}

/** Runs one shrink may make, unless its caller gives it fewer. */
export const MAX_PROBES = 400;

/** How a shrink is watched and stopped from outside. */
export interface ShrinkControl {
  /** Checked before each probe: once true, the shrink stops as if its budget ran out and returns the smallest story so far. */
  readonly shouldStop?: () => boolean;
  /** After each probe: how many so far, of at most `max`. */
  readonly onProbe?: (probes: number, max: number) => void;
  /** At most this many probes (MAX_PROBES unless given): a caller shrinking several seeds shares one budget among them. */
  readonly maxProbes?: number;
}

/**
 * Shrinks a failing run: delta debugging over its fault schedule (drop halves, then
 * quarters, ... then single faults), then the workload (fewer orders, quantity 1), keeping
 * each step only if the same invariant still fails. The schedule it returns is the one the
 * last run actually injected, so replaying it reproduces that run exactly. It never throws:
 * a failure that does not reproduce from its own schedule comes back as data. Between probes
 * it gives the event loop a turn, so a Ctrl-C is heard and ends it early with what it has.
 */
export async function shrink(
  seed: number,
  workload: Workload,
  schedule: readonly ScriptedFault[],
  invariant: string,
  rules: CaseRules,
  control: ShrinkControl = {},
): Promise<Shrunk | NotReproduced> {
  let probes = 0;
  const max = control.maxProbes ?? MAX_PROBES;
  const fails = async (w: Workload, s: readonly ScriptedFault[]): Promise<boolean> => {
    if (probes >= max || control.shouldStop?.()) return false;
    probes++;
    const r = runCase({ seed, workload: w, schedule: s, ...rules });
    control.onProbe?.(probes, max);
    await nextTurn();
    return r.violations.some((v) => v.name === invariant);
  };

  let faults = [...schedule];
  // Outside the probe budget and deaf to a stop: a sweep stopped early still gets its failures reproduced and written, only less shrunk.
  const recorded = runCase({ seed, workload, schedule: faults, ...rules });
  if (!recorded.violations.some((v) => v.name === invariant))
    return { kind: 'not-reproduced', detail: `seed ${seed}: the recorded schedule no longer breaks ${invariant}` };
  faults = await ddmin(faults, (candidate) => fails(workload, candidate));

  // Faults are addressed to sagas, so removing an order leaves the faults of the others where they struck.
  const fewerOrders = async (w: Workload): Promise<Workload> => {
    let current = w;
    for (let i = current.orders.length - 1; i >= 0 && current.orders.length > 1; i--) {
      const fewer = { ...current, orders: current.orders.filter((_, j) => j !== i) };
      if (await fails(fewer, faults)) current = fewer;
    }
    return current;
  };
  let current = await fewerOrders(workload);
  // The SKUs and customers no order is left with.
  const used = {
    ...current,
    stock: current.stock.filter((s) => current.orders.some((o) => o.sku === s.sku)),
    customers: current.customers.filter((c) => current.orders.some((o) => o.customer === c.customer)),
  };
  if ((used.stock.length < current.stock.length || used.customers.length < current.customers.length) && (await fails(used, faults)))
    current = used;
  for (let i = 0; i < current.orders.length; i++) {
    if (current.orders[i]!.qty === 1) continue;
    const smaller = { ...current, orders: current.orders.map((o, j) => (j === i ? { ...o, qty: 1 } : o)) };
    if (await fails(smaller, faults)) current = smaller;
  }
  // A person's decisions that do not matter to the failure.
  if (current.operator?.length) {
    const w = current;
    const operator = await ddmin(w.operator!, (candidate) => fails({ ...w, operator: candidate }, faults));
    current = { ...w, operator };
  }
  // A smaller workload can leave some faults with nothing to strike, and fewer faults some orders with nothing to do: one more pass over each.
  faults = await ddmin(faults, (candidate) => fails(current, candidate));
  current = await fewerOrders(current);

  // The final run, outside the probe budget: its own recorded schedule is what the replay file keeps.
  const result = runCase({ seed, workload: current, schedule: faults, ...rules });
  if (!result.violations.some((v) => v.name === invariant))
    return { kind: 'not-reproduced', detail: `seed ${seed}: shrinking lost the failure of ${invariant}` };
  return { kind: 'shrunk', workload: current, schedule: result.schedule, result, probes };
}

/** Zeller's ddmin: the smallest subset found (1-minimal when the budget allows) for which `fails` holds. */
export async function ddmin<T>(items: readonly T[], fails: (subset: readonly T[]) => boolean | Promise<boolean>): Promise<T[]> {
  let current = [...items];
  if (current.length > 0 && (await fails([]))) return [];
  let n = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / n);
    let reduced = false;
    for (let start = 0; start < current.length; start += size) {
      const complement = [...current.slice(0, start), ...current.slice(start + size)];
      if (await fails(complement)) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

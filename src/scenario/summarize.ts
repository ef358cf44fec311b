import type { WorldSnapshot } from '../check/index.js';

/** Counts rows by a field, with keys in a fixed order so the output is the same on every run. */
function countBy<T>(rows: readonly T[], key: (row: T) => string, keys: readonly string[]): Record<string, number> {
  const counts = Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;
  for (const row of rows) counts[key(row)] = (counts[key(row)] ?? 0) + 1;
  return counts;
}

/** The end state of each service, as the scenario table and the JSON report show it. */
export function summarizeServices(w: WorldSnapshot) {
  const charged = w.charges.filter((c) => c.status === 'CHARGED');
  const refunds = w.refunds.filter((r) => r.chargeId !== null);
  return {
    order: countBy(w.orders, (o) => o.status, ['PENDING', 'CONFIRMED', 'CANCELLED', 'REJECTED']),
    inventory: {
      stock: w.stock.map((s) => ({ sku: s.sku, initial: s.initial, available: s.available, reserved: s.reserved, sold: s.sold })),
      reservations: countBy(w.reservations, (r) => r.status, ['RESERVED', 'COMMITTED', 'RELEASED', 'REJECTED']),
    },
    payment: {
      charges: charged.length,
      declined: w.charges.filter((c) => c.status === 'DECLINED').length,
      // Two-phase commit only: funds still held at the end (in doubt), and holds given back by an abort.
      held: w.charges.filter((c) => c.status === 'HELD').length,
      voided: w.charges.filter((c) => c.status === 'VOIDED').length,
      refunds: refunds.length,
      chargedCents: charged.reduce((n, c) => n + c.amountCents, 0),
      refundedCents: refunds.reduce((n, r) => n + r.amountCents, 0),
    },
    fulfillment: countBy(w.shipments, (s) => s.status, ['SCHEDULED', 'CANCELLED', 'FAILED']),
    notification: countBy(w.notifications, (n) => n.channel, ['email', 'push']),
  };
}

export type ServicesSummary = ReturnType<typeof summarizeServices>;

/** The p-th percentile (0..100) of some numbers, nearest rank; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

import { join } from 'node:path';
import { writeReplayFile } from '../../src/fuzz/index.js';
import { buildVersion } from '../../src/version.js';

/** Markup and script in every name a replay file carries: a report drawn from it must show them as text and run none of them. */
export const HOSTILE = {
  sku: '<img src=x onerror="window.__pwned=1">',
  customer: '</script><script>window.__pwned=2</script>',
  orderId: 'order-<svg onload="window.__pwned=3">',
  detail: '<b onmouseover="window.__pwned=4">bold</b>',
} as const;

/** A replay file someone sent, whose names and reasons are markup and script; returns its path. */
export function hostileReplayFile(dir: string): string {
  return writeReplayFile(
    {
      format: 'saga-lab-replay/1',
      build: buildVersion(),
      seed: 7,
      disabled: [],
      invariant: 'saga-terminal',
      detail: HOSTILE.detail,
      workload: {
        stock: [{ sku: HOSTILE.sku, units: 10, priceCents: 100 }],
        customers: [{ customer: HOSTILE.customer, balanceCents: 10_000 }],
        orders: [{ orderId: HOSTILE.orderId, customer: HOSTILE.customer, sku: HOSTILE.sku, qty: 2, atTick: 10 }],
      },
      schedule: [],
      digest: '0'.repeat(64),
    },
    join(dir, 'failures'),
  );
}

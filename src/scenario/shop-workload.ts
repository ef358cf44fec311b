import type { Rng } from '../kernel/index.js';
import type { Workload } from '../world/index.js';
import type { WorkloadOverrides } from './scenario.js';

/** The knobs of the standard shop. */
export interface ShopOptions {
  readonly orders: number;
  readonly skus: number;
  readonly stockPerSku: number;
  readonly priceCents: number;
  readonly balanceCents: number;
  /** Orders arrive at random ticks in [0, arrivalTicks). */
  readonly arrivalTicks: number;
  readonly minQty: number;
  readonly maxQty: number;
  /** When set, each order wants this many units more than a SKU holds (`minQty` and `maxQty` are then counted above the stock). */
  readonly beyondStock?: boolean;
  /** The last this-many orders come from customers the shop does not know (no account either). */
  readonly unknownCustomers?: number;
}

const DEFAULT_SHOP: ShopOptions = Object.freeze({
  orders: 5,
  skus: 2,
  stockPerSku: 100,
  priceCents: 1250,
  balanceCents: 100_000,
  arrivalTicks: 50,
  minQty: 1,
  maxQty: 3,
});

/**
 * A small shop: a few SKUs, one customer per order, orders arriving at seeded random ticks.
 * `overrides` (from the command line) win over `options`. More or fewer orders without a
 * stock override scale the stock with them, so the scenario keeps its shape (ample stays
 * ample, scarce stays scarce) instead of running out at scale.
 */
export function shopWorkload(rng: Rng, options: Partial<ShopOptions> = {}, overrides: WorkloadOverrides = {}): Workload {
  const declared = { ...DEFAULT_SHOP, ...options };
  const scaled =
    overrides.orders !== undefined && overrides.stock === undefined
      ? Math.ceil((declared.stockPerSku * overrides.orders) / Math.max(1, declared.orders))
      : declared.stockPerSku;
  const o = {
    ...declared,
    orders: overrides.orders ?? declared.orders,
    stockPerSku: overrides.stock ?? scaled,
  };
  const above = o.beyondStock ? o.stockPerSku : 0;
  const skus = Array.from({ length: o.skus }, (_, i) => `SKU-${String.fromCharCode(65 + (i % 26))}${i >= 26 ? i : ''}`);
  const orders = Array.from({ length: o.orders }, (_, i) => ({
    orderId: `order-${String(i + 1).padStart(3, '0')}`,
    customer: `customer-${String(i + 1).padStart(3, '0')}`,
    sku: skus[rng.int(skus.length)]!,
    qty: above + rng.between(o.minQty, Math.max(o.minQty, o.maxQty)),
    atTick: rng.int(o.arrivalTicks),
  }));
  return {
    stock: skus.map((sku) => ({ sku, units: o.stockPerSku, priceCents: o.priceCents })),
    customers: orders
      .slice(0, Math.max(0, orders.length - (o.unknownCustomers ?? 0)))
      .map((order) => ({ customer: order.customer, balanceCents: o.balanceCents })),
    orders,
  };
}

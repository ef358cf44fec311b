import type { ApprovalPolicy } from '../orchestrator/index.js';
import type { ComponentName } from '../protocol/index.js';
import type { OperatorScript } from './scripted-operator.js';

/**
 * What a run starts with and what arrives during it: the shop's stock, customers and rules,
 * the orders, and the person who comes by. Money is in integer cents. A fuzz case is one of
 * these, so a replay file and a shrunk case carry all of it.
 */
export interface Workload {
  readonly stock: ReadonlyArray<{ readonly sku: string; readonly units: number; readonly priceCents: number }>;
  readonly customers: ReadonlyArray<{ readonly customer: string; readonly balanceCents: number }>;
  readonly orders: readonly OrderRequest[];
  /** Which orders wait for a person's approval, and for how long (DEFAULT_APPROVAL when absent). */
  readonly approval?: ApprovalPolicy;
  /** How long after it is scheduled a parcel leaves the warehouse, past which it cannot be cancelled (never, when absent). */
  readonly dispatchAfterTicks?: number;
  /**
   * How long every inbox remembers a message id, as a broker's dedupe window does (for ever,
   * when absent): a copy that comes later gets past the inbox, and only business keys catch it.
   */
  readonly dedupeWindowTicks?: number;
  /** A person who comes by at given ticks: decides on orders awaiting approval, acts on dead letters. */
  readonly operator?: readonly OperatorScript[];
  /** The release of its code each component starts on (1 unless given); a kill with `upgradesTo` deploys another. */
  readonly releases?: Partial<Record<ComponentName, number>>;
}

/** One customer's order, arriving at a virtual tick. */
export interface OrderRequest {
  readonly orderId: string;
  readonly customer: string;
  readonly sku: string;
  readonly qty: number;
  readonly atTick: number;
}

/** The price of an order: quantity times the SKU's price (an unknown SKU costs nothing; the reservation will refuse it). */
export function orderAmountCents(workload: Workload, order: OrderRequest): number {
  const sku = workload.stock.find((s) => s.sku === order.sku);
  return (sku?.priceCents ?? 0) * order.qty;
}

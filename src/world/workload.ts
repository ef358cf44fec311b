/** What a run starts with and what arrives during it. Money is in integer cents. */
export interface Workload {
  readonly stock: ReadonlyArray<{ readonly sku: string; readonly units: number; readonly priceCents: number }>;
  readonly customers: ReadonlyArray<{ readonly customer: string; readonly balanceCents: number }>;
  readonly orders: readonly OrderRequest[];
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

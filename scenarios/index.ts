import type { Scenario } from '../src/scenario/index.js';
import { crashMidPayment } from './crash-mid-payment.js';
import { duplicateDelivery } from './duplicate-delivery.js';
import { happyPath } from './happy-path.js';
import { paymentDeclined } from './payment-declined.js';

/** The catalogue, in the order `saga scenarios` lists it. */
export const SCENARIOS: readonly Scenario[] = [happyPath, paymentDeclined, duplicateDelivery, crashMidPayment];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

import type { FaultProfile, ScriptedFault } from '../chaos/index.js';
import { fuzzCaseStreams, type Rng } from '../kernel/index.js';
import { COMPENSATIONS, type Style } from '../protocol/index.js';
import { PLACE_ORDER_SAGA } from '../orchestrator/index.js';
import type { Workload } from '../world/index.js';

/** The commands a poison message can be: a step's, or its compensation's (see generateCase). */
const POISONABLE = PLACE_ORDER_SAGA.steps.flatMap((s) => [s.command, ...(s.compensation ? [s.compensation] : [])]);

/** One seed's experiment: its own workload and its own mix of faults (swarm testing: each seed turns some fault kinds on, at its own intensity). */
export interface FuzzCase {
  readonly seed: number;
  readonly workload: Workload;
  readonly profile: FaultProfile;
  /** Targeted faults on top: now and then a compensation that never works, so sweeps also reach FAILED sagas and dead letters. */
  readonly script: readonly ScriptedFault[];
}

/** Faults stop at this tick; then the calm phase must settle. */
export const FUZZ_FAULT_PHASE_TICKS = 3_000;
export const FUZZ_MAX_TICKS = 300_000;

/**
 * Now and then the shop's own rules: large orders that wait for a person (some approved or
 * rejected at a tick, some left to the SLA, which rejects or escalates), and a warehouse that
 * dispatches parcels, past which a cancel is refused for good.
 */
function shopRules(rng: Rng, orders: Workload['orders']): Pick<Workload, 'approval' | 'operator' | 'dispatchAfterTicks'> {
  const rules: { -readonly [K in 'approval' | 'operator' | 'dispatchAfterTicks']?: Workload[K] } = {};
  if (rng.chance(0.3)) {
    // Prices run from 100 to 4,000 cents and quantities to 3: a threshold in that range parks some orders, not all.
    rules.approval = {
      thresholdCents: rng.between(1, 60) * 100,
      slaTicks: rng.between(100, 1500),
      onSla: rng.chance(0.5) ? 'reject' : 'escalate',
    };
    rules.operator = orders
      .filter(() => rng.chance(0.6))
      .map((o) => ({
        atTick: rng.int(2000),
        action: rng.chance(0.7) ? ('approve' as const) : ('reject' as const),
        orders: [o.orderId],
        note: 'swarm',
        by: 'fuzz',
      }));
  }
  if (rng.chance(0.3)) rules.dispatchAfterTicks = rng.between(1, 300);
  return rules;
}

/**
 * The experiment a seed stands for, in a style; the same seed always gives the same case.
 * Only choreography runs without a dedupe window: there a copy that gets past one service's
 * inbox is answered by publishing its event again, under a new id, and it travels down the
 * whole chain of services. Their business keys absorb it, but each hop counts as one more
 * send, which sends-within-policy was not written to excuse.
 */
export function generateCase(seed: number, style: Style = 'orchestration'): FuzzCase {
  // The workload and the fault mix come from streams of their own: shrinking the one leaves the other as it was.
  const { workload: rng, faultMix, inbox } = fuzzCaseStreams(seed);
  const on = (): boolean => faultMix.chance(0.5);
  const upTo = (max: number): number => faultMix.next() * max;

  const orders = rng.between(1, 12);
  const skus = rng.between(1, 3);
  // Sometimes stock is scarce, so concurrent sagas compete for it; sometimes money is.
  const scarce = rng.chance(0.4);
  const stock = Array.from({ length: skus }, (_, i) => ({
    sku: `SKU-${String.fromCharCode(65 + i)}`,
    units: scarce ? rng.between(0, orders) : rng.between(orders * 3, orders * 6),
    priceCents: rng.between(1, 40) * 100,
  }));
  const customers = Array.from({ length: orders }, (_, i) => ({
    customer: `customer-${String(i + 1).padStart(3, '0')}`,
    balanceCents: rng.chance(0.2) ? rng.between(0, 3_000) : 1_000_000,
  }));
  const arrivalTicks = rng.between(1, 200);
  const orderList = customers.map((c, i) => ({
    orderId: `order-${String(i + 1).padStart(3, '0')}`,
    customer: c.customer,
    sku: stock[rng.int(skus)]!.sku,
    qty: rng.between(1, 3),
    atTick: rng.int(arrivalTicks),
  }));
  const workload: Workload = {
    stock,
    customers,
    orders: orderList,
    ...shopRules(rng, orderList),
    // A third of the seeds give every inbox a dedupe window: copies that come later (delayed,
    // redelivered after an outage) get past the inbox, and only business keys stand in their way.
    // Drawn from a stream of its own, so every other draw of a seed is what it was before.
    ...(inbox.chance(1 / 3) && style !== 'choreography' ? { dedupeWindowTicks: inbox.between(20, 1_000) } : {}),
  };

  const profile: FaultProfile = {
    name: `swarm-${seed}`,
    description: 'a fault mix drawn for this seed',
    dropPublish: on() ? upTo(0.3) : 0,
    dropDelivery: on() ? upTo(0.3) : 0,
    duplicate: on() ? upTo(0.3) : 0,
    maxCopies: faultMix.between(1, 3),
    delay: on() ? upTo(0.3) : 0,
    maxDelayTicks: faultMix.between(1, 200),
    reorder: on() ? upTo(0.5) : 0,
    kill: on() ? upTo(0.03) : 0,
    // Now and then longer than a step's whole retry window, so the orchestrator gives up and compensates while the service is down.
    maxDownTicks: faultMix.chance(0.5) ? faultMix.between(600, 1500) : faultMix.between(1, 500),
    reverseOnRestart: on() ? 0.5 + upTo(0.5) : 0,
    failCommand: on() ? upTo(0.1) : 0,
    throwCommand: on() ? upTo(0.02) : 0,
    // Now and then a restart that forgets its timers: stuck sagas, which only the reconciler finds.
    forgetTimers: on() ? upTo(0.5) : 0,
  };
  const script: ScriptedFault[] = faultMix.chance(0.05)
    ? [{ kind: 'fail-command', type: COMPENSATIONS[faultMix.int(COMPENSATIONS.length)]!, mode: 'fail', times: Infinity }]
    : [];
  // Now and then a poison message, so the broker's own dead-letter queue is exercised (a handler failing on every delivery).
  // Only a step's command or its compensation: the saga times out and sends another. A confirmation sent once the saga is
  // decided has no retry, and a dead-lettered one would wait for a person (saga dlq), whom a sweep does not play.
  if (faultMix.chance(0.1)) script.push({ kind: 'poison', type: POISONABLE[faultMix.int(POISONABLE.length)]! });
  return { seed, workload, profile, script };
}

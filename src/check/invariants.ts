import { plural } from '../kernel/index.js';
import { Command, COMPONENTS, PLACE_ORDER } from '../protocol/index.js';
import { isTerminal, PLACE_ORDER_SAGA, SagaStatus } from '../orchestrator/index.js';
import { CHANNELS } from '../services/index.js';
import { groupBy, verdict, type Invariant } from './invariant.js';
import type { StockRow, WorldSnapshot } from './world-snapshot.js';

const { Completed, Compensated, Failed, AwaitingApproval, Escalated } = SagaStatus;

/** The problems with one moment's stock: units appearing or vanishing, or a count below zero. */
export function stockProblems(stock: readonly StockRow[]): string[] {
  const problems: string[] = [];
  for (const s of stock) {
    if (s.available + s.reserved + s.sold !== s.initial) {
      problems.push(`${s.sku}: initial ${s.initial} ≠ available ${s.available} + reserved ${s.reserved} + sold ${s.sold}`);
    }
    if (s.available < 0 || s.reserved < 0 || s.sold < 0)
      problems.push(`${s.sku}: negative count (available ${s.available}, reserved ${s.reserved}, sold ${s.sold})`);
  }
  return problems;
}

// A saga id without its prefix (`saga-007` → `007`): short enough to read, distinct enough to tell apart.
const short = (id: string): string => id.slice(id.lastIndexOf('-') + 1);

export const sagaTerminal: Invariant = {
  name: 'saga-terminal',
  protects:
    'sagas stuck forever: after the calm phase every saga is COMPLETED, COMPENSATED, FAILED or ESCALATED with a dead letter for a human, or AWAITING_APPROVAL escalated to one',
  check(w) {
    const problems: string[] = [];
    if (!w.settled) problems.push(`the run did not settle: ${w.pending.join(', ') || 'unknown work pending'}`);
    const parked = new Set(w.sagaDeadLetters.filter((d) => d.kind === 'compensation').map((d) => d.sagaId));
    const escalated = new Set(w.sagaDeadLetters.filter((d) => d.kind === 'approval').map((d) => d.sagaId));
    for (const s of w.sagas) {
      if (s.status === AwaitingApproval) {
        // Waiting for a person is an end for the machine only once it has told one.
        if (!escalated.has(s.id)) problems.push(`saga ${short(s.id)} still AWAITING_APPROVAL, and no person was told`);
      } else if (!isTerminal(s.status)) problems.push(`saga ${short(s.id)} still ${s.status}`);
      if ((s.status === Failed || s.status === Escalated) && !parked.has(s.id))
        problems.push(`saga ${short(s.id)} ${s.status} without a dead-letter entry`);
    }
    return verdict(this.name, problems, `${plural(w.sagas.length, 'saga')} terminal`);
  },
};

export const orderMatchesSaga: Invariant = {
  name: 'order-matches-saga',
  protects: 'an order placed and lost before its saga started, left PENDING, or confirmed for a saga that was undone',
  check(w) {
    const orders = new Map(w.orders.map((o) => [o.sagaId, o]));
    const sagaIds = new Set(w.sagas.map((s) => s.id));
    const problems: string[] = [];
    // A place-order lost on its way leaves nothing in any database: only the count of what the client placed tells.
    // One its consumer could never handle waits in the dead-letter queue, for a person (broker-drained judges it).
    // In a run that did not settle some may still be on their way; saga-terminal says so.
    const accounted = new Set(sagaIds);
    for (const d of w.broker.deadLetters) if (d.type === PLACE_ORDER) accounted.add(d.sagaId);
    if (w.settled && accounted.size < w.ordersPlaced)
      problems.push(`${plural(w.ordersPlaced, 'order')} placed but ${accounted.size} started a saga or wait in the dead-letter queue`);
    for (const s of w.sagas) {
      const status = orders.get(s.id)?.status ?? 'absent';
      const ok =
        s.status === Completed
          ? status === 'CONFIRMED'
          : s.status === Compensated
            ? status === 'CANCELLED' || status === 'REJECTED' || status === 'absent'
            : s.status === Failed || s.status === Escalated
              ? status !== 'CONFIRMED'
              : true;
      if (!ok) problems.push(`saga ${short(s.id)} ${s.status} but order ${status}`);
    }
    for (const o of w.orders) if (!sagaIds.has(o.sagaId)) problems.push(`order ${o.orderId} has no saga`);
    return verdict(
      this.name,
      problems,
      `${plural(w.orders.length, 'order')} ${w.orders.length === 1 ? 'agrees with its saga' : 'agree with their sagas'}`,
    );
  },
};

export const stockConserved: Invariant = {
  name: 'stock-conserved',
  protects: 'units created or lost, and overselling: for every SKU initial = available + reserved + sold, never negative, after every tick',
  check(w) {
    const problems = stockProblems(w.stock);
    if (w.stockViolationDuringRun) problems.unshift(`during the run: ${w.stockViolationDuringRun}`);
    return verdict(this.name, problems, `${plural(w.stock.length, 'SKU')} balanced after every tick`);
  },
};

export const noOrphanReservation: Invariant = {
  name: 'no-orphan-reservation',
  protects: 'stock held forever by a saga that ended, or sold for a saga that was undone',
  check(w) {
    const sagas = new Map(w.sagas.map((s) => [s.id, s]));
    // Held on purpose: a release a person must finish, an order waiting for their approval, or one past its point of no return.
    const parked = new Set([
      ...w.sagaDeadLetters.filter((d) => d.command === Command.releaseStock).map((d) => d.sagaId),
      ...w.sagas.filter((s) => s.status === AwaitingApproval || s.status === Escalated).map((s) => s.id),
    ]);
    const problems: string[] = [];
    for (const r of w.reservations) {
      const saga = sagas.get(r.sagaId);
      if (!saga) {
        if (r.status === 'RESERVED' || r.status === 'COMMITTED')
          problems.push(`reservation of ${r.qty} ${r.sku} for unknown saga ${short(r.sagaId)}`);
        continue;
      }
      if (r.status === 'RESERVED' && !parked.has(saga.id))
        problems.push(`saga ${short(saga.id)} ${saga.status} still holds ${r.qty} ${r.sku}`);
      if (r.status === 'COMMITTED' && saga.status !== Completed)
        problems.push(`saga ${short(saga.id)} ${saga.status} but its ${r.qty} ${r.sku} were sold`);
    }
    const held = new Map<string, number>();
    for (const r of w.reservations) if (r.status === 'RESERVED') held.set(r.sku, (held.get(r.sku) ?? 0) + r.qty);
    for (const s of w.stock) {
      if ((held.get(s.sku) ?? 0) !== s.reserved)
        problems.push(`${s.sku}: ${s.reserved} reserved in stock but reservations hold ${held.get(s.sku) ?? 0}`);
    }
    const sold = new Set(w.reservations.filter((r) => r.status === 'COMMITTED').map((r) => r.sagaId));
    for (const s of w.sagas) {
      if (s.status === Completed && !sold.has(s.id)) problems.push(`saga ${short(s.id)} COMPLETED but sold nothing`);
    }
    return verdict(this.name, problems, `${plural(w.reservations.length, 'reservation')} accounted for`);
  },
};

export const singleCharge: Invariant = {
  name: 'single-charge',
  protects:
    'double charging under redelivery, and money kept for an undone order: at most one charge per saga; COMPLETED ⇒ one unrefunded charge; COMPENSATED ⇒ net 0',
  check(w) {
    const charges = groupBy(
      w.charges.filter((c) => c.status === 'CHARGED'),
      (c) => c.sagaId,
    );
    const refunds = groupBy(w.refunds, (r) => r.sagaId);
    const problems: string[] = [];
    const sagaIds = new Set([...w.sagas.map((s) => s.id), ...charges.keys()]);
    const status = new Map(w.sagas.map((s) => [s.id, s.status]));
    // Two-phase commit: funds held for a transaction that ended are its lock, never released (unless its void waits for a person).
    const voidParked = new Set(w.sagaDeadLetters.filter((d) => d.command === Command.voidPayment).map((d) => d.sagaId));
    for (const c of w.charges) {
      const s = status.get(c.sagaId);
      if (c.status === 'HELD' && s !== undefined && isTerminal(s) && !voidParked.has(c.sagaId))
        problems.push(`saga ${short(c.sagaId)} ${s} but still holds ${c.amountCents} cents`);
    }
    for (const id of sagaIds) {
      const paid = charges.get(id) ?? [];
      const back = (refunds.get(id) ?? []).filter((r) => r.chargeId !== null);
      const net = paid.reduce((n, c) => n + c.amountCents, 0) - back.reduce((n, r) => n + r.amountCents, 0);
      const s = status.get(id);
      const what = `${paid.length} charge${paid.length === 1 ? '' : 's'}, ${back.length} refund${back.length === 1 ? '' : 's'}`;
      if (paid.length > 1) problems.push(`saga ${short(id)}: ${what}`);
      else if (s === Completed && (paid.length !== 1 || back.length !== 0)) problems.push(`saga ${short(id)} COMPLETED with ${what}`);
      else if (s === Compensated && net !== 0) problems.push(`saga ${short(id)} COMPENSATED but ${net} cents kept (${what})`);
      // In two-phase commit a FAILED transaction was aborted: nothing of it may have been captured.
      else if (s === Failed && w.style === '2pc' && paid.length > 0) problems.push(`saga ${short(id)} FAILED (aborted) but charged`);
      else if (s === undefined) problems.push(`charge for unknown saga ${short(id)}`);
    }
    return verdict(
      this.name,
      problems,
      `${plural(w.charges.filter((c) => c.status === 'CHARGED').length, 'charge')}, ${plural(w.refunds.filter((r) => r.chargeId !== null).length, 'refund')}, all as their sagas say`,
    );
  },
};

export const moneyConserved: Invariant = {
  name: 'money-conserved',
  protects: 'money created or lost: every balance equals its opening balance less charges (and funds held) plus refunds',
  check(w) {
    const problems: string[] = [];
    const { charged, held, refunded } = moneyMoved(w);
    for (const a of w.accounts) {
      const out = charged.customer.get(a.customer) ?? 0;
      const back = refunded.customer.get(a.customer) ?? 0;
      // Two-phase commit: funds held for a transaction have left the balance without being charged.
      const kept = held.get(a.customer) ?? 0;
      if (a.balanceCents !== a.initialCents - out - kept + back) {
        problems.push(`${a.customer}: balance ${a.balanceCents} ≠ ${a.initialCents} − ${out}${kept ? ` − ${kept} held` : ''} + ${back}`);
      }
      if (a.balanceCents < 0) problems.push(`${a.customer}: negative balance ${a.balanceCents}`);
    }
    return verdict(this.name, problems, `${plural(w.accounts.length, 'account')} ${w.accounts.length === 1 ? 'balances' : 'balance'}`);
  },
};

export const refundsWithinCharges: Invariant = {
  name: 'refunds-within-charges',
  protects:
    'money given back twice, or taken after the saga gave it up: no saga and no account is refunded more than it was charged, and no charge comes after a refund that came first',
  check(w) {
    const problems: string[] = [];
    const { charged, refunded } = moneyMoved(w);
    // A refund of nothing records that the saga gave up on its charge: the late charge must find it and take nothing.
    // In the same tick too: money taken before the refund would have been refunded, not left the refund empty
    // (a charge declined before it, in the same tick, took nothing).
    const gaveUp = new Map<string, number>();
    for (const r of w.refunds) if (r.chargeId === null) gaveUp.set(r.sagaId, Math.min(gaveUp.get(r.sagaId) ?? r.tick, r.tick));
    for (const c of w.charges) {
      const since = gaveUp.get(c.sagaId);
      if (since !== undefined && c.tick >= since && (c.status === 'CHARGED' || c.status === 'HELD'))
        problems.push(`saga ${short(c.sagaId)}: charge ${c.status} at tick ${c.tick}, after its refund of nothing at tick ${since}`);
    }
    for (const [id, back] of refunded.saga) {
      const paid = charged.saga.get(id) ?? 0;
      if (back > paid) problems.push(`saga ${short(id)}: refunded ${back} cents of ${paid} charged`);
    }
    for (const [customer, back] of refunded.customer) {
      const paid = charged.customer.get(customer) ?? 0;
      if (back > paid) problems.push(`${customer}: refunded ${back} cents of ${paid} charged`);
    }
    return verdict(this.name, problems, `${plural(w.refunds.length, 'refund')}, none beyond its charge`);
  },
};

/** Cents charged and refunded, per saga and per customer (a refund reaches a customer through the charge it undoes). */
function moneyMoved(w: WorldSnapshot) {
  const byCharge = new Map(w.charges.map((c) => [c.id, c]));
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);
  const charged = { saga: new Map<string, number>(), customer: new Map<string, number>() };
  const refunded = { saga: new Map<string, number>(), customer: new Map<string, number>() };
  const held = new Map<string, number>();
  for (const c of w.charges) {
    if (c.status === 'HELD') add(held, c.customer, c.amountCents);
    if (c.status !== 'CHARGED') continue;
    add(charged.saga, c.sagaId, c.amountCents);
    add(charged.customer, c.customer, c.amountCents);
  }
  for (const r of w.refunds) {
    add(refunded.saga, r.sagaId, r.amountCents);
    const charge = r.chargeId === null ? undefined : byCharge.get(r.chargeId);
    if (charge) add(refunded.customer, charge.customer, r.amountCents);
  }
  return { charged, held, refunded };
}

export const shipmentMatches: Invariant = {
  name: 'shipment-matches',
  protects:
    'a parcel sent for an undone order, or a paid order never shipped; a dispatched parcel counted as undone (its money or stock given back)',
  check(w) {
    // Scheduled or already on its way: either way, it goes out.
    const scheduled = groupBy(
      w.shipments.filter((s) => s.status === 'SCHEDULED' || s.status === 'DISPATCHED'),
      (s) => s.sagaId,
    );
    const problems: string[] = [];
    for (const s of w.sagas) {
      const going = scheduled.get(s.id) ?? [];
      const n = going.length;
      if (s.status === Completed && n !== 1) problems.push(`saga ${short(s.id)} COMPLETED with ${n} scheduled shipments`);
      if (s.status === Failed && w.style === '2pc' && n !== 0)
        problems.push(`saga ${short(s.id)} FAILED (aborted) but its shipment goes out`);
      if (s.status === Compensated && n !== 0)
        problems.push(
          `saga ${short(s.id)} COMPENSATED but its shipment is still ${going[0]!.status === 'DISPATCHED' ? 'dispatched' : 'scheduled'}`,
        );
    }
    // Past the point of no return the goods are gone: giving back the money or the stock would ship them for free.
    const refunded = new Set(w.refunds.map((r) => r.sagaId));
    const released = new Set(w.reservations.filter((r) => r.status === 'RELEASED').map((r) => r.sagaId));
    for (const d of w.shipments) {
      if (d.status !== 'DISPATCHED') continue;
      if (refunded.has(d.sagaId)) problems.push(`saga ${short(d.sagaId)} refunded although its parcel was dispatched`);
      if (released.has(d.sagaId)) problems.push(`saga ${short(d.sagaId)} released its stock although its parcel was dispatched`);
    }
    // A slot held for a transaction in doubt is its lock: once the transaction ended, it must be scheduled or cancelled.
    // Unless its cancel is a person's to finish: then the slot waits for them.
    const parked = new Set(w.sagaDeadLetters.filter((d) => d.command === Command.cancelShipment).map((d) => d.sagaId));
    const ended = new Set(w.sagas.filter((s) => isTerminal(s.status) && !parked.has(s.id)).map((s) => s.id));
    for (const d of w.shipments)
      if (d.status === 'HELD' && ended.has(d.sagaId)) problems.push(`saga ${short(d.sagaId)} ended but still holds a slot`);
    const known = new Set(w.sagas.map((s) => s.id));
    for (const id of scheduled.keys()) if (!known.has(id)) problems.push(`shipment for unknown saga ${short(id)}`);
    return verdict(
      this.name,
      problems,
      `${plural(w.shipments.length, 'shipment')} match${w.shipments.length === 1 ? 'es its saga' : ' their sagas'}`,
    );
  },
};

export const notificationOnce: Invariant = {
  name: 'notification-once',
  protects: 'a customer told twice, told about an undone order, or never told: one email and one push per completed saga, none otherwise',
  check(w) {
    const sent = groupBy(w.notifications, (n) => n.sagaId);
    const problems: string[] = [];
    const status = new Map(w.sagas.map((s) => [s.id, s.status]));
    for (const [id, rows] of sent) {
      for (const channel of CHANNELS) {
        const n = rows.filter((r) => r.channel === channel).length;
        if (n > 1) problems.push(`saga ${short(id)}: ${n} ${channel} notifications`);
      }
      if (status.get(id) !== Completed) problems.push(`saga ${short(id)} ${status.get(id) ?? 'unknown'} but the customer was notified`);
    }
    for (const s of w.sagas) {
      if (s.status !== Completed) continue;
      const channels = new Set((sent.get(s.id) ?? []).map((r) => r.channel));
      for (const channel of CHANNELS) if (!channels.has(channel)) problems.push(`saga ${short(s.id)} COMPLETED but no ${channel} sent`);
    }
    return verdict(this.name, problems, `${plural(w.notifications.length, 'notification')}, each once`);
  },
};

export const brokerDrained: Invariant = {
  name: 'broker-drained',
  protects: 'messages lost in a queue, an outbox never relayed, or a message parked in the dead-letter queue',
  check(w) {
    const problems: string[] = [];
    for (const q of COMPONENTS) if (w.broker.depths[q] > 0) problems.push(`${plural(w.broker.depths[q], 'message')} left in queue ${q}`);
    for (const c of COMPONENTS)
      if ((w.broker.unsent[c] ?? 0) > 0) problems.push(`${plural(w.broker.unsent[c]!, 'unsent outbox row')} in ${c}`);
    // A duplicated poison message is parked once per copy: count messages, not copies.
    // A compensation parked for a person is its saga's dead letter: saga-terminal judges it.
    const parkedIds = new Map(w.broker.deadLetters.filter((d) => !d.handsOver).map((d) => [d.msgId, d]));
    if (parkedIds.size > w.toleratedDeadLetters) {
      for (const d of parkedIds.values()) problems.push(`${d.type} ${d.msgId} dead-lettered`);
    }
    const parked = parkedIds.size;
    return verdict(
      this.name,
      problems,
      parked
        ? `queues and outboxes empty; ${parked} poison message${parked > 1 ? 's' : ''} dead-lettered as expected`
        : 'queues, outboxes and dead-letter queue empty',
    );
  },
};

export const deadLettersEarned: Invariant = {
  name: 'dead-letters-earned',
  protects:
    'a message given up on too soon: nothing is dead-lettered before the broker handed it over its maximum number of times, unless its consumer refused it as unreadable',
  check(w) {
    // A consumer that cannot read a message's schema version refuses it at once: more deliveries would not help.
    const early = w.broker.deadLetters.filter((d) => d.attempts < w.broker.maxDeliveries && d.refused === undefined);
    const problems = early.map((d) => `${d.type} ${d.msgId} dead-lettered after ${d.attempts} of ${w.broker.maxDeliveries} deliveries`);
    return verdict(
      this.name,
      problems,
      `${plural(w.broker.deadLetters.length, 'dead letter')}, each after ${w.broker.maxDeliveries} deliveries`,
    );
  },
};

export const compensationOrder: Invariant = {
  name: 'compensation-order',
  protects:
    'compensations run out of order: a saga undoes its later steps before its earlier ones (refunding before the shipment is cancelled could ship unpaid goods)',
  check(w) {
    // An abort undoes nothing committed: each participant drops what it prepared, all at once, in no order.
    if (w.style === '2pc') return verdict(this.name, [], 'not applicable: two-phase commit aborts every participant at once');
    // When each step was undone, as the service that undid it recorded; in the saga's step order.
    const undone = new Map<string, Array<{ step: string; tick: number }>>();
    const record = (sagaId: string, step: string, tick: number): void => {
      const steps = undone.get(sagaId) ?? [];
      const same = steps.find((s) => s.step === step);
      if (same) same.tick = Math.min(same.tick, tick);
      else steps.push({ step, tick });
      undone.set(sagaId, steps);
    };
    // A compensation a person redrove or did by hand ran when they acted, out of the saga's order on purpose: it is not judged.
    const actedOn = new Set(w.sagaActedOn.map((a) => `${a.sagaId} ${a.command}`));
    const byThem = (sagaId: string, command: Command): boolean => actedOn.has(`${sagaId} ${command}`);
    for (const o of w.orders)
      if (o.status === 'CANCELLED' && !byThem(o.sagaId, Command.cancelOrder)) record(o.sagaId, 'order cancelled', o.tick);
    for (const r of w.reservations)
      if (r.status === 'RELEASED' && !byThem(r.sagaId, Command.releaseStock)) record(r.sagaId, 'stock released', r.tick);
    for (const r of w.refunds) if (!byThem(r.sagaId, Command.refundPayment)) record(r.sagaId, 'payment refunded', r.tick);
    for (const s of w.shipments)
      if (s.status === 'CANCELLED' && !byThem(s.sagaId, Command.cancelShipment)) record(s.sagaId, 'shipment cancelled', s.tick);
    const problems: string[] = [];
    let sagas = 0;
    for (const [sagaId, steps] of undone) {
      sagas++;
      // Recorded in step order (order, inventory, payment, fulfillment): each must have been undone after the one that follows it.
      for (let i = 0; i + 1 < steps.length; i++) {
        const [earlier, later] = [steps[i]!, steps[i + 1]!];
        if (earlier.tick <= later.tick)
          problems.push(`saga ${short(sagaId)}: ${earlier.step} at tick ${earlier.tick}, not after ${later.step} at tick ${later.tick}`);
      }
    }
    return verdict(this.name, problems, `${plural(sagas, 'saga')} undone last step first`);
  },
};

/**
 * How many distinct messages of each command one saga may send, by its policy: a step its
 * tries; a compensation its tries, plus one more for each try of its step whose success
 * arrives after the saga gave up on it (the step may have happened: it is undone again);
 * commands sent once the saga is decided, one.
 */
const ALLOWED_SENDS = new Map<string, number>([
  ...PLACE_ORDER_SAGA.steps.map((s) => [s.command, s.retry.maxAttempts] as const),
  ...PLACE_ORDER_SAGA.steps.flatMap((s) =>
    s.compensation ? [[s.compensation, s.compensationRetry.maxAttempts + s.retry.maxAttempts] as const] : [],
  ),
  ...PLACE_ORDER_SAGA.onCompleted.map((c) => [c.command, 1] as const),
]);

/** The tries a redriven compensation gets again. */
const REDRIVE_BUDGET = new Map<string, number>(
  PLACE_ORDER_SAGA.steps.flatMap((s) => (s.compensation ? [[s.compensation, s.compensationRetry.maxAttempts] as const] : [])),
);

export const sendsWithinPolicy: Invariant = {
  name: 'sends-within-policy',
  protects:
    'an action sent more often than its retry policy allows: a retry loop that does not stop, or a compensation retried past its cap',
  check(w) {
    // A person's redrive gives its compensation a fresh budget.
    // In choreography the janitor's nudges publish again what should have moved a stalled saga on.
    const nudges = new Map(w.nudges.map((n) => [n.sagaId, n.nudges]));
    const allowed = (c: { sagaId: string; type: string }): number =>
      (ALLOWED_SENDS.get(c.type) ?? 1) +
      (nudges.get(c.sagaId) ?? 0) +
      w.sagaActedOn.filter((r) => r.state === 'redriven' && r.sagaId === c.sagaId && r.command === c.type).length *
        (REDRIVE_BUDGET.get(c.type) ?? 0);
    const problems = w.commandsSent
      .filter((c) => c.messages > allowed(c))
      .map((c) => `saga ${short(c.sagaId)}: ${c.type} sent ${c.messages} times; its policy allows ${allowed(c)}`);
    return verdict(this.name, problems, 'every command sent no more often than its policy allows');
  },
};

export const approvalBeforeCharge: Invariant = {
  name: 'approval-before-charge',
  protects:
    'a large order charged without a person saying yes, or a parked order holding more than its stock: a saga AWAITING_APPROVAL holds its reservation and nothing else',
  check(w) {
    const problems: string[] = [];
    const charged = new Set(w.charges.filter((c) => c.status === 'CHARGED').map((c) => c.sagaId));
    const large = w.sagas.filter((s) => s.amountCents >= w.approvalThresholdCents);
    for (const s of large) {
      if (charged.has(s.id) && !s.approvedBy) problems.push(`saga ${short(s.id)} charged ${s.amountCents} cents with no approval`);
    }
    const waiting = w.sagas.filter((s) => s.status === AwaitingApproval);
    if (waiting.length > 0) {
      const held = groupBy(
        w.reservations.filter((r) => r.status === 'RESERVED'),
        (r) => r.sagaId,
      );
      const shipped = new Set(w.shipments.filter((s) => s.status === 'SCHEDULED' || s.status === 'DISPATCHED').map((s) => s.sagaId));
      const told = new Set(w.notifications.map((n) => n.sagaId));
      for (const s of waiting) {
        const n = held.get(s.id)?.length ?? 0;
        if (n !== 1) problems.push(`saga ${short(s.id)} AWAITING_APPROVAL holds ${n} reservations, not 1`);
        if (charged.has(s.id)) problems.push(`saga ${short(s.id)} AWAITING_APPROVAL but already charged`);
        if (shipped.has(s.id)) problems.push(`saga ${short(s.id)} AWAITING_APPROVAL but a shipment is scheduled`);
        if (told.has(s.id)) problems.push(`saga ${short(s.id)} AWAITING_APPROVAL but the customer was notified`);
      }
    }
    return verdict(
      this.name,
      problems,
      large.length === 0
        ? `no order of ${w.approvalThresholdCents} cents or more: none needed approval`
        : `${plural(large.length, 'order')} of ${w.approvalThresholdCents} cents or more, none charged unapproved` +
            (waiting.length ? `; ${waiting.length} awaiting approval ${waiting.length === 1 ? 'holds' : 'hold'} only stock` : ''),
    );
  },
};

export const nothingStuck: Invariant = {
  name: 'nothing-stuck',
  protects:
    "a saga that stopped moving although nothing forgot its timers: a lost timer after a restart (recovery), or no timeout on a lost answer, left for the reconciler's SLA",
  check(w) {
    const stuck = w.stuckSagas.length;
    const problems =
      w.timersForgotten === 0
        ? w.stuckSagas.map((s) => `saga ${short(s.sagaId)} found stuck by the reconciler, with no restart that forgot its timers`)
        : [];
    return verdict(
      this.name,
      problems,
      stuck === 0
        ? 'no saga stuck'
        : `${plural(stuck, 'stuck saga')} found by the reconciler, after ${plural(w.timersForgotten, 'restart')} that forgot ${w.timersForgotten === 1 ? 'its' : 'their'} timers`,
    );
  },
};

export const calmRunCompletes: Invariant = {
  name: 'calm-run-completes',
  protects:
    'orders refused for no reason (under-selling): with no fault injected, stock for every order and money for every customer, every saga completes',
  check(w) {
    const stock = new Map(w.stock.map((s) => [s.sku, s.initial]));
    const money = new Map(w.accounts.map((a) => [a.customer, a.initialCents]));
    const why = [
      w.faultsInjected > 0 ? plural(w.faultsInjected, 'fault') + ' injected' : null,
      w.demand.some((d) => d.units > (stock.get(d.sku) ?? 0)) ? 'not enough stock for every order' : null,
      w.spend.some((s) => s.cents > (money.get(s.customer) ?? 0)) ? 'not enough money for every customer' : null,
    ].filter((x) => x !== null);
    if (why.length > 0) return verdict(this.name, [], `not applicable: ${why.join(', ')}`);
    // A person decides a large order, and may say no: only the others are the machine's to complete.
    const own = w.sagas.filter((s) => s.amountCents < w.approvalThresholdCents);
    const decided = w.sagas.length - own.length;
    if (own.length === 0 && decided > 0) return verdict(this.name, [], "not applicable: every order was left to a person's approval");
    const problems = own.filter((s) => s.status !== Completed).map((s) => `saga ${short(s.id)} ${s.status} with nothing in its way`);
    return verdict(
      this.name,
      problems,
      `${plural(own.length, 'saga')} completed, with nothing in their way${decided ? `; ${decided} more left to a person's approval, not judged` : ''}`,
    );
  },
};

/** Every invariant, in the order they are reported. */
export const INVARIANTS: readonly Invariant[] = [
  sagaTerminal,
  orderMatchesSaga,
  stockConserved,
  noOrphanReservation,
  singleCharge,
  moneyConserved,
  refundsWithinCharges,
  shipmentMatches,
  notificationOnce,
  brokerDrained,
  deadLettersEarned,
  compensationOrder,
  sendsWithinPolicy,
  approvalBeforeCharge,
  nothingStuck,
  calmRunCompletes,
];

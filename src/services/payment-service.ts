import { sql } from 'kysely';
import type { Message } from '../broker/index.js';
import { Command, replyType, type ReplyBody } from '../protocol/index.js';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { orderOf, reply } from './reply.js';

export interface AccountsTable {
  customer: string;
  initial_cents: number;
  balance_cents: number;
}

/** In two-phase commit a charge is first HELD (the funds are taken from the balance, not yet captured), then CHARGED or VOIDED (given back). */
export type ChargeStatus = 'CHARGED' | 'DECLINED' | 'HELD' | 'VOIDED';

/** Every charge attempt that reached a decision; a decline is kept so a retried charge gets the same answer. */
export interface ChargesTable {
  id: string;
  saga_id: string;
  customer: string;
  amount_cents: number;
  status: ChargeStatus;
  reason: string | null;
  tick: number;
}

/** A refund is a new record, never a deletion: money that moved twice leaves two rows. */
export interface RefundsTable {
  id: string;
  saga_id: string;
  /** null when the refund arrived before any charge: it then blocks a late charge. */
  charge_id: string | null;
  amount_cents: number;
  tick: number;
}

/** The component's own tables; the inbox and outbox belong to its endpoint, and a handler cannot reach them. */
export interface PaymentTables {
  accounts: AccountsTable;
  charges: ChargesTable;
  refunds: RefundsTable;
}

const q = queryBuilder<PaymentTables>();

/** What the checker reads of this service: each query ordered, so the snapshot is the same on every run, and named as the snapshot names it. */
export const PAYMENT_SNAPSHOT = {
  accounts: q
    .selectFrom('accounts')
    .select(['customer', 'initial_cents as initialCents', 'balance_cents as balanceCents'])
    .orderBy('customer'),
  charges: q
    .selectFrom('charges')
    .select(['id', 'saga_id as sagaId', 'customer', 'amount_cents as amountCents', 'status', 'tick'])
    .orderBy('tick')
    .orderBy('id'),
  refunds: q
    .selectFrom('refunds')
    .select(['id', 'saga_id as sagaId', 'charge_id as chargeId', 'amount_cents as amountCents', 'tick'])
    .orderBy('tick')
    .orderBy('id'),
};

const PAYMENT_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('accounts')
      .addColumn('customer', 'text', (c) => c.primaryKey())
      .addColumn('initial_cents', 'integer', (c) => c.notNull())
      .addColumn('balance_cents', 'integer', (c) => c.notNull()),
    q.schema
      .createTable('charges')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('saga_id', 'text', (c) => c.notNull())
      .addColumn('customer', 'text', (c) => c.notNull())
      .addColumn('amount_cents', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('tick', 'integer', (c) => c.notNull())
      // Keyed by saga first, as every lookup is (ids are unique by their making), and WITHOUT ROWID: each row is
      // stored once, in its key's b-tree, with no second index for the saga.
      .addPrimaryKeyConstraint('charges_key', ['saga_id', 'id'])
      .modifyEnd(sql`without rowid`),
    q.schema
      .createTable('refunds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('saga_id', 'text', (c) => c.notNull())
      .addColumn('charge_id', 'text')
      .addColumn('amount_cents', 'integer', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull()),
    q.schema.createIndex('refunds_by_saga').on('refunds').column('saga_id'),
  ],
];

/** Opens the customers' accounts; called once when a run's world is built. */
export function seedAccounts(db: Database, accounts: ReadonlyArray<{ customer: string; balanceCents: number }>): void {
  const insert = new Prepared(
    db,
    q
      .insertInto('accounts')
      .values({ customer: arg('customer'), initial_cents: arg<number>('balanceCents'), balance_cents: arg<number>('balanceCents') }),
  );
  db.transaction(() => accounts.forEach((a) => insert.run(a)))();
}

/**
 * Owns money: charge (one per saga, declined when the balance is too low) and refund (the
 * compensation). As a participant of a two-phase commit (`holds`), a charge only holds the
 * funds (they leave the balance, so nobody else can spend them) until the decision captures
 * them or voids the hold: the funds are locked while the participant is in doubt.
 */
class PaymentHandler implements Handler {
  private readonly findCharge;
  private readonly findRefund;
  private readonly insertCharge;
  private readonly insertRefund;
  private readonly setCharge;
  private readonly debit;
  private readonly credit;

  constructor(
    db: Database,
    private readonly env: HandlerEnv,
    private readonly release: number,
    private readonly holds: boolean,
  ) {
    const amount = arg<number>('amountCents');
    // The first charge written, were there ever two for one saga (only with idempotency off):
    // ids begin with the service's id sequence, so their order is the order they were written
    // in, and the key (saga, id) already keeps them in it.
    this.findCharge = new Prepared(
      db,
      q
        .selectFrom('charges')
        .select(['id', 'status', 'amount_cents', 'customer', 'reason'])
        .where('saga_id', '=', arg('sagaId'))
        .orderBy('id')
        .limit(1),
    );
    this.findRefund = new Prepared(db, q.selectFrom('refunds').select('id').where('saga_id', '=', arg('sagaId')).limit(1));
    this.insertCharge = new Prepared(
      db,
      q.insertInto('charges').values({
        id: arg('id'),
        saga_id: arg('sagaId'),
        customer: arg('customer'),
        amount_cents: amount,
        status: arg<ChargeStatus>('status'),
        reason: arg<string | null>('reason'),
        tick: arg<number>('tick'),
      }),
    );
    this.insertRefund = new Prepared(
      db,
      q.insertInto('refunds').values({
        id: arg('id'),
        saga_id: arg('sagaId'),
        charge_id: arg<string | null>('chargeId'),
        amount_cents: amount,
        tick: arg<number>('tick'),
      }),
    );
    this.setCharge = new Prepared(
      db,
      q
        .updateTable('charges')
        .set({ status: arg<ChargeStatus>('status') })
        .where('saga_id', '=', arg('sagaId'))
        .where('id', '=', arg('id')),
    );
    this.debit = new Prepared(
      db,
      q
        .updateTable('accounts')
        .set({ balance_cents: sql`balance_cents - ${amount}` })
        .where('customer', '=', arg('customer'))
        .where('balance_cents', '>=', amount),
    );
    this.credit = new Prepared(
      db,
      q
        .updateTable('accounts')
        .set({ balance_cents: sql`balance_cents + ${amount}` })
        .where('customer', '=', arg('customer')),
    );
  }

  handle(tx: HandlerTx, message: Message): HandleOutcome | void {
    const sagaId = message.sagaId;
    const tick = tx.now;
    const charge = this.findCharge.get({ sagaId });
    const refunded = this.findRefund.get({ sagaId }) !== undefined;
    switch (message.type) {
      case Command.chargePayment: {
        if (charge && this.env.defences.idempotency) {
          const ok = (charge.status === 'CHARGED' || charge.status === 'HELD') && !refunded;
          if (ok) this.charged(tx, message, charge.id);
          else reply(tx, message, false, charge.reason ?? (refunded ? 'charge already refunded' : undefined));
          return 'duplicate';
        }
        // A refund that came first means the saga gave up on this step: the late charge must not take money.
        if (refunded) return reply(tx, message, false, 'saga already refunded');
        const { customer, amountCents } = orderOf(message);
        let reason: string | null = null;
        if (tx.injectedFailure()) reason = 'card declined (injected)';
        else if (this.debit.run({ customer, amountCents }) !== 1) reason = 'insufficient funds';
        const status: ChargeStatus = reason !== null ? 'DECLINED' : this.holds ? 'HELD' : 'CHARGED';
        const id = tx.newId('ch');
        this.insertCharge.run({ id, sagaId, customer, amountCents, status, reason, tick });
        if (reason !== null) return reply(tx, message, false, reason);
        tx.note(this.holds ? `${amountCents} held until the decision` : `charged ${amountCents}`);
        return this.charged(tx, message, id);
      }
      case Command.capturePayment:
        // The decision is commit: the funds held are taken for good (a duplicate finds them taken).
        if (charge?.status !== 'HELD') return 'duplicate';
        this.setCharge.run({ sagaId, id: charge.id, status: 'CHARGED' });
        return tx.note(`captured ${charge.amount_cents}`);
      case Command.voidPayment: {
        if (tx.injectedFailure()) return reply(tx, message, false, 'void failed (injected)');
        if (charge?.status === 'CHARGED') return reply(tx, message, false, 'charge already captured', true);
        if (charge?.status === 'HELD') {
          this.credit.run({ customer: charge.customer, amountCents: charge.amount_cents });
          this.setCharge.run({ sagaId, id: charge.id, status: 'VOIDED' });
          tx.note(`hold of ${charge.amount_cents} voided`);
          return reply(tx, message, true);
        }
        if (charge) {
          reply(tx, message, true);
          return 'duplicate';
        }
        // Voided before it was held: the record makes a late charge fail instead of holding funds nobody will release.
        const { customer, amountCents } = orderOf(message);
        this.insertCharge.run({
          id: tx.newId('ch'),
          sagaId,
          customer,
          amountCents,
          status: 'VOIDED',
          reason: 'voided before it was held',
          tick,
        });
        tx.note('nothing held yet; void recorded');
        tx.fact({ kind: 'compensation-first', compensation: Command.voidPayment });
        return reply(tx, message, true);
      }
      case Command.refundPayment: {
        if (tx.injectedFailure()) return reply(tx, message, false, 'refund failed (injected)');
        if (refunded) {
          reply(tx, message, true);
          return 'duplicate';
        }
        if (charge?.status === 'CHARGED') {
          this.credit.run({ customer: charge.customer, amountCents: charge.amount_cents });
          this.insertRefund.run({ id: tx.newId('rf'), sagaId, chargeId: charge.id, amountCents: charge.amount_cents, tick });
          tx.note(`refunded ${charge.amount_cents}`);
        } else {
          this.insertRefund.run({ id: tx.newId('rf'), sagaId, chargeId: null, amountCents: 0, tick });
          tx.note('nothing charged; refund recorded');
          // Only a refund with no charge at all came first; after a declined charge there was simply nothing to give back.
          if (!charge) tx.fact({ kind: 'compensation-first', compensation: Command.refundPayment });
        }
        return reply(tx, message, true);
      }
      default:
        throw new Error(`payment service cannot handle ${message.type}`);
    }
  }

  /** A charge's success: from release 2, with the charge's id, as version 2 of the reply. */
  private charged(tx: HandlerTx, command: Message, chargeId: string): void {
    if (this.release < 2) return reply(tx, command, true);
    const body: ReplyBody = { ok: true, chargeId };
    tx.send('orchestrator', replyType(command.type, true), command.sagaId, JSON.stringify(body), 2);
  }
}

/**
 * The payment service at a release: release 2 answers a charge with the charge's id (version
 * 2 of payment.charge.done, see src/protocol/schemas.ts); release 1, the first, without it.
 * With `holds`, a participant of a two-phase commit: a charge holds the funds until captured or voided.
 */
export function paymentService(release = 1, holds = false): ComponentDefinition {
  return Object.freeze<ComponentDefinition>({
    name: 'payment',
    migrations: PAYMENT_MIGRATIONS,
    createHandler: (db, env) => new PaymentHandler(db, env, release, holds),
  });
}

export const PAYMENT_SERVICE: ComponentDefinition = paymentService(1);

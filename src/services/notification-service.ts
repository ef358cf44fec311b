import { sql } from 'kysely';
import type { Message } from '../broker/index.js';
import { Command } from '../protocol/index.js';
import type { ComponentDefinition, HandleOutcome, Handler, HandlerEnv, HandlerTx } from '../endpoint/index.js';
import { arg, Prepared, queryBuilder, type Database, type Migration } from '../store/index.js';
import { reply } from './reply.js';

export type Channel = 'email' | 'push';
export const CHANNELS: readonly Channel[] = ['email', 'push'];

/** What reached the customer. It cannot be taken back, which is why notifying is the saga's last step. */
export interface NotificationsTable {
  id: string;
  saga_id: string;
  channel: Channel;
  tick: number;
}

/** A permanent refusal, kept so that a retried send gets the same answer. */
export interface RejectionsTable {
  saga_id: string;
  reason: string;
  tick: number;
}

/** The component's own tables; the inbox and outbox belong to its endpoint, and a handler cannot reach them. */
export interface NotificationTables {
  notifications: NotificationsTable;
  rejections: RejectionsTable;
}

const q = queryBuilder<NotificationTables>();

/** What the checker reads of this service: each query ordered, so the snapshot is the same on every run, and named as the snapshot names it. */
export const NOTIFICATION_SNAPSHOT = {
  notifications: q.selectFrom('notifications').select(['saga_id as sagaId', 'channel']).orderBy('saga_id').orderBy('channel').orderBy('id'),
};

const NOTIFICATION_MIGRATIONS: readonly Migration[] = [
  [
    q.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('saga_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull())
      // Keyed by saga first, as every lookup is (ids are unique by their making), and WITHOUT ROWID: each row is
      // stored once, in its key's b-tree, with no second index for the saga.
      .addPrimaryKeyConstraint('notifications_key', ['saga_id', 'id'])
      .modifyEnd(sql`without rowid`),
    q.schema
      .createTable('rejections')
      .addColumn('saga_id', 'text', (c) => c.primaryKey())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('tick', 'integer', (c) => c.notNull()),
  ],
];

/**
 * Sends the confirmation email and push, once per saga. A refusal is recorded, so a saga that
 * asks again gets the same answer and undoes its steps; after a two-phase commit nothing is
 * undone, and a refusal is not kept (`recordsRefusals` off): the coordinator asks again until
 * the customer is told.
 */
class NotificationHandler implements Handler {
  private readonly sent;
  private readonly rejected;
  private readonly insert;
  private readonly reject;

  constructor(
    db: Database,
    private readonly env: HandlerEnv,
    private readonly recordsRefusals: boolean,
  ) {
    this.sent = new Prepared(db, q.selectFrom('notifications').select('id').where('saga_id', '=', arg('sagaId')).limit(1));
    this.rejected = new Prepared(db, q.selectFrom('rejections').select('reason').where('saga_id', '=', arg('sagaId')));
    this.insert = new Prepared(
      db,
      q
        .insertInto('notifications')
        .values({ id: arg('id'), saga_id: arg('sagaId'), channel: arg<Channel>('channel'), tick: arg<number>('tick') }),
    );
    this.reject = new Prepared(
      db,
      q.insertInto('rejections').values({ saga_id: arg('sagaId'), reason: arg('reason'), tick: arg<number>('tick') }),
    );
  }

  handle(tx: HandlerTx, message: Message): HandleOutcome | void {
    if (message.type !== Command.notifyCustomer) throw new Error(`notification service cannot handle ${message.type}`);
    const sagaId = message.sagaId;
    const tick = tx.now;
    const rejection = this.rejected.get({ sagaId });
    if (rejection) {
      reply(tx, message, false, rejection.reason);
      return 'duplicate';
    }
    if (this.env.defences.idempotency && this.sent.get({ sagaId })) {
      reply(tx, message, true);
      return 'duplicate';
    }
    if (tx.injectedFailure()) {
      const reason = 'mailbox unreachable (injected)';
      if (this.recordsRefusals) this.reject.run({ sagaId, reason, tick });
      return reply(tx, message, false, reason);
    }
    for (const channel of CHANNELS) this.insert.run({ id: tx.newId('nt'), sagaId, channel, tick });
    tx.note('email and push sent');
    return reply(tx, message, true);
  }
}

/** The notification service; `recordsRefusals` (by default) makes a refusal its answer for good. */
export function notificationService(recordsRefusals = true): ComponentDefinition {
  return Object.freeze<ComponentDefinition>({
    name: 'notification',
    migrations: NOTIFICATION_MIGRATIONS,
    createHandler: (db, env) => new NotificationHandler(db, env, recordsRefusals),
  });
}

export const NOTIFICATION_SERVICE: ComponentDefinition = notificationService();

import type { Message } from '../broker/index.js';
import type { ComponentDefinition, HandlerTx } from '../endpoint/index.js';
import {
  COMPENSATIONS,
  parseReplyType,
  reactionsOf,
  subscribersOf,
  type Command,
  type Compensator,
  type OrderPayload,
  type ReplyBody,
  type ServiceName,
} from '../protocol/index.js';

/**
 * A service of the orchestrated shop, choreographed: the same tables and the same business
 * logic (its inbox, business keys and compensation-first records all stay), but it hears
 * events instead of commands (`reactions`: the endpoint hands it each event as the command
 * it triggers), and what it would have answered the orchestrator it publishes as an event to
 * whoever subscribes. The event carries the whole order, since nobody else holds it.
 *
 * A compensation it could not do is not an event: with compensation retry on, its
 * transaction rolls back and the broker delivers the message again (a refusal for good,
 * past the point of no return, is published: a retry cannot change it).
 */
export function choreographed(service: ComponentDefinition, compensator: Compensator): ComponentDefinition {
  return {
    ...service,
    reactions: reactionsOf(service.name as ServiceName, compensator),
    createHandler: (db, env) => {
      const handler = service.createHandler(db, env);
      const retried = env.defences.compensationRetry;
      return {
        handle: (tx, message) => handler.handle(publishing(tx, message, compensator, retried), message),
        ...(handler.onTimer ? { onTimer: handler.onTimer.bind(handler) } : {}),
      };
    },
  };
}

/** `tx`, with every answer to the orchestrator turned into an event to the subscribers of its type. */
function publishing(tx: HandlerTx, heard: Message, compensator: Compensator, retried: boolean): HandlerTx {
  return Object.assign(Object.create(tx) as HandlerTx, {
    send(queue: Parameters<HandlerTx['send']>[0], type: string, sagaId: string, bodyJson: string, version?: number): void {
      const reply = parseReplyType(type);
      if (queue !== 'orchestrator' || reply === null) return tx.send(queue, type, sagaId, bodyJson, version);
      const outcome = JSON.parse(bodyJson) as ReplyBody;
      if (!outcome.ok && !outcome.permanent && retried && COMPENSATIONS.includes(reply.command as Command))
        throw new Error(`${outcome.reason ?? `${reply.command} failed`}: rolled back, to be delivered again`);
      const order = JSON.parse(heard.body) as OrderPayload;
      const event = JSON.stringify({
        orderId: order.orderId,
        customer: order.customer,
        sku: order.sku,
        qty: order.qty,
        amountCents: order.amountCents,
        ...outcome,
      });
      for (const subscriber of subscribersOf(type, compensator)) tx.send(subscriber, type, sagaId, event, version);
    },
  });
}

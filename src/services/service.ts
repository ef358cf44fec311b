import type { Message } from '../broker/index.js';
import { Endpoint, type EndpointTables } from '../endpoint/index.js';
import { replyType, type OrderPayload, type ReplyBody } from '../protocol/index.js';

/** A saga participant: an endpoint that answers the orchestrator's commands. */
export abstract class Service<Tables extends EndpointTables> extends Endpoint<Tables> {
  /** Answers a command to the orchestrator, inside the current transaction. */
  protected reply(command: Message, ok: boolean, reason?: string): void {
    const body: ReplyBody = reason === undefined ? { ok } : { ok, reason };
    this.send('orchestrator', replyType(command.type, ok), command.sagaId, JSON.stringify(body));
    if (!ok && reason !== undefined) this.note(reason);
  }

  protected payload(message: Message): OrderPayload {
    return JSON.parse(message.body) as OrderPayload;
  }
}

import type { Message } from '../broker/index.js';
import type { HandlerTx } from '../endpoint/index.js';
import { replyType, type OrderPayload, type ReplyBody } from '../protocol/index.js';

/**
 * Answers a command to the orchestrator, inside the handler's transaction; a refusal's reason
 * also goes to the timeline. A `permanent` refusal is one no retry can change (past the point of no return).
 */
export function reply(tx: HandlerTx, command: Message, ok: boolean, reason?: string, permanent?: true): void {
  const body: ReplyBody = { ok, ...(reason === undefined ? {} : { reason }), ...(permanent ? { permanent } : {}) };
  tx.send('orchestrator', replyType(command.type, ok), command.sagaId, JSON.stringify(body));
  if (!ok && reason !== undefined) tx.note(reason);
}

/** The order a saga command carries. */
export function orderOf(message: Message): OrderPayload {
  return JSON.parse(message.body) as OrderPayload;
}

import type { TraceEvent } from '../kernel/index.js';
import { parseReplyType, sagaEventsOf } from '../protocol/index.js';
import { FROM_RESTART } from '../world/index.js';
import type { MessageRoutes } from './message-story.js';

/** What a marker on a lane stands for. */
export type MarkKind = 'skip' | 'dropped' | 'fault' | 'crash' | 'restart' | 'reject' | 'dead' | 'saga' | 'operator' | 'note';

/** How one event is drawn on the lanes: an arrow from the sender to the receiver, or a marker on one lane. */
export type EventMark =
  | { readonly kind: 'arrow'; readonly from: string; readonly to: string; readonly reply: boolean; readonly label: string }
  | { readonly kind: 'mark'; readonly lane: string; readonly mark: MarkKind; readonly label: string };

/**
 * How an event of a run's trace is drawn, or null for one a picture leaves out (a publish that
 * got through, a delivery, an ack: the arrow of the handling tells them). A message handled is
 * an arrow from whoever sent it (the client's orders have no publish of their own; a person's
 * message is a marker on the lane that handled it); what the world did to a message, a crash,
 * a restart, a dead letter and a person's act are markers; a saga's change of status is a
 * marker on the orchestrator's lane. `status` remembers each saga's last status between calls.
 */
export function eventMark(e: TraceEvent, routes: MessageRoutes, status: Map<string, string>): EventMark | null {
  const to = e.msgId === undefined ? undefined : routes.consumer.get(e.msgId);
  const saga = e.sagaId ? ` ${e.sagaId}` : '';
  const mark = (lane: string, kind: MarkKind, label: string): EventMark => ({ kind: 'mark', lane, mark: kind, label });
  switch (e.kind) {
    case 'handle': {
      if (e.msgId === undefined) return e.detail ? mark(e.actor, 'note', `${e.detail}${saga}`) : null;
      const from = routes.sender.get(e.msgId) ?? 'client';
      if (from === 'operator') return mark(e.actor, 'operator', `${e.type}${saga} handled`);
      const label = `${e.type}${saga}${e.detail ? `: ${e.detail}` : ''}`;
      return { kind: 'arrow', from, to: e.actor, reply: parseReplyType(e.type ?? '') !== null, label };
    }
    case 'skip':
      return mark(e.actor, 'skip', `duplicate ${e.type} skipped${e.detail ? ` (${e.detail})` : ''}`);
    case 'publish':
      // The relay sends a row a restart found: drawn as the message it is, to its consumer.
      if (e.detail === FROM_RESTART) {
        const label = `${e.type}${saga} relayed ${FROM_RESTART}`;
        return to
          ? { kind: 'arrow', from: e.actor, to, reply: parseReplyType(e.type ?? '') !== null, label }
          : mark(e.actor, 'note', label);
      }
      return e.detail === 'dropped' ? mark(e.actor, 'dropped', `publish of ${e.type} dropped${saga}`) : null;
    case 'fault':
      // Name the message it struck, when the detail does not.
      return mark(to ?? 'orchestrator', 'fault', `${e.type && !e.detail?.includes(e.type) ? `${e.type}: ` : ''}${e.detail ?? 'fault'}`);
    case 'crash':
      return mark(e.actor, 'crash', `${e.actor} crashed${e.detail ? `: ${e.detail}` : ''}`);
    case 'restart':
      return mark(e.actor, 'restart', `${e.actor} restarted${e.detail ? `: ${e.detail}` : ''}`);
    case 'reject':
      return mark(e.actor, 'reject', `${e.actor} crashed handling ${e.type}${saga}: it comes back`);
    case 'dead-letter':
      return mark(
        e.actor === 'broker' ? (to ?? 'orchestrator') : e.actor,
        'dead',
        `dead letter: ${e.type}${saga}${e.detail ? ` (${e.detail})` : ''}`,
      );
    case 'operator':
      return mark('orchestrator', 'operator', e.detail ?? 'a person acted');
    case 'saga': {
      const now = e.detail?.slice(0, e.detail.indexOf(' ')) ?? '';
      const before = status.get(e.sagaId ?? '');
      status.set(e.sagaId ?? '', now);
      if (now === before || sagaEventsOf(e).length === 0 || (before === undefined && now === 'RUNNING')) return null;
      return mark('orchestrator', 'saga', `${e.sagaId} ${now}`);
    }
    default:
      return null;
  }
}

/** Whether an event belongs to a saga: it names it, or it struck one of the saga's messages (a fault, an ack). */
export function belongsTo(e: TraceEvent, sagaId: string, routes: MessageRoutes): boolean {
  return e.sagaId === sagaId || (e.msgId !== undefined && routes.saga.get(e.msgId) === sagaId);
}

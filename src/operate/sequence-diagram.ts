import { sagaEventsOf, parseReplyType } from '../protocol/index.js';
import type { TraceEvent } from '../kernel/index.js';
import { messageRoutes } from './message-story.js';

/** The lanes, in the order a reader expects them: who starts the saga, who drives it, who does its steps. */
const LANES = ['client', 'operator', 'orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification'] as const;

/** Mermaid reads `;` as the end of a statement and `#` as the start of an entity: keep them out of labels. */
const label = (text: string): string => text.replace(/;/g, ',').replace(/#/g, 'no. ');

/**
 * One saga of a run as a Mermaid sequence diagram, from the run's trace: an arrow for each
 * message its components handled (a reply dashed), in the order they were handled, and a
 * note for what the world did to it (a fault, a duplicate skipped, a handler that crashed, a
 * message dead-lettered), for each crash and restart of a lane while the saga ran, and for
 * each change of the saga's status.
 */
export function sagaSequenceDiagram(events: readonly TraceEvent[], sagaId: string): string {
  const ours = (e: TraceEvent): boolean => e.sagaId === sagaId;
  const first = events.findIndex(ours);
  if (first < 0) throw new Error(`no event of saga ${sagaId} in this trace`);
  let last = first;
  events.forEach((e, i) => ours(e) && (last = i));
  const { sender, consumer, saga: sagaOfMessage } = messageRoutes(events);
  const lines: string[] = [];
  const used = new Set<string>();
  const note = (over: string, text: string): void => {
    used.add(over);
    lines.push(`  Note over ${over}: ${label(text)}`);
  };
  let status: string | null = null;
  for (let i = first; i <= last; i++) {
    const e = events[i]!;
    if ((e.kind === 'crash' || e.kind === 'restart') && (LANES as readonly string[]).includes(e.actor)) {
      // Only lanes the saga has used so far, or is about to: a crash elsewhere is another saga's story.
      if (used.has(e.actor) || events.slice(i, last + 1).some((x) => ours(x) && x.actor === e.actor))
        note(e.actor, e.kind === 'crash' ? `crashed${e.detail ? `: ${e.detail}` : ''}` : `restarted${e.detail ? `: ${e.detail}` : ''}`);
      continue;
    }
    const to = e.msgId === undefined ? undefined : consumer.get(e.msgId);
    // A fault names the message it struck, not always its saga.
    if (e.kind === 'fault' && to && e.detail && e.msgId !== undefined && sagaOfMessage.get(e.msgId) === sagaId) {
      note(to, `fault: ${e.detail}`);
      continue;
    }
    if (!ours(e)) continue;
    switch (e.kind) {
      case 'handle': {
        if (e.msgId === undefined) {
          if (e.detail) note(e.actor, e.detail);
          break;
        }
        const from = sender.get(e.msgId) ?? 'client';
        used.add(from).add(e.actor);
        const arrow = parseReplyType(e.type ?? '') ? '-->>' : '->>';
        lines.push(`  ${from}${arrow}${e.actor}: ${label(e.type ?? '?')}`);
        break;
      }
      case 'skip':
        note(e.actor, `duplicate ${e.type} skipped${e.detail ? ` (${e.detail})` : ''}`);
        break;
      case 'reject':
        note(e.actor, `crashed handling ${e.type}: it comes back`);
        break;
      case 'dead-letter':
        note(e.actor === 'broker' ? (to ?? 'orchestrator') : e.actor, `dead letter: ${e.type}${e.detail ? ` (${e.detail})` : ''}`);
        break;
      case 'saga': {
        const now = e.detail?.slice(0, e.detail.indexOf(' ')) ?? null;
        if (now !== null && now !== status && sagaEventsOf(e).length > 0) {
          if (status !== null || now !== 'RUNNING') note('orchestrator', now);
          status = now;
        }
        break;
      }
      default:
        break;
    }
  }
  const participants = LANES.filter((l) => used.has(l)).map((l) => `  participant ${l}`);
  return ['sequenceDiagram', ...participants, ...lines].join('\n') + '\n';
}

import type { TraceEvent } from '../kernel/index.js';

/** One message of a saga, as the run's trace tells it: who sent it, what the network did to it, and how it ended. */
export interface MessageStory {
  readonly id: string;
  readonly type: string;
  /** Who published it (a component, or the client). */
  readonly from: string;
  /** The queue it was for. */
  readonly to: string;
  /** The tick the broker took it, or null if it never did. */
  readonly publishedTick: number | null;
  /** Publishes the broker dropped before one got through (the publisher retried). */
  readonly publishesDropped: number;
  /** Hand-overs to its consumer (a duplicate's copies included). */
  readonly deliveries: number;
  /** The tick its consumer committed its effect, or null. */
  readonly handledTick: number | null;
  /** Deliveries its consumer recognised as done before and skipped. */
  readonly duplicatesSkipped: number;
  /** Deliveries whose handler threw (rolled back, not acked). */
  readonly rejected: number;
  /** Times it went back to its queue (a visibility timeout, a consumer crash). */
  readonly redelivered: number;
  /** What the network did to it, as the trace says: dropped, delayed, duplicated, reordered. */
  readonly faults: readonly string[];
  /** The tick the broker gave up on it, or null. */
  readonly deadLetteredTick: number | null;
  /** What a person did with it: sent it (an operator's message), or redrove or resolved it as a dead letter. */
  readonly operator: readonly string[];
}

/**
 * The messages that belong to one saga, from the run's trace, in the order they were
 * first published or handed over. Events about a message that name no saga (acks,
 * redeliveries, faults) are tied to it by its id.
 */
export function messageStories(events: readonly TraceEvent[], sagaId: string): MessageStory[] {
  const ours = new Set<string>();
  for (const e of events) if (e.msgId !== undefined && e.sagaId === sagaId) ours.add(e.msgId);
  const stories = new Map<string, { -readonly [K in keyof MessageStory]: MessageStory[K] } & { faults: string[]; operator: string[] }>();
  for (const e of events) {
    if (e.msgId === undefined || !ours.has(e.msgId)) continue;
    let story = stories.get(e.msgId);
    if (!story) {
      story = {
        id: e.msgId,
        type: e.type ?? '?',
        from: e.kind === 'publish' ? e.actor : '?',
        to: e.kind === 'deliver' || e.kind === 'handle' || e.kind === 'skip' ? e.actor : '?',
        publishedTick: null,
        publishesDropped: 0,
        deliveries: 0,
        handledTick: null,
        duplicatesSkipped: 0,
        rejected: 0,
        redelivered: 0,
        faults: [],
        deadLetteredTick: null,
        operator: [],
      };
      stories.set(e.msgId, story);
    }
    switch (e.kind) {
      case 'publish':
        story.from = e.actor;
        if (e.detail === 'dropped') story.publishesDropped++;
        else story.publishedTick ??= e.tick;
        break;
      case 'deliver':
        story.to = e.actor;
        story.deliveries++;
        break;
      case 'handle':
        story.to = e.actor;
        story.handledTick ??= e.tick;
        break;
      case 'skip':
        story.duplicatesSkipped++;
        break;
      case 'reject':
        story.rejected++;
        break;
      case 'redeliver':
        story.redelivered++;
        break;
      case 'fault':
        if (e.detail !== undefined) story.faults.push(`tick ${e.tick}: ${e.detail}`);
        break;
      case 'dead-letter':
        story.deadLetteredTick = e.tick;
        break;
      case 'operator':
        // An operator's own message is sent by them, straight into its queue; a dead letter they act on keeps its sender.
        if (story.from === '?') {
          story.from = 'operator';
          story.publishedTick ??= e.tick;
        }
        if (e.detail !== undefined) story.operator.push(`tick ${e.tick}: ${e.detail}`);
        break;
      default:
        break;
    }
  }
  return [...stories.values()];
}

/** Who sent each message, who consumed it, and which saga it belongs to, as a run's trace tells it (the first event that says so). */
export interface MessageRoutes {
  readonly sender: ReadonlyMap<string, string>;
  readonly consumer: ReadonlyMap<string, string>;
  readonly saga: ReadonlyMap<string, string>;
}

/** The routes of every message of a trace: a fault or an ack names its message, not always its saga, and these tie them back. */
export function messageRoutes(events: readonly TraceEvent[]): MessageRoutes {
  const sender = new Map<string, string>();
  const consumer = new Map<string, string>();
  const saga = new Map<string, string>();
  for (const e of events) {
    if (e.msgId === undefined) continue;
    if (e.kind === 'publish' && !sender.has(e.msgId)) sender.set(e.msgId, e.actor);
    // An operator's message is put straight into its queue: its sender is the person.
    if (e.kind === 'operator' && !sender.has(e.msgId)) sender.set(e.msgId, 'operator');
    if ((e.kind === 'deliver' || e.kind === 'handle') && !consumer.has(e.msgId)) consumer.set(e.msgId, e.actor);
    if (e.sagaId && !saga.has(e.msgId)) saga.set(e.msgId, e.sagaId);
  }
  return { sender, consumer, saga };
}

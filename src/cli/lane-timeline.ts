import type { ChalkInstance } from 'chalk';
import type { TraceEvent } from '../kernel/index.js';
import { messageRoutes } from '../operate/index.js';
import { parseReplyType, sagaEventsOf } from '../protocol/index.js';
import { wrap } from './style.js';

/** One column per component, in the order a message goes through them; the operator acts on the orchestrator's lane. */
const LANES = ['client', 'orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification', 'reconciler'] as const;
const SHORT = ['cli', 'orc', 'ord', 'inv', 'pay', 'ful', 'not', 'rec'];
const LANE = 4;
const TICK = 7;

/** What a marker on a lane means, for the legend. */
const MARKS = {
  skip: '⊘',
  dropped: '✗',
  fault: '⚡',
  crash: '✖',
  restart: '↺',
  reject: '!',
  dead: '†',
  saga: '◆',
  operator: '✎',
  note: '·',
} as const;

type Mark = keyof typeof MARKS;

/**
 * The run's timeline as lanes: one column per component, one line per event in virtual time,
 * an arrow from sender to receiver for each message handled (a reply in the other colour),
 * and a marker for what the world did to it (dropped, duplicated and skipped, delayed,
 * reordered, a handler that crashed, dead-lettered), for each crash and restart, and for each
 * change of a saga's status. With `sagaId`, only that saga's events (crashes and restarts
 * kept). Plain text when colour is off; every line fits `width`.
 */
export function renderLanes(events: readonly TraceEvent[], c: ChalkInstance, width: number, sagaId?: string): string {
  const { sender, consumer, saga: sagaOfMessage } = messageRoutes(events);
  const labelWidth = Math.max(20, width - TICK - LANES.length * LANE - 1);
  const header = `${'tick'.padStart(TICK - 1)} ${SHORT.map((s) => s.padEnd(LANE)).join('')}`;
  const lines = [c.bold(header)];
  const status = new Map<string, string>();
  for (const e of events) {
    const belongs = e.sagaId === sagaId || (e.msgId !== undefined && sagaOfMessage.get(e.msgId) === sagaId);
    if (sagaId !== undefined && e.kind !== 'crash' && e.kind !== 'restart' && !belongs) continue;
    const row = drawn(e, sender, consumer, status);
    if (!row) continue;
    const label = row.label.length > labelWidth ? `${row.label.slice(0, labelWidth - 1)}…` : row.label;
    lines.push(`${String(e.tick).padStart(TICK - 1)} ${row.paint(c)(row.lanes)}${label}`);
  }
  const legend = `${Object.entries(MARKS)
    .filter(([k]) => k !== 'note')
    .map(([k, m]) => `${m} ${k}`)
    .join('  ')}  ●─▶ message  ●┄▷ reply`;
  lines.push(c.dim(wrap(legend, width)));
  return lines.join('\n') + '\n';
}

interface Row {
  readonly lanes: string;
  readonly label: string;
  readonly paint: (c: ChalkInstance) => (s: string) => string;
}

function drawn(
  e: TraceEvent,
  sender: ReadonlyMap<string, string>,
  consumer: ReadonlyMap<string, string>,
  status: Map<string, string>,
): Row | null {
  const to = e.msgId === undefined ? undefined : consumer.get(e.msgId);
  const saga = e.sagaId ? ` ${e.sagaId}` : '';
  switch (e.kind) {
    case 'handle': {
      if (e.msgId === undefined) return e.detail ? mark(e.actor, 'note', `${e.detail}${saga}`) : null;
      // The client's orders are placed without a publish of their own; a person's message has no lane to come from.
      const from = sender.get(e.msgId) ?? 'client';
      if (from === 'operator') return mark(e.actor, 'operator', `${e.type}${saga} handled`, (c) => c.magenta);
      const reply = parseReplyType(e.type ?? '') !== null;
      return {
        lanes: arrow(from, e.actor, reply),
        label: `${e.type}${saga}${e.detail ? `: ${e.detail}` : ''}`,
        paint: (c) => (reply ? c.blue : c.cyan),
      };
    }
    case 'skip':
      return mark(e.actor, 'skip', `duplicate ${e.type} skipped${e.detail ? ` (${e.detail})` : ''}`, (c) => c.yellow);
    case 'publish':
      return e.detail === 'dropped' ? mark(e.actor, 'dropped', `publish of ${e.type} dropped${saga}`, (c) => c.yellow) : null;
    case 'fault':
      return mark(to ?? 'orchestrator', 'fault', e.detail ?? 'fault', (c) => c.yellow);
    case 'crash':
      return mark(e.actor, 'crash', `${e.actor} crashed${e.detail ? `: ${e.detail}` : ''}`, (c) => c.red);
    case 'restart':
      return mark(e.actor, 'restart', `${e.actor} restarted${e.detail ? ` ${e.detail}` : ''}`, (c) => c.green);
    case 'reject':
      return mark(e.actor, 'reject', `${e.actor} crashed handling ${e.type}${saga}: it comes back`, (c) => c.red);
    case 'dead-letter':
      return mark(
        e.actor === 'broker' ? (to ?? 'orchestrator') : e.actor,
        'dead',
        `dead letter: ${e.type}${saga}${e.detail ? ` (${e.detail})` : ''}`,
        (c) => c.red,
      );
    case 'operator':
      return mark('orchestrator', 'operator', e.detail ?? 'a person acted', (c) => c.magenta);
    case 'saga': {
      const now = e.detail?.slice(0, e.detail.indexOf(' ')) ?? '';
      const before = status.get(e.sagaId ?? '');
      status.set(e.sagaId ?? '', now);
      if (now === before || sagaEventsOf(e).length === 0 || (before === undefined && now === 'RUNNING')) return null;
      return mark('orchestrator', 'saga', `${e.sagaId} ${now}`, (c) => c.bold);
    }
    default:
      return null;
  }
}

/** The lanes, each its line, with one marker. */
function mark(lane: string, kind: Mark, label: string, paint: Row['paint'] = (c) => c.dim): Row {
  const cells = empty();
  const i = laneOf(lane);
  if (i >= 0) cells[i * LANE + 1] = MARKS[kind];
  return { lanes: cells.join(''), label, paint };
}

/** The lanes with an arrow from one to another: ●──▶ for a message, ●┄┄▷ for a reply. */
function arrow(from: string, to: string, reply: boolean): string {
  const cells = empty();
  const [a, b] = [laneOf(from), laneOf(to)];
  if (a < 0 || b < 0 || a === b) return cells.join('');
  const [lo, hi] = a < b ? [a, b] : [b, a];
  for (let i = lo * LANE + 1; i <= hi * LANE + 1; i++) cells[i] = reply ? '┄' : '─';
  cells[a * LANE + 1] = '●';
  cells[b * LANE + 1] = a < b ? (reply ? '▷' : '▶') : reply ? '◁' : '◀';
  return cells.join('');
}

function empty(): string[] {
  const cells = Array.from({ length: LANES.length * LANE }, () => ' ');
  for (let i = 0; i < LANES.length; i++) cells[i * LANE + 1] = '│';
  return cells;
}

function laneOf(name: string): number {
  return (LANES as readonly string[]).indexOf(name);
}

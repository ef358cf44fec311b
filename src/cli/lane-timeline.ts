import type { ChalkInstance } from 'chalk';
import type { TraceEvent } from '../kernel/index.js';
import { belongsTo, eventMark, messageRoutes, type MarkKind, type MessageRoutes } from '../operate/index.js';
import { wrap } from './style.js';

/** One column per component, in the order a message goes through them; the operator acts on the orchestrator's lane. */
const LANES = ['client', 'orchestrator', 'order', 'inventory', 'payment', 'fulfillment', 'notification', 'reconciler'] as const;
const SHORT = ['cli', 'orc', 'ord', 'inv', 'pay', 'ful', 'not', 'rec'];
const LANE = 4;
const TICK = 7;

/** What a marker on a lane means, for the legend. */
const MARKS: Record<MarkKind, string> = {
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
};

/**
 * The run's timeline as lanes: one column per component, one line per event in virtual time,
 * an arrow from sender to receiver for each message handled (a reply in the other colour),
 * and a marker for what the world did to it (dropped, duplicated and skipped, delayed,
 * reordered, a handler that crashed, dead-lettered), for each crash and restart, and for each
 * change of a saga's status. With `sagaId`, only that saga's events (crashes and restarts
 * kept). Plain text when colour is off; every line fits `width`.
 */
export function renderLanes(events: readonly TraceEvent[], c: ChalkInstance, width: number, sagaId?: string): string {
  const routes = messageRoutes(events);
  const labelWidth = Math.max(20, width - TICK - LANES.length * LANE - 1);
  const header = `${'tick'.padStart(TICK - 1)} ${SHORT.map((s) => s.padEnd(LANE)).join('')}`;
  const lines = [c.bold(header)];
  const status = new Map<string, string>();
  for (const e of events) {
    if (sagaId !== undefined && e.kind !== 'crash' && e.kind !== 'restart' && !belongsTo(e, sagaId, routes)) continue;
    const row = drawn(e, routes, status);
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

/** The colour of each marker. */
const PAINT: Record<MarkKind, Row['paint']> = {
  skip: (c) => c.yellow,
  dropped: (c) => c.yellow,
  fault: (c) => c.yellow,
  crash: (c) => c.red,
  restart: (c) => c.green,
  reject: (c) => c.red,
  dead: (c) => c.red,
  saga: (c) => c.bold,
  operator: (c) => c.magenta,
  note: (c) => c.dim,
};

function drawn(e: TraceEvent, routes: MessageRoutes, status: Map<string, string>): Row | null {
  const m = eventMark(e, routes, status);
  if (!m) return null;
  if (m.kind === 'mark') return { lanes: mark(m.lane, m.mark), label: m.label, paint: PAINT[m.mark] };
  return { lanes: arrow(m.from, m.to, m.reply), label: m.label, paint: (c) => (m.reply ? c.blue : c.cyan) };
}

/** The lanes, with one marker. */
function mark(lane: string, kind: MarkKind): string {
  const cells = empty();
  const i = laneOf(lane);
  if (i >= 0) cells[i * LANE + 1] = MARKS[kind];
  return cells.join('');
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

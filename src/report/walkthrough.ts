import type { TraceEvent } from '../kernel/index.js';
import { FROM_RESTART } from '../world/index.js';
import { COMPENSATIONS, parseReplyType, sagaEventsOf, serviceFactsOf, type SagaStepEvent } from '../protocol/index.js';
import type { ReportRun } from './report-data.js';
import type { RowChange } from './row-changes.js';

/** One stop of a walkthrough: what happened, why the design handles it, and the rows it wrote. */
export interface Moment {
  /** Its index in the run's events. */
  readonly index: number;
  readonly tick: number;
  /** What happened, in a line (the arrow or marker the lanes draw). */
  readonly what: string;
  /** Why it matters and how the design handles it, in a sentence or two. */
  readonly why: string;
  readonly changes: readonly RowChange[];
}

/** A run told as a lesson: the saga it follows and the moments that matter to it. */
export interface Walkthrough {
  readonly saga: string;
  readonly moments: readonly Moment[];
}

/** Events that show the world doing something to a saga; the saga with most of them is the one worth following. */
const TROUBLE = new Set<TraceEvent['kind']>(['fault', 'skip', 'reject', 'redeliver', 'dead-letter', 'operator']);

/**
 * Picks the saga the world did most to (faults, skipped duplicates, crashed handlers, dead
 * letters, a person's acts; the first one when it did nothing), and the moments of its story:
 * each command a service handled for it, its failures and compensations, each change of its
 * status, what the network did to its messages, and every crash and restart while it ran.
 * `events` are the run's trace events, one for one with `run.events`.
 */
export function walkthroughOf(run: ReportRun, events: readonly TraceEvent[], chosen?: string): Walkthrough {
  const trouble = new Map<string, number>();
  for (const e of run.events) if (e.saga && TROUBLE.has(e.kind)) trouble.set(e.saga, (trouble.get(e.saga) ?? 0) + 1);
  const saga =
    chosen ??
    run.sagas.reduce<string | null>(
      (best, s) => (best === null || (trouble.get(s.id) ?? 0) > (trouble.get(best) ?? 0) ? s.id : best),
      null,
    );
  if (saga === null) return { saga: '', moments: [] };
  const ours = run.events.map((e, i) => (e.saga === saga ? i : -1)).filter((i) => i >= 0);
  const [first, last] = [ours[0] ?? 0, ours[ours.length - 1] ?? 0];
  const story: Story = { told: new Set(), troubled: false, events, at: first };
  const moments: Moment[] = [];
  // An action retried many times is told for its first two tries and its last; the tries between are one moment.
  const lastTry = new Map<string, number>();
  for (let i = first; i <= last; i++)
    for (const f of sagaEventsOf(events[i]!))
      if (f.kind === 'retried') lastTry.set(f.action, Math.max(lastTry.get(f.action) ?? 0, f.attempt));
  let skipping = false;
  const down = new Set<string>();
  for (let i = first; i <= last; i++) {
    const drawn = run.events[i]!;
    const e = events[i]!;
    if (e.kind === 'crash') down.add(e.actor);
    if (e.kind === 'restart') down.delete(e.actor);
    const world = (e.kind === 'crash' || e.kind === 'restart') && e.actor !== 'client';
    if (drawn.saga !== saga && !world) continue;
    const retried = sagaEventsOf(e).find((f) => f.kind === 'retried');
    if (retried) {
      const final = lastTry.get(retried.action)!;
      // Worth it only when two tries or more would go: one alone is told as it is.
      const between = retried.attempt >= 3 && retried.attempt < final && final - 3 >= 2;
      if (between && !skipping)
        moments.push({
          index: i,
          tick: e.tick,
          what: `${retried.action}: tries ${retried.attempt} to ${final - 1}`,
          why: `Tries ${retried.attempt} to ${final - 1} of ${retried.action} go as the ones before: each after a longer backoff, each written in the saga's row and log before it goes out.`,
          changes: [],
        });
      skipping = between;
    } else if (skipping && (world || (drawn.mark?.kind === 'mark' && drawn.mark.mark === 'saga'))) skipping = false;
    if (skipping) continue;
    story.at = i;
    let why = explain(e, story);
    if (why === null) continue;
    // Drawn when it was handled: its sender may have crashed since it sent it.
    if (drawn.mark?.kind === 'arrow' && down.has(drawn.mark.from))
      why += ` ${drawn.mark.from} sent it before it crashed: the broker holds a message, whatever becomes of its sender.`;
    const mark = drawn.mark;
    const what =
      mark === null
        ? `${e.kind === 'saga' ? 'saga' : (e.type ?? e.kind)}${e.detail ? `: ${e.detail}` : ''}`
        : mark.kind === 'arrow'
          ? `${mark.from} → ${mark.to}: ${mark.label}`
          : mark.label;
    moments.push({ index: i, tick: e.tick, what, why, changes: drawn.changes });
  }
  return { saga, moments };
}

/** Where the telling stands: the lessons given in full, whether something went wrong since the last command, and the event at hand. */
interface Story {
  readonly told: Set<string>;
  /** Something happened since the saga's last command (a crash, a timeout, a fault): the reply that ends it is worth a moment. */
  troubled: boolean;
  readonly events: readonly TraceEvent[];
  at: number;
}

/** Whether the service that handled the command at `story.at` answered it with success, as its reply says (null when no reply follows). */
function answeredOk(story: Story): boolean | null {
  const e = story.events[story.at]!;
  for (let i = story.at + 1; i < story.events.length; i++) {
    const x = story.events[i]!;
    if (x.kind === 'publish' && x.actor === e.actor && x.sagaId === e.sagaId && x.type?.startsWith(`${e.type}.`))
      return parseReplyType(x.type)?.ok ?? null;
  }
  return null;
}

/**
 * Why an event matters, or null for one that tells nothing new (a delivery, an ack, a
 * publish that got through, a reply that only moves the saga on). `told` remembers which
 * lessons were given in full, so the second command reads shorter than the first.
 */
function explain(e: TraceEvent, story: Story): string | null {
  let text = tell(e, story);
  // A message written in an older version of its schema, read after an upgrade.
  const upcast = /\(version (\d+) upcast to (\d+)\)/.exec(e.detail ?? '');
  if (upcast && text !== null)
    text += ` It was written in version ${upcast[1]} of its schema, before an upgrade; ${e.actor} reads version ${upcast[2]} and brings it up to that (what version ${upcast[2]} added is empty), instead of refusing it.`;
  if (e.kind === 'restart' && e.detail?.startsWith('on release') && text !== null)
    text += ` It runs new code now (${e.detail.split(',')[0]}): a deploy is a restart.`;
  // What makes the saga's next reply worth telling: it ends a story with trouble in it.
  if (text !== null && e.kind !== 'handle') story.troubled = true;
  return text;
}

function tell(e: TraceEvent, story: Story): string | null {
  const { told } = story;
  const once = (key: string, full: string, again: string): string => {
    if (told.has(key)) return again;
    told.add(key);
    return full;
  };
  switch (e.kind) {
    case 'handle': {
      if (e.msgId === undefined)
        return e.detail ? `${e.actor}: ${e.detail}. A timer of its own, in a local transaction like a message's.` : null;
      const reply = parseReplyType(e.type ?? '');
      if (reply && !reply.ok)
        return `The orchestrator hears that ${reply.command} failed. In one transaction it records it in the saga's row and decides what comes next: a compensation to send, or a wait before trying again.`;
      if (reply) {
        if (!story.troubled) return null;
        story.troubled = false;
        return `The reply to ${reply.command} reaches the orchestrator: the step is done, the timer waiting for it no longer matters, and the next command goes out in the same transaction.`;
      }
      if (e.actor === 'orchestrator') {
        if (e.type === 'saga.place-order')
          return once(
            'start',
            'An order arrives: the orchestrator writes the saga to its own database before anything else, so a crash from here on loses nothing. Its first command goes out through its outbox.',
            'Another order: a new saga, durable before its first command.',
          );
        return `A person's message to the orchestrator (${e.type}), handled in its own transaction.`;
      }
      if (serviceFactsOf(e).some((f) => f.kind === 'compensation-first'))
        return `${e.type} reaches ${e.actor} before the step it undoes: ${e.actor} records the undo anyway, so the step, if it comes late, is refused. Messages can overtake each other.`;
      story.troubled = false;
      if ((COMPENSATIONS as readonly string[]).includes(e.type ?? ''))
        return answeredOk(story) === false
          ? `${e.actor} is asked to undo its step (${e.type}) and refuses${e.detail ? ` (${e.detail})` : ''}: nothing changes, and the refusal goes back to the orchestrator.`
          : `A compensation: ${e.actor} undoes its step (${e.type}${e.detail ? `: ${e.detail}` : ''}) in a new local transaction. Nothing is rolled back: the effect is reversed by another one.`;
      return once(
        'command',
        `${e.actor} handles ${e.type}${e.detail ? ` (${e.detail})` : ''} in one local transaction: the message id goes into its inbox, the effect into its tables, the reply into its outbox. All of it commits, or none of it.`,
        `${e.actor} handles ${e.type}${e.detail ? ` (${e.detail})` : ''}: inbox, effect and outbox, one transaction.`,
      );
    }
    case 'skip':
      return `${e.actor} gets ${e.type} again and skips it (${e.detail ?? 'already handled'}): the first copy's effect stands and is not applied twice. This is the idempotent consumer, the answer to an at-least-once broker.`;
    case 'reject':
      return `${e.actor}'s handler crashed on ${e.type}: its transaction rolled back, nothing was acked, and the message comes back to be tried again.`;
    case 'redeliver':
      return `${e.type} goes back to its queue: it was handed over but never acked (its consumer crashed, or took longer than the visibility timeout). At-least-once delivery: it will come again.`;
    case 'dead-letter':
      return `${e.type} is given up on and parked as a dead letter (${e.detail ?? 'no more tries'}): a person decides what to do with it (saga dlq).`;
    case 'fault':
      return `The lab does this on purpose: ${e.detail ?? 'a fault'}.`;
    case 'publish':
      if (e.detail === FROM_RESTART)
        return `${e.actor}'s relay publishes ${e.type} from a row it found in its outbox after the restart: the crash came before the broker's confirmation was recorded, or before the relay ran. It is the same message, with the same id, not a retry: if its consumer already has it, its inbox knows.`;
      return e.detail === 'dropped'
        ? `The broker drops the publish of ${e.type}. The row stays in ${e.actor}'s outbox until the broker confirms it, so the relay simply sends it again.`
        : null;
    case 'crash':
      return `${e.actor} crashes${e.detail ? ` (${e.detail})` : ''}: everything it held in memory is gone (timers, pending acks, what its relay was about to send). Its database stays, and what it had not acked goes back to its queue.`;
    case 'restart': {
      const recovered = e.detail ? ` (${e.detail})` : '';
      return e.actor === 'orchestrator'
        ? `The orchestrator comes back from its database${recovered}: it re-arms each saga's timer from the deadline stored in its row, and its relay sends whatever is still in its outbox.`
        : `${e.actor} comes back from its database${recovered}: its relay sends whatever is still in its outbox, and its queue delivers what it never acked.`;
    }
    case 'operator':
      return `A person acts: ${e.detail ?? ''}. The orchestrator takes it as a message, in its own transaction.`;
    case 'saga':
      return (
        sagaEventsOf(e)
          .map(why)
          .filter((s): s is string => s !== null)
          .join(' ') || null
      );
    default:
      return null;
  }
}

/** Why a step event of the saga matters, or null when it only records progress. */
function why(f: SagaStepEvent): string | null {
  switch (f.kind) {
    case 'step-failed':
      return `The step ${f.step} failed${f.reason ? ` (${f.reason})` : ''}: the saga turns back and undoes, last first, every step that succeeded.`;
    case 'timed-out':
      return `No reply to ${f.action} in time (attempt ${f.attempt}): the timer, armed from a deadline kept in the saga's row, fires. The orchestrator will send the command again, unless its reply comes first; a repeat is safe, as the service's inbox and business key make it do nothing.`;
    case 'retry-scheduled':
      return `It waits ${f.waitTicks} ticks first (backoff).`;
    case 'retried':
      return `The backoff is over: ${f.action} goes out again as a new message (attempt ${f.attempt}). If an earlier one got through after all, the service's business key makes this one do nothing.`;
    case 'step-gave-up':
      return `After ${f.attempts} tries, the orchestrator gives up on ${f.step} and undoes it too: it may have happened without a reply.`;
    case 'compensation-failed':
      return `The compensation of ${f.step} was refused${f.reason ? ` (${f.reason})` : ''}.`;
    case 'compensation-gave-up':
      return `${f.command} failed ${f.attempts} times: it is parked as a dead letter for a person. The saga undoes the steps below it and ends FAILED until someone acts.`;
    case 'late-success-compensated':
      return `${f.command} succeeded after the orchestrator had given up on it: it is undone at once with ${f.compensation}.`;
    case 'stale-reply':
      return `A reply to ${f.command} the saga has moved past: recorded, and changes nothing.`;
    case 'awaiting-approval':
      return `The order is large (${f.amountCents} cents): the saga parks before ${f.step}, holding its stock, until a person approves or rejects it.`;
    case 'approved':
      return `${f.by} approves it: the saga goes on.`;
    case 'rejected':
      return `${f.by} rejects it: the saga undoes what it did.`;
    case 'approval-expired':
      return `Nobody decided within ${f.slaTicks} ticks: the policy rejects the order.`;
    case 'approval-escalated':
      return `Nobody decided within ${f.slaTicks} ticks: the order is escalated to a person as a dead letter.`;
    case 'stuck':
      return `The reconciler's sweep finds the saga idle for ${f.idleTicks} ticks with its deadline long gone: nothing would ever wake it.`;
    case 'resent':
      return `So the orchestrator sends ${f.action} again (attempt ${f.attempt}).`;
    case 'escalated':
      return `${f.command} is refused for good (${f.reason}): past the point of no return, the saga stops undoing, and a person must settle it.`;
    case 'redriven':
      return `${f.by} redrives ${f.command}: it is tried again with a fresh budget.`;
    case 'resolved-by-hand':
      return `${f.by} records that ${f.command} was done by hand (${f.note}); the lab believes it as far as the databases agree.`;
    case 'reconciler-compensates':
      return `Idle past the reconciler's limit: the orchestrator undoes ${f.step} and what came before it.`;
    case 'completed':
      return 'Every step is done: the saga is COMPLETED. What is left is to confirm the order and commit the stock.';
    case 'compensated':
      return 'Every step that succeeded is undone: the saga ends COMPENSATED, as if the order had never been placed.';
    case 'failed':
      return 'The saga ends FAILED: a compensation could not be made, and a person must finish it.';
    default:
      return null;
  }
}

import type { Message } from '../broker/index.js';
import { OPERATOR_ID_PREFIX, OperatorAction, type OperatorBody } from '../protocol/index.js';
import type { Database } from '../store/index.js';

/** What a scenario's operator does, and when: at `atTick`, every compensation dead letter still open is redriven or resolved. */
export interface OperatorScript {
  readonly atTick: number;
  readonly action: 'redrive' | 'resolve';
  readonly note: string;
  /** Who, for the saga's log (default `operator`). */
  readonly by?: string;
}

/** An operator's message, as `saga dlq` and a scripted operator both make it: the same id scheme, the same body. */
export function operatorMessage(
  n: number,
  action: 'redrive' | 'resolve',
  letter: { readonly seq: number; readonly sagaId: string },
  by: string,
  note: string,
): Message {
  const body: OperatorBody = { deadLetter: letter.seq, by, note };
  return {
    id: `${OPERATOR_ID_PREFIX}-${String(n).padStart(6, '0')}`,
    queue: 'orchestrator',
    type: action === 'redrive' ? OperatorAction.redrive : OperatorAction.resolve,
    sagaId: letter.sagaId,
    body: JSON.stringify(body),
  };
}

/** What the trace says a person did: the same words from `saga dlq` and from a scripted operator. */
export function operatorDetail(action: 'redrive' | 'resolve', id: string, type: string, by: string, note: string): string {
  return `${action} dead letter ${id} (${type}) by ${by}${note ? `: ${note}` : ''}`;
}

/**
 * A person who comes by at given ticks and acts on the dead letters the orchestrator left,
 * as `saga dlq` would: a scenario's stand-in for an operator, so a run shows the whole story
 * (parked, redriven, finished) by itself. It reads the orchestrator's dead letters as an
 * admin view would and sends its messages straight into the orchestrator's queue.
 */
export class ScriptedOperator {
  private next = 0;

  constructor(private readonly script: readonly OperatorScript[]) {}

  /** The tick of its next visit, or Infinity. */
  get nextTick(): number {
    return this.script[this.next]?.atTick ?? Infinity;
  }

  /** How far through its script it is, for a stopped world to write down. */
  get position(): number {
    return this.next;
  }

  set position(n: number) {
    this.next = n;
  }

  /** The messages its visits due at `now` send, numbered from `firstId`, each with the words the trace shows for it. */
  visit(now: number, orchestrator: Database, firstId: number): Array<{ message: Message; detail: string }> {
    const messages: Array<{ message: Message; detail: string }> = [];
    for (let s = this.script[this.next]; s && s.atTick <= now; s = this.script[++this.next]) {
      const open = orchestrator
        .prepare("select seq, saga_id as sagaId, command from dead_letters where kind = 'compensation' and state = 'open' order by seq")
        .all() as Array<{ seq: number; sagaId: string; command: string }>;
      for (const letter of open) {
        const by = s.by ?? 'operator';
        const message = operatorMessage(firstId + messages.length, s.action, letter, by, s.note);
        messages.push({ message, detail: operatorDetail(s.action, `${letter.sagaId}:${letter.seq}`, letter.command, by, s.note) });
      }
    }
    return messages;
  }
}

import type { Message } from '../broker/index.js';
import { OPERATOR_ID_PREFIX, OperatorAction, sagaIdFor, type DeadLetterBody, type OperatorBody } from '../protocol/index.js';
import type { Database } from '../store/index.js';

/** What a person does to a dead letter (`saga dlq`), or to an order awaiting approval (`saga approve`, `saga reject`). */
export type OperatorVerb = 'redrive' | 'resolve' | 'approve' | 'reject';

/**
 * What a scenario's operator does, and when: at `atTick`, every compensation dead letter
 * still open is redriven or resolved, or every order awaiting approval is approved or
 * rejected; with `orders`, only those orders' sagas.
 */
export interface OperatorScript {
  readonly atTick: number;
  readonly action: OperatorVerb;
  readonly note: string;
  /** Who, for the saga's log (default `operator`). */
  readonly by?: string;
  readonly orders?: readonly string[];
}

const TYPE: Readonly<Record<OperatorVerb, OperatorAction>> = {
  redrive: OperatorAction.redrive,
  resolve: OperatorAction.resolve,
  approve: OperatorAction.approve,
  reject: OperatorAction.reject,
};

/**
 * An operator's message, as the CLI and a scripted operator both make it: the same id
 * scheme, the same body. A redrive or a resolution names its dead letter (`deadLetter`).
 */
export function operatorMessage(n: number, action: OperatorVerb, sagaId: string, body: OperatorBody | DeadLetterBody): Message {
  return {
    id: `${OPERATOR_ID_PREFIX}-${String(n).padStart(6, '0')}`,
    queue: 'orchestrator',
    type: TYPE[action],
    sagaId,
    body: JSON.stringify(body),
  };
}

/** What the trace says a person did to a dead letter: the same words from `saga dlq` and from a scripted operator. */
export function operatorDetail(action: 'redrive' | 'resolve', id: string, type: string, by: string, note: string): string {
  return `${action} dead letter ${id} (${type}) by ${by}${note ? `: ${note}` : ''}`;
}

/** What the trace says a person decided on an order awaiting approval: the same words from the CLI and from a scripted operator. */
export function decisionDetail(action: 'approve' | 'reject', orderId: string, by: string, note: string): string {
  return `${action} ${orderId} by ${by}${note ? `: ${note}` : ''}`;
}

/**
 * A person who comes by at given ticks and acts on what waits for them, as the CLI would:
 * the dead letters the orchestrator left, and the orders awaiting approval. A scenario's
 * stand-in for an operator, so a run shows the whole story (parked, decided, finished) by
 * itself. It reads the orchestrator's tables as an admin view would and sends its messages
 * straight into the orchestrator's queue.
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
      const by = s.by ?? 'operator';
      const body = { by, note: s.note };
      const mine = (sagaId: string): boolean => !s.orders || s.orders.some((o) => sagaIdFor(o) === sagaId);
      const n = (): number => firstId + messages.length;
      if (s.action === 'approve' || s.action === 'reject') {
        const parked = orchestrator
          .prepare("select id, order_id as orderId from sagas where status = 'AWAITING_APPROVAL' order by id")
          .all() as Array<{ id: string; orderId: string }>;
        for (const saga of parked.filter((p) => mine(p.id)))
          messages.push({
            message: operatorMessage(n(), s.action, saga.id, body),
            detail: decisionDetail(s.action, saga.orderId, by, s.note),
          });
        continue;
      }
      const open = orchestrator
        .prepare("select seq, saga_id as sagaId, command from dead_letters where kind = 'compensation' and state = 'open' order by seq")
        .all() as Array<{ seq: number; sagaId: string; command: string }>;
      for (const letter of open.filter((l) => mine(l.sagaId))) {
        const message = operatorMessage(n(), s.action, letter.sagaId, { deadLetter: letter.seq, ...body });
        messages.push({ message, detail: operatorDetail(s.action, `${letter.sagaId}:${letter.seq}`, letter.command, by, s.note) });
      }
    }
    return messages;
  }
}

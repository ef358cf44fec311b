import type { SagasTable } from '../orchestrator/index.js';
import { OperatorAction } from '../protocol/index.js';
import { readWorldFile } from '../scenario/index.js';
import { decisionDetail, operatorMessage } from '../world/index.js';
import { recordIntervention, withOperatorMessage } from './intervention.js';
import { BadRunError, orchestratorOf, type OpenRun } from './open-run.js';

/** What `saga approve` and `saga reject` report. */
export interface Decision {
  readonly orderId: string;
  readonly sagaId: string;
  readonly decision: 'approve' | 'reject';
  /** The tick the world stood at: the orchestrator decides from the next one, when the run resumes. */
  readonly tick: number;
  /** When the approval's SLA runs out (null once it was escalated): a decision that arrives later is too late. */
  readonly slaEndsTick: number | null;
}

/**
 * A person approves or rejects an order awaiting approval in a run that has stopped or
 * ended: an operator's message waits in the orchestrator's queue, handled in its own
 * transaction when the run resumes, and the trace records the act. Throws a BadRunError, with
 * nothing changed on disk, for an unknown order, one that awaits no approval, or one that
 * already has a decision waiting.
 */
export function decideOnOrder(
  run: OpenRun,
  key: string,
  decision: 'approve' | 'reject',
  by: string,
  note: string,
  build: string,
): Decision {
  const read = readWorldFile(run.dir, build);
  if ('problem' in read) throw new BadRunError(read.problem);
  const saga = orchestratorOf(run)
    .prepare('select id, order_id, status, deadline_tick from sagas where id = ? or order_id = ?')
    .get(key, key) as Pick<SagasTable, 'id' | 'order_id' | 'status' | 'deadline_tick'> | undefined;
  if (!saga)
    throw new BadRunError(`No saga for ${key} in ${run.dir} (no such order, or not placed yet); 'saga sagas ${run.dir}' lists them.`);
  if (saga.status !== 'AWAITING_APPROVAL')
    throw new BadRunError(`${saga.order_id} is ${saga.status}, not AWAITING_APPROVAL: there is nothing to ${decision}.`);
  const waiting = read.image.world.broker.ready.find(
    (r) => r.message.sagaId === saga.id && (r.message.type === OperatorAction.approve || r.message.type === OperatorAction.reject),
  );
  if (waiting)
    throw new BadRunError(
      `${saga.order_id} already has a decision waiting (${waiting.message.type.replace('operator.', '')}): 'saga resume ${run.dir}' carries it out.`,
    );
  const tick = read.image.world.tick;
  const { world, message } = withOperatorMessage(read.image, (n) => operatorMessage(n, decision, saga.id, { by, note }));
  recordIntervention(
    run,
    world,
    {
      type: message.type,
      msgId: message.id,
      sagaId: saga.id,
      detail: decisionDetail(decision, saga.order_id, by, note),
    },
    build,
  );
  return { orderId: saga.order_id, sagaId: saga.id, decision, tick, slaEndsTick: saga.deadline_tick };
}

import { decideOnOrder } from '../operate/index.js';
import { buildVersion } from '../version.js';
import { outputWidth, type CliIo } from './cli-io.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { withRun } from './inspect-command.js';
import { wrap } from './style.js';
import { UsageError } from './usage-error.js';
import { printable } from './user-text.js';

export interface DecisionOptions {
  /** Why: optional to approve, required to reject; `--note` and `--reason` are the same. */
  readonly note?: string;
  readonly reason?: string;
  readonly by?: string;
  readonly json?: boolean;
}

/**
 * `saga approve <run> <order>` and `saga reject <run> <order> --reason ...`: a person decides
 * on an order awaiting approval in a stopped run. The decision waits in the orchestrator's
 * queue; `saga resume` carries it out.
 */
export function decisionCommand(decision: 'approve' | 'reject', dir: string, order: string, options: DecisionOptions, io: CliIo): ExitCode {
  if (options.note !== undefined && options.reason !== undefined)
    throw new UsageError('Give the reason once: --reason and --note are the same option.');
  const note = (options.reason ?? options.note)?.trim() ?? '';
  if (decision === 'reject' && note === '')
    throw new UsageError(`Say why: saga reject ${dir} ${order} --reason "..." (the saga log keeps it).`);
  if (options.by !== undefined && options.by.trim() === '') throw new UsageError('--by needs a name: who decides (the saga log keeps it).');
  const by = options.by?.trim() || io.env.USER || 'operator';
  const done = withRun(dir, io, (run) => decideOnOrder(run, order, decision, by, note, buildVersion()));
  if (options.json) {
    io.out(JSON.stringify({ ...done, by, reason: note, resume: `npx saga resume ${dir}` }, null, 2) + '\n');
    return EXIT.held;
  }
  const what =
    decision === 'approve'
      ? 'the saga goes on to charge the payment when the run resumes'
      : 'the saga releases its stock and cancels the order when the run resumes';
  const width = outputWidth(io);
  io.out(
    wrap(`${decision === 'approve' ? 'Approved' : 'Rejected'} ${done.orderId} (${done.sagaId}) as ${printable(by)}: ${what}.`, width) +
      '\n',
  );
  // The decision travels as a message: it reaches the orchestrator at the next tick, after any timer due then.
  if (done.slaEndsTick !== null && done.slaEndsTick <= done.tick + 1)
    io.err(
      wrap(
        `Note: its approval SLA ends at tick ${done.slaEndsTick}, before the decision reaches the orchestrator (tick ${done.tick + 1}): the scenario's SLA policy acts first, and a reject policy leaves this decision ignored.`,
        width,
      ) + '\n',
    );
  io.out(`resume: npx saga resume ${dir}\n`);
  return EXIT.held;
}

/** Where a saga stands. The last four are terminal. */
export const SagaStatus = {
  Running: 'RUNNING',
  /** Parked before a step a person must approve: it holds what the steps before it took, and waits. */
  AwaitingApproval: 'AWAITING_APPROVAL',
  Compensating: 'COMPENSATING',
  Completed: 'COMPLETED',
  Compensated: 'COMPENSATED',
  Failed: 'FAILED',
  /** Past its point of no return: a compensation was refused for good (the parcel left), so the saga stopped undoing and handed over to a person. */
  Escalated: 'ESCALATED',
} as const;
export type SagaStatus = (typeof SagaStatus)[keyof typeof SagaStatus];

const TERMINAL_STATUSES: readonly SagaStatus[] = [SagaStatus.Completed, SagaStatus.Compensated, SagaStatus.Failed, SagaStatus.Escalated];

export function isTerminal(status: SagaStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

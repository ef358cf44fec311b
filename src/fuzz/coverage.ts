import type { TraceEvent } from '../kernel/index.js';

/** The paths a sweep must reach to prove anything: a fuzzer that never compensates has tested nothing. */
export const COVERAGE_PATHS = [
  'compensate:order.cancel', 'compensate:inventory.release', 'compensate:payment.refund', 'compensate:fulfillment.cancel',
  'timeout', 'compensation-retry', 'dead-letter', 'saga-failed', 'duplicate-skipped', 'late-or-stale-reply', 'crash-recovery', 'timeout-after-restart',
] as const;
export type CoveragePath = (typeof COVERAGE_PATHS)[number];

const COMPENSATIONS = new Set(['order.cancel', 'inventory.release', 'payment.refund', 'fulfillment.cancel']);

/** Which paths one run reached, from its trace events as they happen. */
export class CoverageTracker {
  readonly reached = new Set<CoveragePath>();
  private restarted = false;

  observe(e: TraceEvent): void {
    switch (e.kind) {
      case 'handle':
        if (e.type !== undefined && COMPENSATIONS.has(e.type)) this.reached.add(`compensate:${e.type}` as CoveragePath);
        break;
      case 'skip':
        this.reached.add('duplicate-skipped');
        break;
      case 'dead-letter':
        this.reached.add('dead-letter');
        break;
      case 'restart':
        this.restarted = true;
        break;
      case 'saga': {
        const d = e.detail ?? '';
        if (d.includes('timed out')) this.reached.add('timeout');
        if (d.includes('compensation failed')) this.reached.add('compensation-retry');
        if (d.startsWith('FAILED')) this.reached.add('saga-failed');
        if (d.includes('late ') || d.includes('stale reply')) this.reached.add('late-or-stale-reply');
        if (this.restarted) this.reached.add('crash-recovery');
        if (this.restarted && d.includes('timed out')) this.reached.add('timeout-after-restart');
        break;
      }
    }
  }
}

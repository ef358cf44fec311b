import { describe, expect, it } from 'vitest';
import { sagaCli } from '../helpers.js';

/** The lanes a run drew: the lines from its header row to its legend. */
function lanesOf(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => /^ +tick cli orc ord inv pay ful not rec/.test(l));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('⊘ skip'));
  return lines.slice(start, end);
}

describe('saga run --timeline: the run as lanes', () => {
  it('an arrow from sender to receiver per message handled, a marker per crash, restart, fault and skipped duplicate; 100 columns, plain', async () => {
    const run = await sagaCli(['run', '--scenario', 'duplicate-delivery', '--storage', 'memory', '--timeline'], { columns: 100 });
    expect(run.code).toBe(0);
    const lanes = lanesOf(run.stdout);
    expect(lanes.length).toBeGreaterThan(10);
    for (const line of run.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
    expect(run.stdout).not.toContain('\u001b[');
    // Orchestrator (second lane, column 12) to payment (fifth lane, column 24): the charge.
    const charge = lanes.find((l) => l.includes(' payment.charge saga-'))!;
    expect(charge.slice(7, 39)).toBe(' │   ●───────────▶   │   │   │  ');
    const reply = lanes.find((l) => l.includes(' payment.charge.done saga-'))!;
    expect(reply.slice(7, 39)).toBe(' │   ◁┄┄┄┄┄┄┄┄┄┄┄●   │   │   │  ');
    expect(lanes.some((l) => l.includes('⚡') && l.includes('duplicated'))).toBe(true);
    expect(lanes.some((l) => l.includes('⊘') && l.includes('duplicate payment.charge skipped'))).toBe(true);
    const crash = lanesOf((await sagaCli(['run', '--scenario', 'crash-mid-payment', '--storage', 'memory', '--timeline'])).stdout);
    expect(crash.some((l) => l.slice(7, 11) === ' │  ' && l.includes('✖') && l.includes('orchestrator crashed'))).toBe(true);
    expect(crash.some((l) => l.includes('↺') && l.includes('orchestrator restarted'))).toBe(true);
  });

  it('with a saga or order, only its events (crashes and restarts kept); an unknown one is refused', async () => {
    const one = await sagaCli(['run', '--scenario', 'crash-mid-payment', '--storage', 'memory', '--timeline', 'order-002']);
    const lanes = lanesOf(one.stdout).slice(1);
    expect(lanes.every((l) => l.includes('saga-002') || /crashed|restarted/.test(l))).toBe(true);
    expect(lanes.some((l) => l.includes('saga-002 COMPLETED'))).toBe(true);
    const unknown = await sagaCli(['run', '--scenario', 'crash-mid-payment', '--storage', 'memory', '--timeline', 'order-009']);
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toMatch(/^No saga or order 'order-009' in this run, so --timeline has nothing to draw\./);
    const json = await sagaCli(['run', '--scenario', 'happy-path', '--storage', 'memory', '--timeline', '--json']);
    expect(json.code).toBe(2);
  });

  it('--json --trace gives the timeline as its lines and as objects with their typed facts, one for one', async () => {
    const run = await sagaCli(['run', '--scenario', 'payment-declined', '--storage', 'memory', '--json', '--trace']);
    const report = JSON.parse(run.stdout) as {
      trace: string[];
      traceEvents: Array<{ kind: string; tick: number; facts?: Array<{ kind: string }> }>;
    };
    expect(report.traceEvents).toHaveLength(report.trace.length);
    expect(report.trace[0]!.startsWith(`${report.traceEvents[0]!.tick} ${report.traceEvents[0]!.kind} `)).toBe(true);
    expect(report.traceEvents.some((e) => e.kind === 'saga' && e.facts?.some((f) => f.kind === 'step-failed'))).toBe(true);
  });
});

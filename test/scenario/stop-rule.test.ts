import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import type { TraceEvent } from '../../src/kernel/index.js';
import { runScenario, scenarioRun, STOP_WHEN, stopWatch, type StopRule } from '../../src/scenario/index.js';

/** Runs a scenario in memory until its stop rule says stop; returns where, why, and every event up to there. */
function stopWhere(name: string, rule: StopRule) {
  const scenario = SCENARIOS.find((s) => s.name === name)!;
  const watch = stopWatch(rule);
  const events: TraceEvent[] = [];
  const steps = scenarioRun({
    scenario,
    seed: 1,
    storage: 'memory',
    onEvent: (e) => {
      events.push(e);
      watch.onEvent(e);
    },
  });
  for (let step = steps.next(); !step.done; step = steps.next()) {
    const reason = watch.reason(step.value);
    if (reason !== null) {
      const at = { tick: step.value.tick, next: step.value.nextTick(), reason, events };
      steps.return(undefined as never);
      return at;
    }
  }
  return null;
}

describe('stop rules', () => {
  it('--stop-at T stops at the last tick boundary before work after T, so nothing after T has happened', () => {
    const whole = runScenario({ scenario: SCENARIOS.find((s) => s.name === 'lossy-network')!, seed: 1, storage: 'memory' });
    const t = Math.floor(whole.result.ticks / 2);
    const at = stopWhere('lossy-network', { atTick: t })!;
    expect(at.tick).toBeLessThanOrEqual(t);
    expect(at.next).toBeGreaterThan(t);
    expect(at.events.every((e) => e.tick <= t)).toBe(true);
    expect(at.reason).toBe(`the next work is after tick ${t}`);
  });

  it('a run that settles before --stop-at is not stopped', () => {
    expect(stopWhere('happy-path', { atTick: 1_000_000 })).toBeNull();
  });

  it('each event moment stops at the end of the tick in which its first event happened', () => {
    const cases: ReadonlyArray<[string, string, (e: TraceEvent) => boolean]> = [
      ['crash', 'crash-mid-payment', (e) => e.kind === 'crash'],
      ['restart', 'crash-mid-payment', (e) => e.kind === 'restart'],
      ['dead-letter', 'poison-message', (e) => e.kind === 'dead-letter'],
      ['skip', 'duplicate-delivery', (e) => e.kind === 'skip'],
      ['parked', 'compensation-exhausted', (e) => e.kind === 'dead-letter' && e.actor === 'orchestrator'],
    ];
    for (const [when, scenario, first] of cases) {
      const at = stopWhere(scenario, { when })!;
      expect(at, when).not.toBeNull();
      const event = at.events.find(first)!;
      expect(event, when).toBeDefined();
      expect(at.tick, when).toBe(event.tick);
      expect(at.reason, when).toContain(STOP_WHEN[when]!);
    }
  });

  it('parked waits for a saga a person must move on, not for a message the broker gave up on', () => {
    // poison-message dead-letters a message in the broker; every saga still ends by itself.
    expect(stopWhere('poison-message', { when: 'parked' })).toBeNull();
  });

  it('idle stops once nothing is left to do', () => {
    const at = stopWhere('happy-path', { when: 'idle' })!;
    expect(at.next).toBe(Infinity);
    expect(at.reason).toBe(STOP_WHEN.idle);
  });
});

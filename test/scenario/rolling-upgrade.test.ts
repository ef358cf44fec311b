import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { runScenario } from '../../src/scenario/index.js';

const rollingUpgrade = SCENARIOS.find((s) => s.name === 'rolling-upgrade')!;

describe('a rolling upgrade of the payment service', () => {
  it('consumer first: replies of both releases are read, the old ones upcast, every saga completes', () => {
    const { result, outcome } = runScenario({ scenario: rollingUpgrade, seed: 1, storage: 'memory' });
    expect(result.ok).toBe(true);
    const restart = outcome.traceEvents.find((e) => e.kind === 'restart' && e.actor === 'payment');
    expect(restart?.detail).toMatch(/^on release 2/);
    expect(outcome.snapshot.broker.deadLetters).toEqual([]);
  });

  it('producer first: the orchestrator refuses each reply it cannot read, at once and saying why; those sagas time out and are undone', () => {
    const { result, outcome } = runScenario({ scenario: { ...rollingUpgrade, releases: {} }, seed: 1, storage: 'memory' });
    const letters = outcome.snapshot.broker.deadLetters;
    expect(letters.length).toBeGreaterThan(0);
    for (const letter of letters)
      expect(letter).toMatchObject({
        type: 'payment.charge.done',
        attempts: 1,
        refused: 'orchestrator reads payment.charge.done up to version 1, not version 2',
      });
    // Refused outright is not given up too soon; but a dead letter is still work for a person.
    const failed = result.invariants.filter((i) => !i.ok).map((i) => i.name);
    expect(failed).toEqual(['broker-drained']);
    const refused = new Set(letters.map((l) => l.sagaId));
    for (const saga of result.sagas) expect(saga.status).toBe(refused.has(saga.id) ? 'COMPENSATED' : 'COMPLETED');
  });

  it('a deploy stays in place when the calm phase, not its own restart, brings the component back', () => {
    const longDeploy = { ...rollingUpgrade, faults: rollingUpgrade.faults.map((f) => ({ ...f, downTicks: 25_000 })) };
    const { outcome } = runScenario({ scenario: longDeploy, seed: 1, storage: 'memory' });
    const restarts = outcome.traceEvents.filter((e) => e.kind === 'restart' && e.actor === 'payment');
    expect(restarts.map((e) => [e.tick, e.detail?.split(',')[0]])).toEqual([[20_000, 'on release 2']]);
  });
});

describe('a rolling upgrade of the payment service, choreographed', () => {
  const choreography = { style: 'choreography' as const, compensator: 'janitor' as const };

  it('readers first: the fulfillment service, the projection and the janitor read both versions, the old ones upcast', () => {
    const { result, outcome } = runScenario({ scenario: rollingUpgrade, seed: 1, storage: 'memory', coordination: choreography });
    expect(result.ok).toBe(true);
    const read = outcome.traceEvents.filter((e) => e.kind === 'handle' && (e.detail ?? '').startsWith('on payment.charge.done'));
    expect(read.some((e) => e.actor === 'fulfillment' && e.detail!.includes('(version 1 upcast to 2)'))).toBe(true);
    expect(read.some((e) => e.actor === 'fulfillment' && !e.detail!.includes('upcast'))).toBe(true);
    expect(outcome.snapshot.broker.deadLetters).toEqual([]);
  });

  it('a reader left on release 1 dead-letters the new event with the reason, checked against the event and not the command it triggers', () => {
    const releases = { ...rollingUpgrade.releases, fulfillment: 1 };
    const { outcome } = runScenario({ scenario: { ...rollingUpgrade, releases }, seed: 1, storage: 'memory', coordination: choreography });
    const letters = outcome.snapshot.broker.deadLetters;
    expect(letters.length).toBeGreaterThan(0);
    for (const letter of letters)
      expect(letter).toMatchObject({
        type: 'payment.charge.done',
        attempts: 1,
        refused: 'fulfillment reads payment.charge.done up to version 1, not version 2',
      });
  });
});

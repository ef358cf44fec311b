import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.js';
import { findProfile } from '../../src/chaos/index.js';
import { caseInput, generateCase, runCase } from '../../src/fuzz/index.js';
import type { TraceEvent } from '../../src/kernel/index.js';
import { messageRoutes } from '../../src/operate/index.js';
import { runScenario } from '../../src/scenario/index.js';

/**
 * Where a trace shows an effect before its cause: a message delivered before it was published,
 * handled before it was delivered, acked before it was handled; a component acting while it is
 * down; a delivery sent back for a crash before the crash.
 */
function effectsBeforeCauses(events: readonly TraceEvent[]): string[] {
  const problems: string[] = [];
  const [published, delivered, handled] = [new Set<string>(), new Set<string>(), new Set<string>()];
  const down = new Set<string>();
  const { consumer } = messageRoutes(events);
  events.forEach((e, i) => {
    const at = `event ${i} (${e.tick} ${e.kind} ${e.actor} ${e.type ?? ''})`;
    if (e.kind === 'crash') down.add(e.actor);
    if (e.kind === 'restart') down.delete(e.actor);
    if (['deliver', 'handle', 'skip', 'reject', 'ack'].includes(e.kind) && down.has(e.actor)) problems.push(`${at}: ${e.actor} is down`);
    const id = e.msgId;
    if (id === undefined) return;
    if (e.kind === 'publish' && e.detail !== 'dropped') published.add(id);
    if (e.kind === 'operator') published.add(id);
    if (e.kind === 'deliver') {
      if (!published.has(id)) problems.push(`${at}: delivered before it was published`);
      delivered.add(id);
    }
    if (e.kind === 'handle' || e.kind === 'skip' || e.kind === 'reject') {
      if (!delivered.has(id)) problems.push(`${at}: handled before it was delivered`);
      handled.add(id);
    }
    if (e.kind === 'ack' && !handled.has(id)) problems.push(`${at}: acked before it was handled`);
    if (e.kind === 'redeliver' && e.detail === 'consumer crashed' && !down.has(consumer.get(id) ?? ''))
      problems.push(`${at}: sent back for a crash not yet shown`);
  });
  return problems;
}

describe('the trace never shows an effect before its cause', () => {
  it('on a hand-made trace, each rule finds its break', () => {
    const e = (kind: TraceEvent['kind'], actor: string, msgId?: string, detail?: string): TraceEvent => ({
      kind,
      tick: 1,
      actor,
      ...(msgId ? { msgId } : {}),
      ...(detail ? { detail } : {}),
    });
    expect(effectsBeforeCauses([e('publish', 'a', 'm'), e('deliver', 'b', 'm'), e('handle', 'b', 'm'), e('ack', 'b', 'm')])).toEqual([]);
    expect(effectsBeforeCauses([e('deliver', 'b', 'm')])).toHaveLength(1);
    expect(effectsBeforeCauses([e('publish', 'a', 'm'), e('handle', 'b', 'm')])).toHaveLength(1);
    expect(effectsBeforeCauses([e('publish', 'a', 'm'), e('deliver', 'b', 'm'), e('ack', 'b', 'm')])).toHaveLength(1);
    expect(effectsBeforeCauses([e('crash', 'b'), e('publish', 'a', 'm'), e('deliver', 'b', 'm')])).toHaveLength(1);
    expect(
      effectsBeforeCauses([
        e('publish', 'a', 'm'),
        e('deliver', 'b', 'm'),
        e('redeliver', 'broker', 'm', 'consumer crashed'),
        e('crash', 'b'),
      ]),
    ).toHaveLength(1);
  });

  it('in every scenario, calm and chaotic, and in fuzz seeds 1-40', () => {
    for (const scenario of SCENARIOS)
      for (const profile of [undefined, findProfile('chaotic')!]) {
        const { traceEvents } = runScenario({ scenario, seed: 1, storage: 'memory', ...(profile ? { profile } : {}) }).outcome;
        expect(effectsBeforeCauses(traceEvents), `${scenario.name} ${profile ? 'chaotic' : 'calm'}`).toEqual([]);
      }
    for (let seed = 1; seed <= 40; seed++)
      expect(effectsBeforeCauses(runCase(caseInput(generateCase(seed)), true).outcome.traceEvents), `fuzz seed ${seed}`).toEqual([]);
  }, 60_000);
});

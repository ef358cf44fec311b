import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/broker/index.js';
import { FAULT_PROFILES, FaultEngine, type FaultProfile, type ScriptedFault } from '../../src/chaos/index.js';
import { randomStreams, Trace, VirtualClock } from '../../src/kernel/index.js';

const calm = FAULT_PROFILES.calm!;
const msg = (id: string, type = 'payment.charge'): Message => ({ id, queue: 'payment', type, sagaId: 's', body: '{}' });
const fresh = { copy: false, delayed: false };

function engine(profile: FaultProfile = calm, script: readonly ScriptedFault[] = [], seed = 1) {
  const trace = new Trace({ keep: true });
  return { faults: new FaultEngine({ profile, script, streams: randomStreams(seed).faults, clock: new VirtualClock(), trace }), trace };
}

const always = (): boolean => true;

/** Asks for a command fault and, like a handler that honours it, applies it; returns the mode or null. */
function command(e: FaultEngine, m: Message): string | null {
  const decision = e.commandFault('payment', m);
  if (decision) e.applied(decision, 'payment', m);
  return decision?.mode ?? null;
}

/** A fixed sequence of questions, the way a broker, endpoints and the crash model would ask them. */
function ask(e: FaultEngine, rounds = 40): string[] {
  const answers: string[] = [];
  for (let i = 1; i <= rounds; i++) {
    const type = i % 2 ? 'payment.charge' : 'inventory.reserve';
    answers.push(`publish ${e.onPublish(msg(`p${i}`, type)).kind}`);
    answers.push(`deliver ${JSON.stringify(e.onDeliver(msg(`d${i}`, type), i, fresh))}`);
    answers.push(`reorder ${JSON.stringify(e.reorder(3))}`);
    answers.push(`command ${command(e, msg(`c${i}`, type))}`);
    answers.push(`kill ${JSON.stringify(e.killsAt({ on: 'handle', actor: 'payment', type }, always))}`);
  }
  return answers;
}

describe('fault engine', () => {
  it('a scripted fault aimed at the nth message of a type strikes that one only, and is recorded as it struck', () => {
    const { faults } = engine(calm, [{ kind: 'drop-publish', type: 'payment.charge', nth: 2 }]);
    expect([1, 2, 3].map((i) => faults.onPublish(msg(`m${i}`)).kind)).toEqual(['none', 'drop', 'none']);
    expect(faults.onPublish(msg('x', 'order.create')).kind).toBe('none');
    expect(faults.schedule()).toEqual([{ kind: 'drop-publish', type: 'payment.charge', saga: 's', nth: 2 }]);
  });

  it('never duplicates a copy nor delays a delivery twice, and records nothing it did not do', () => {
    const always: FaultProfile = { ...calm, name: 'always', duplicate: 1, maxCopies: 1, delay: 1, maxDelayTicks: 5 };
    const { faults } = engine(always);
    expect(faults.onDeliver(msg('a'), 1, { copy: true, delayed: true }).kind).toBe('none');
    expect(faults.onDeliver(msg('b'), 1, { copy: true, delayed: false }).kind).toBe('delay');
    expect(faults.onDeliver(msg('c'), 1, { copy: false, delayed: true }).kind).toBe('duplicate');
    expect(faults.schedule().map((f) => f.kind)).toEqual(['delay-delivery', 'duplicate-delivery']);
    // A script that asks for the impossible is kept for a hand-over it can strike.
    const scripted = engine(calm, [{ kind: 'duplicate-delivery', type: 'payment.charge', times: 1 }]).faults;
    expect(scripted.onDeliver(msg('copy'), 1, { copy: true, delayed: false }).kind).toBe('none');
    expect(scripted.onDeliver(msg('original'), 1, fresh).kind).toBe('duplicate');
    expect(scripted.schedule()).toHaveLength(1);
  });

  it('its recorded schedule, replayed with no generator, gives the same answers to the same questions', () => {
    const chaotic: FaultProfile = { ...FAULT_PROFILES.chaotic!, kill: 0.1, maxDownTicks: 30, failCommand: 0.1, throwCommand: 0.05 };
    const original = engine(chaotic);
    const answers = ask(original.faults);
    expect(original.faults.schedule().length).toBeGreaterThan(20);
    const replay = engine(calm, original.faults.schedule(), 999);
    expect(ask(replay.faults)).toEqual(answers);
    expect(replay.faults.schedule()).toEqual(original.faults.schedule());
  });

  it('each family draws from its own stream: turning kills on changes no network or command decision', () => {
    const chaotic = FAULT_PROFILES.chaotic!;
    const withoutKills = ask(engine({ ...chaotic, failCommand: 0.2 }).faults).filter((a) => !a.startsWith('kill'));
    const withKills = ask(engine({ ...chaotic, failCommand: 0.2, kill: 0.5, maxDownTicks: 10 }).faults);
    expect(withKills.some((a) => a.startsWith('kill [{'))).toBe(true);
    expect(withKills.filter((a) => !a.startsWith('kill'))).toEqual(withoutKills);
  });

  it('a kill trigger fires once, at its nth matching moment; a profile kill is recorded with the moment it struck', () => {
    const trigger: ScriptedFault = {
      kind: 'kill',
      component: 'payment',
      when: { on: 'ack', type: 'payment.charge', nth: 2 },
      downTicks: 7,
    };
    const { faults } = engine(calm, [trigger]);
    const at = (on: 'handle' | 'ack') => faults.killsAt({ on, actor: 'payment', type: 'payment.charge' }, always);
    expect([at('handle'), at('ack'), at('ack'), at('ack')]).toEqual([[], [], [{ component: 'payment', downTicks: 7 }], []]);
    const random = engine({ ...calm, name: 'kills', kill: 1, maxDownTicks: 3 }).faults;
    random.killsAt({ on: 'publish', actor: 'orchestrator', type: 'payment.charge' }, always);
    const [recorded] = random.schedule();
    expect(recorded).toMatchObject({
      kind: 'kill',
      component: 'orchestrator',
      when: { on: 'publish', actor: 'orchestrator', type: 'payment.charge', nth: 1 },
    });
  });

  it('a trigger with a detail fires on the work whose note begins with it, whatever message brought it', () => {
    const decision: ScriptedFault = {
      kind: 'kill',
      component: 'coordinator',
      when: { on: 'after-commit', detail: 'COMMIT (' },
      downTicks: 5,
    };
    const { faults } = engine(calm, [decision]);
    const at = (type: string, detail?: string) => faults.killsAt({ on: 'after-commit', actor: 'coordinator', type }, always, detail);
    expect([
      at('inventory.reserve.done', 'yes from inventory (1 of 2)'),
      at('timer'),
      at('payment.charge.done', 'COMMIT (every participant voted yes): inventory.commit'),
      at('payment.charge.done', 'COMMIT (every participant voted yes): inventory.commit'),
    ]).toEqual([[], [], [{ component: 'coordinator', downTicks: 5 }], []]);
  });

  it('goes quiet in the calm phase, except a service’s scripted refusals', () => {
    const { faults, trace } = engine({ ...FAULT_PROFILES.lossy!, kill: 1, maxDownTicks: 3 }, [
      { kind: 'fail-command', type: 'payment.refund', mode: 'fail', times: Infinity },
    ]);
    faults.enterCalm();
    expect(faults.onPublish(msg('a')).kind).toBe('none');
    expect(faults.onDeliver(msg('b'), 1, fresh).kind).toBe('none');
    expect(faults.killsAt({ on: 'handle', actor: 'payment', type: 'payment.charge' }, always)).toEqual([]);
    expect(command(faults, msg('r', 'payment.refund'))).toBe('fail');
    expect(trace.events().map((e) => e.kind)).toEqual(['fault']);
  });

  it('a poisoned message stays poison on every redelivery, recorded once', () => {
    const { faults } = engine(calm, [{ kind: 'poison', type: 'payment.charge' }]);
    const poison = msg('p');
    expect([command(faults, poison), command(faults, msg('q')), command(faults, poison)]).toEqual(['throw', null, 'throw']);
    expect(faults.schedule()).toEqual([{ kind: 'poison', type: 'payment.charge' }]);
  });

  it('records a refusal only when the handler honours it; an unhonoured scripted refusal waits for the next command', () => {
    const { faults, trace } = engine(calm, [{ kind: 'fail-command', type: 'payment.charge', mode: 'fail', times: 1 }]);
    const ignored = faults.commandFault('payment', msg('a'));
    expect(ignored?.mode).toBe('fail');
    expect(faults.schedule()).toEqual([]);
    expect(trace.events()).toEqual([]);
    expect(command(faults, msg('b'))).toBe('fail');
    expect(command(faults, msg('c'))).toBeNull();
    expect(faults.schedule()).toEqual([{ kind: 'fail-command', type: 'payment.charge', saga: 's', mode: 'fail', nth: 2 }]);
  });

  it('kills only a component that can be killed: a trigger whose target is down waits for its next match, and nothing is recorded meanwhile', () => {
    const trigger: ScriptedFault = { kind: 'kill', component: 'payment', when: { on: 'handle', type: 'payment.charge' }, downTicks: 9 };
    const { faults } = engine({ ...calm, name: 'kills', kill: 1, maxDownTicks: 3 }, [trigger]);
    const down = (): boolean => false;
    expect(faults.killsAt({ on: 'handle', actor: 'payment', type: 'payment.charge' }, down)).toEqual([]);
    expect(faults.schedule()).toEqual([]);
    // Up again: the trigger fires, and the profile's kill of the same component in the same moment is not doubled.
    expect(faults.killsAt({ on: 'handle', actor: 'payment', type: 'payment.charge' }, always)).toEqual([
      { component: 'payment', downTicks: 9 },
    ]);
    expect(faults.schedule()).toEqual([trigger]);
  });

  it('records a scripted delivery fault with the nth it struck, not the script’s times, so a replay strikes the same deliveries', () => {
    const { faults } = engine(calm, [{ kind: 'drop-delivery', type: 'payment.charge', times: 2 }]);
    expect([1, 2, 3].map((i) => faults.onDeliver(msg(`m${i}`), i, fresh).kind)).toEqual(['drop', 'drop', 'none']);
    expect(faults.schedule()).toEqual([
      { kind: 'drop-delivery', type: 'payment.charge', saga: 's', nth: 1 },
      { kind: 'drop-delivery', type: 'payment.charge', saga: 's', nth: 2 },
    ]);
  });

  it('a fault addressed to a saga strikes the same message of that saga whatever other sagas do, so shrinking cannot move it', () => {
    const of = (saga: string, id: string): Message => ({ ...msg(id), sagaId: saga });
    const script: ScriptedFault[] = [{ kind: 'drop-delivery', type: 'payment.charge', saga: 'b', nth: 2 }];
    const dropped = (messages: Message[]) => {
      const { faults } = engine(calm, script);
      return messages.filter((m) => faults.onDeliver(m, 1, fresh).kind === 'drop').map((m) => m.id);
    };
    expect(dropped([of('a', 'a1'), of('b', 'b1'), of('a', 'a2'), of('b', 'b2'), of('a', 'a3')])).toEqual(['b2']);
    // Saga a removed from the workload: saga b's second delivery is still the one dropped.
    expect(dropped([of('b', 'b1'), of('b', 'b2')])).toEqual(['b2']);
    // A kill trigger addressed to a saga counts that saga's moments only.
    const { faults } = engine(calm, [
      { kind: 'kill', component: 'payment', when: { on: 'handle', type: 'payment.charge', saga: 'b', nth: 2 }, downTicks: 5 },
    ]);
    const at = (saga: string) => faults.killsAt({ on: 'handle', actor: 'payment', type: 'payment.charge', saga }, always).length;
    expect([at('a'), at('b'), at('a'), at('b')]).toEqual([0, 0, 0, 1]);
  });

  it('a refusal drawn from a profile is replayed only while faults are on', () => {
    const original = engine({ ...calm, name: 'refusing', failCommand: 1 }).faults;
    command(original, msg('a'));
    const [recorded] = original.schedule();
    expect(recorded).toMatchObject({ kind: 'fail-command', nth: 1, faultPhaseOnly: true });
    const replay = engine(calm, [recorded!]).faults;
    replay.enterCalm();
    expect(command(replay, msg('a'))).toBeNull();
  });

  it('a queue reversed on a restart is recorded as the nth restart of that component, and replays there', () => {
    const original = engine({ ...calm, name: 'reversing', reverseOnRestart: 1 }).faults;
    expect([original.reverseOnRestart('inventory'), original.reverseOnRestart('payment')]).toEqual([true, true]);
    expect(original.schedule()).toEqual([
      { kind: 'reverse-queue', queue: 'inventory', nth: 1 },
      { kind: 'reverse-queue', queue: 'payment', nth: 1 },
    ]);
    const replay = engine(calm, [{ kind: 'reverse-queue', queue: 'inventory', nth: 2 }]).faults;
    expect([replay.reverseOnRestart('inventory'), replay.reverseOnRestart('inventory'), replay.reverseOnRestart('inventory')]).toEqual([
      false,
      true,
      false,
    ]);
  });
});

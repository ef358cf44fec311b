import type { DeliveryFault, FaultPlan, Message, PublishFault, QueueName } from '../broker/index.js';
import type { CommandFaults } from '../endpoint/index.js';
import type { Clock, Rng, Trace, TraceEvent } from '../kernel/index.js';
import { FAULT_PROFILES, type FaultProfile } from './fault-profile.js';
import { describeFault, type ComponentName, type ScriptedFault } from './scripted-fault.js';

const NONE = { kind: 'none' } as const;
const NETWORK_FAULTS: readonly ScriptedFault['kind'][] = ['duplicate-delivery', 'drop-delivery', 'delay-delivery'];
const COMMAND_FAULTS: readonly ScriptedFault['kind'][] = ['fail-command', 'poison'];

/** What the chaos layer needs from the world. */
export interface ChaosOptions {
  readonly profile: FaultProfile;
  readonly script: readonly ScriptedFault[];
  readonly rng: Rng;
  readonly clock: Clock;
  readonly trace: Trace;
  /** Kills a component after the current event and restarts it `downTicks` later. */
  readonly kill: (component: ComponentName, downTicks: number) => void;
}

/**
 * Every fault of a run comes from here: the scenario's targeted faults, and a seeded profile
 * of network faults on top. In the calm phase the profile and the kill triggers go quiet, so
 * the world can show that it settles.
 */
export class Chaos implements FaultPlan, CommandFaults {
  private readonly left: number[];
  private readonly seen: number[];
  /** Ids of messages made poison: they stay poison on every redelivery. */
  private readonly poisoned = new Set<string>();
  private calm = false;

  constructor(private readonly options: ChaosOptions) {
    this.left = options.script.map((f) => (f.kind === 'kill' || f.kind === 'poison' ? 1 : (f.times ?? 1)));
    this.seen = options.script.map(() => 0);
    options.trace.on((e) => this.watch(e));
  }

  /** Turns every network fault and kill trigger off; a service's scripted refusals (fail-command, poison) remain, they are its behaviour. */
  enterCalm(): void {
    this.calm = true;
  }

  onPublish(): PublishFault {
    if (this.calm) return NONE;
    const { rng, profile } = this.options;
    if (rng.chance(profile.dropPublish)) return { kind: 'drop' };
    return NONE;
  }

  onDeliver(message: Message): DeliveryFault {
    if (this.calm) return NONE;
    const scripted = this.take(message.type, NETWORK_FAULTS);
    if (scripted) {
      switch (scripted.kind) {
        case 'duplicate-delivery':
          return { kind: 'duplicate', copies: scripted.copies ?? 1 };
        case 'drop-delivery':
          return { kind: 'drop' };
        case 'delay-delivery':
          return { kind: 'delay', ticks: scripted.ticks };
      }
    }
    const { rng, profile } = this.options;
    if (rng.chance(profile.dropDelivery)) return { kind: 'drop' };
    if (rng.chance(profile.delay)) return { kind: 'delay', ticks: rng.between(1, profile.maxDelayTicks) };
    if (rng.chance(profile.duplicate)) return { kind: 'duplicate', copies: rng.between(1, profile.maxCopies) };
    return NONE;
  }

  reorder(batchSize: number): readonly [number, number] | null {
    const { rng, profile } = this.options;
    if (this.calm || !rng.chance(profile.reorder)) return null;
    const i = rng.int(batchSize - 1);
    return [i, rng.between(i + 1, batchSize - 1)];
  }

  commandFault(service: QueueName, message: Message): 'fail' | 'throw' | null {
    if (this.poisoned.has(message.id)) return 'throw';
    const f = this.take(message.type, COMMAND_FAULTS);
    if (f?.kind !== 'fail-command' && f?.kind !== 'poison') return null;
    this.options.trace.emit({ kind: 'fault', tick: this.options.clock.now(), actor: 'chaos', type: message.type, msgId: message.id, detail: `${service}: ${describeFault(f)}` });
    if (f.kind === 'poison') {
      this.poisoned.add(message.id);
      return 'throw';
    }
    return f.mode;
  }

  /** The first scripted fault of one of `kinds` for messages of `type` that has uses left, used up by one. */
  private take(type: string, kinds: readonly ScriptedFault['kind'][]): ScriptedFault | null {
    const script = this.options.script;
    for (let i = 0; i < script.length; i++) {
      const f = script[i]!;
      if (f.kind === 'kill' || f.type !== type || this.left[i]! <= 0 || !kinds.includes(f.kind)) continue;
      this.left[i]!--;
      return f;
    }
    return null;
  }

  private watch(e: TraceEvent): void {
    if (this.calm || e.kind === 'fault') return;
    const script = this.options.script;
    for (let i = 0; i < script.length; i++) {
      const f = script[i]!;
      if (f.kind !== 'kill' || this.left[i]! <= 0) continue;
      const w = f.when;
      if (w.on !== e.kind || (w.type !== undefined && w.type !== e.type) || (w.actor !== undefined && w.actor !== e.actor)) continue;
      if (++this.seen[i]! < (w.nth ?? 1)) continue;
      this.left[i] = 0;
      this.options.kill(f.component, f.downTicks);
    }
  }
}

/** The profile named `name`, or null. */
export function findProfile(name: string): FaultProfile | null {
  return Object.hasOwn(FAULT_PROFILES, name) ? FAULT_PROFILES[name]! : null;
}

import type { DeliveryFault, FaultPlan, Message, PublishFault } from '../broker/index.js';
import { COMPONENTS, type ComponentName } from '../protocol/index.js';
import type { CommandFaults } from '../endpoint/index.js';
import type { Clock, Rng, Trace, TraceEvent } from '../kernel/index.js';
import { FAULT_PROFILES, type FaultProfile } from './fault-profile.js';
import { describeFault, type ScriptedFault } from './scripted-fault.js';

const NONE = { kind: 'none' } as const;
type Kind = ScriptedFault['kind'];
const DELIVERY_FAULTS: readonly Kind[] = ['duplicate-delivery', 'drop-delivery', 'delay-delivery'];
const PUBLISH_FAULTS: readonly Kind[] = ['drop-publish'];
const COMMAND_FAULTS: readonly Kind[] = ['fail-command', 'poison'];
const KILL_MOMENTS = new Set(['handle', 'ack', 'publish']);
const KILLABLE = new Set<string>(COMPONENTS);

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
 * on top. Every fault it injects, scripted or drawn from the profile, is also recorded as a
 * targeted fault (`nth` occurrence of a message type, or a kill trigger), so the fuzzer can
 * replay and shrink a run from its schedule alone. In the calm phase the network faults, the
 * kills and the profile go quiet, so the world can show that it settles.
 */
export class Chaos implements FaultPlan, CommandFaults {
  private readonly left: number[];
  private readonly seen: number[];
  /** How many decisions of each kind each message type (or trigger) has met so far. */
  private readonly counts = new Map<string, number>();
  /** Nothing to inject and nothing to record: a calm run skips the bookkeeping. */
  private readonly idle: boolean;
  private batches = 0;
  /** Ids of messages made poison: they stay poison on every redelivery. */
  private readonly poisoned = new Set<string>();
  private readonly injected: ScriptedFault[] = [];
  private calm = false;

  constructor(private readonly options: ChaosOptions) {
    this.left = options.script.map((f) => (f.kind === 'kill' || f.kind === 'poison' || f.kind === 'reorder' || 'nth' in f && f.nth !== undefined ? 1 : (f.times ?? 1)));
    this.seen = options.script.map(() => 0);
    const p = options.profile;
    this.idle = options.script.length === 0 && [p.dropPublish, p.dropDelivery, p.duplicate, p.delay, p.reorder, p.kill, p.failCommand, p.throwCommand].every((x) => x === 0);
    if (!this.idle) options.trace.on((e) => this.watch(e));
  }

  /** Turns network faults, kills and the profile off; a service's scripted refusals (fail-command, poison) remain, they are its behaviour. */
  enterCalm(): void {
    this.calm = true;
  }

  /** Every fault injected so far, in order, as targeted faults that replay it. */
  schedule(): readonly ScriptedFault[] {
    return this.injected;
  }

  onPublish(message: Message): PublishFault {
    if (this.calm || this.idle) return NONE;
    const nth = this.count(`publish:${message.type}`);
    const scripted = this.take(message.type, nth, PUBLISH_FAULTS);
    if (scripted || this.options.rng.chance(this.options.profile.dropPublish)) {
      this.injected.push({ kind: 'drop-publish', type: message.type, nth });
      return { kind: 'drop' };
    }
    return NONE;
  }

  onDeliver(message: Message): DeliveryFault {
    if (this.calm || this.idle) return NONE;
    const { type } = message;
    const nth = this.count(`deliver:${type}`);
    const f = this.take(type, nth, DELIVERY_FAULTS) ?? this.draw(type, nth);
    if (!f) return NONE;
    this.injected.push(f);
    switch (f.kind) {
      case 'duplicate-delivery':
        return { kind: 'duplicate', copies: f.copies ?? 1 };
      case 'drop-delivery':
        return { kind: 'drop' };
      case 'delay-delivery':
        return { kind: 'delay', ticks: f.ticks };
      default:
        return NONE;
    }
  }

  reorder(batchSize: number): readonly [number, number] | null {
    if (this.calm || this.idle) return null;
    const batch = ++this.batches;
    const scripted = this.options.script.find((f, i) => f.kind === 'reorder' && f.batch === batch && this.left[i]! > 0);
    let swap: readonly [number, number] | null = scripted?.kind === 'reorder' ? scripted.swap : null;
    const { rng, profile } = this.options;
    if (!swap && rng.chance(profile.reorder)) {
      const i = rng.int(batchSize - 1);
      swap = [i, rng.between(i + 1, batchSize - 1)];
    }
    if (!swap || swap[1] >= batchSize) return null;
    this.injected.push({ kind: 'reorder', batch, swap });
    return swap;
  }

  commandFault(service: ComponentName, message: Message): 'fail' | 'throw' | null {
    if (this.idle) return null;
    if (this.poisoned.has(message.id)) return 'throw';
    const nth = this.count(`command:${message.type}`);
    let f = this.take(message.type, nth, COMMAND_FAULTS);
    if (!f && !this.calm) {
      const { rng, profile } = this.options;
      if (rng.chance(profile.throwCommand)) f = { kind: 'fail-command', type: message.type, mode: 'throw', nth };
      else if (rng.chance(profile.failCommand)) f = { kind: 'fail-command', type: message.type, mode: 'fail', nth };
    }
    if (f?.kind !== 'fail-command' && f?.kind !== 'poison') return null;
    const recorded: ScriptedFault = f.kind === 'poison' ? f : { kind: 'fail-command', type: message.type, mode: f.mode, nth };
    this.injected.push(recorded);
    this.options.trace.emit({ kind: 'fault', tick: this.options.clock.now(), actor: 'chaos', type: message.type, msgId: message.id, detail: `${service}: ${describeFault(recorded)}` });
    if (f.kind === 'poison') {
      this.poisoned.add(message.id);
      return 'throw';
    }
    return f.mode;
  }

  /** A delivery fault drawn from the profile, recorded with where it struck. */
  private draw(type: string, nth: number): ScriptedFault | null {
    const { rng, profile } = this.options;
    if (rng.chance(profile.dropDelivery)) return { kind: 'drop-delivery', type, nth };
    if (rng.chance(profile.delay)) return { kind: 'delay-delivery', type, nth, ticks: rng.between(1, profile.maxDelayTicks) };
    if (rng.chance(profile.duplicate)) return { kind: 'duplicate-delivery', type, nth, copies: rng.between(1, profile.maxCopies) };
    return null;
  }

  private count(key: string): number {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }

  /** The scripted fault of one of `kinds` for the `nth` message of `type`, used up by one, if any. */
  private take(type: string, nth: number, kinds: readonly Kind[]): ScriptedFault | null {
    const script = this.options.script;
    for (let i = 0; i < script.length; i++) {
      const f = script[i]!;
      if (!kinds.includes(f.kind) || !('type' in f) || f.type !== type || this.left[i]! <= 0) continue;
      if ('nth' in f && f.nth !== undefined && f.nth !== nth) continue;
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
      this.injected.push(f);
      this.options.kill(f.component, f.downTicks);
    }
    const { rng, profile } = this.options;
    if (profile.kill > 0 && KILL_MOMENTS.has(e.kind) && KILLABLE.has(e.actor) && e.type !== undefined) {
      const nth = this.count(`${e.kind}:${e.actor}:${e.type}`);
      if (rng.chance(profile.kill)) {
        const f: ScriptedFault = { kind: 'kill', component: e.actor as ComponentName, when: { on: e.kind, type: e.type, actor: e.actor, nth }, downTicks: rng.between(1, profile.maxDownTicks) };
        this.injected.push(f);
        this.options.kill(f.component, f.downTicks);
      }
    }
  }
}

/** The profile named `name`, or null. */
export function findProfile(name: string): FaultProfile | null {
  return Object.hasOwn(FAULT_PROFILES, name) ? FAULT_PROFILES[name]! : null;
}

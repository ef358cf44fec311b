import type { DeliveryContext, DeliveryFault, FaultPlan, Message, PublishFault } from '../broker/index.js';
import type { CommandFaults } from '../endpoint/index.js';
import type { Clock, FaultFamily, Rng, Trace } from '../kernel/index.js';
import { COMPONENTS, type ComponentName } from '../protocol/index.js';
import { FAULT_PROFILES, type FaultProfile } from './fault-profile.js';
import { describeFault, type KillMoment, type ScriptedFault } from './scripted-fault.js';

const NONE = { kind: 'none' } as const;
type Kind = ScriptedFault['kind'];
const PUBLISH_FAULTS: readonly Kind[] = ['drop-publish'];
const COMMAND_FAULTS: readonly Kind[] = ['fail-command', 'poison'];
const KILLABLE = new Set<string>(COMPONENTS);
const NO_KILLS: readonly Kill[] = Object.freeze([]);

/** A moment at which a kill can land: right after a component committed a handled message, acked a delivery, or published a message. */
export interface Moment {
  readonly on: KillMoment;
  readonly actor: ComponentName;
  readonly type: string;
}

/** A kill the engine decided: the component dies at the next phase boundary and comes back `downTicks` later. */
export interface Kill {
  readonly component: ComponentName;
  readonly downTicks: number;
}

/** What the fault engine needs from the world. */
export interface FaultEngineOptions {
  readonly profile: FaultProfile;
  readonly script: readonly ScriptedFault[];
  /** One generator per fault family, so that one family's draws never shift another's. */
  readonly streams: Readonly<Record<FaultFamily, Rng>>;
  readonly clock: Clock;
  /** Where injected command faults are shown; the engine only writes to it, never listens. */
  readonly trace: Trace;
}

/**
 * The one place a fault is decided, for every family: a publish dropped, a delivery dropped,
 * delayed or duplicated, a batch reordered, a command refused or crashed, a component killed.
 * The broker, the endpoints and the crash model ask it and obey; nothing overrides it. So
 * every fault it records happened, and the record (`schedule`) is a list of targeted faults
 * that replays the run without any generator: the `nth` occurrence of a message type, or a
 * kill trigger.
 *
 * Faults come from the scenario's script, and from a seeded profile on top. Within what the
 * network promises: a copy is never duplicated again and a delivery is delayed at most once
 * (otherwise one fault would multiply, or a message could be held back forever). In the calm
 * phase the network faults, the kills and the profile go quiet; a service's scripted
 * refusals stay, they are its behaviour.
 */
export class FaultEngine implements FaultPlan, CommandFaults {
  private readonly left: number[];
  private readonly seen: number[];
  /** How many decisions of each kind each message type (or moment) has met so far. */
  private readonly counts = new Map<string, number>();
  /** Nothing to inject and nothing to record: a calm run skips the bookkeeping. */
  private readonly idle: boolean;
  private batches = 0;
  /** Ids of messages made poison: they stay poison on every redelivery. */
  private readonly poisoned = new Set<string>();
  private readonly injected: ScriptedFault[] = [];
  private calm = false;

  constructor(private readonly options: FaultEngineOptions) {
    this.left = options.script.map((f) =>
      f.kind === 'kill' || f.kind === 'poison' || f.kind === 'reorder' || ('nth' in f && f.nth !== undefined) ? 1 : (f.times ?? 1),
    );
    this.seen = options.script.map(() => 0);
    const p = options.profile;
    this.idle =
      options.script.length === 0 &&
      [p.dropPublish, p.dropDelivery, p.duplicate, p.delay, p.reorder, p.kill, p.failCommand, p.throwCommand].every((x) => x === 0);
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
    if (scripted || this.options.streams.publish.chance(this.options.profile.dropPublish)) {
      this.injected.push({ kind: 'drop-publish', type: message.type, nth });
      return { kind: 'drop' };
    }
    return NONE;
  }

  onDeliver(message: Message, _now: number, delivery: DeliveryContext): DeliveryFault {
    if (this.calm || this.idle) return NONE;
    const { type } = message;
    const nth = this.count(`deliver:${type}`);
    // What the network cannot do to this hand-over is never chosen, so it is never recorded.
    const kinds: Kind[] = ['drop-delivery'];
    if (!delivery.delayed) kinds.push('delay-delivery');
    if (!delivery.copy) kinds.push('duplicate-delivery');
    const f = this.take(type, nth, kinds) ?? this.draw(type, nth, delivery);
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
    const { profile } = this.options;
    const rng = this.options.streams.reorder;
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
      const { profile } = this.options;
      const rng = this.options.streams.command;
      if (rng.chance(profile.throwCommand)) f = { kind: 'fail-command', type: message.type, mode: 'throw', nth };
      else if (rng.chance(profile.failCommand)) f = { kind: 'fail-command', type: message.type, mode: 'fail', nth };
    }
    if (f?.kind !== 'fail-command' && f?.kind !== 'poison') return null;
    const recorded: ScriptedFault = f.kind === 'poison' ? f : { kind: 'fail-command', type: message.type, mode: f.mode, nth };
    this.injected.push(recorded);
    this.options.trace.emit({
      kind: 'fault',
      tick: this.options.clock.now(),
      actor: 'chaos',
      type: message.type,
      msgId: message.id,
      detail: `${service}: ${describeFault(recorded)}`,
    });
    if (f.kind === 'poison') {
      this.poisoned.add(message.id);
      return 'throw';
    }
    return f.mode;
  }

  /** The kills due at this moment: scripted triggers that fire here, and the profile's chance of a kill. */
  killsAt(moment: Moment): readonly Kill[] {
    if (this.calm || this.idle) return NO_KILLS;
    let kills: Kill[] | null = null;
    const script = this.options.script;
    for (let i = 0; i < script.length; i++) {
      const f = script[i]!;
      if (f.kind !== 'kill' || this.left[i]! <= 0) continue;
      const w = f.when;
      if (w.on !== moment.on || (w.type !== undefined && w.type !== moment.type) || (w.actor !== undefined && w.actor !== moment.actor))
        continue;
      if (++this.seen[i]! < (w.nth ?? 1)) continue;
      this.left[i] = 0;
      this.injected.push(f);
      (kills ??= []).push({ component: f.component, downTicks: f.downTicks });
    }
    const { profile } = this.options;
    if (profile.kill > 0 && KILLABLE.has(moment.actor)) {
      const nth = this.count(`${moment.on}:${moment.actor}:${moment.type}`);
      const rng = this.options.streams.kill;
      if (rng.chance(profile.kill)) {
        const f: ScriptedFault = {
          kind: 'kill',
          component: moment.actor,
          when: { ...moment, nth },
          downTicks: rng.between(1, profile.maxDownTicks),
        };
        this.injected.push(f);
        (kills ??= []).push({ component: f.component, downTicks: f.downTicks });
      }
    }
    return kills ?? NO_KILLS;
  }

  /** A delivery fault drawn from the profile, among those the network can do to this hand-over, recorded with where it struck. */
  private draw(type: string, nth: number, delivery: DeliveryContext): ScriptedFault | null {
    const { profile } = this.options;
    const rng = this.options.streams.deliver;
    if (rng.chance(profile.dropDelivery)) return { kind: 'drop-delivery', type, nth };
    if (rng.chance(profile.delay) && !delivery.delayed)
      return { kind: 'delay-delivery', type, nth, ticks: rng.between(1, profile.maxDelayTicks) };
    if (rng.chance(profile.duplicate) && !delivery.copy)
      return { kind: 'duplicate-delivery', type, nth, copies: rng.between(1, profile.maxCopies) };
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
}

/** The profile named `name`, or null. */
export function findProfile(name: string): FaultProfile | null {
  return Object.hasOwn(FAULT_PROFILES, name) ? FAULT_PROFILES[name]! : null;
}

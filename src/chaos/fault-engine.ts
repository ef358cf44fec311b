import type { DeliveryContext, DeliveryFault, FaultPlan, Message, PublishFault } from '../broker/index.js';
import type { CommandFault, CommandFaults } from '../endpoint/index.js';
import type { Clock, FaultFamily, Rng, Trace } from '../kernel/index.js';
import type { ComponentName } from '../protocol/index.js';
import { FAULT_PROFILES, type FaultProfile } from './fault-profile.js';
import { describeFault, type KillMoment, type ScriptedFault } from './scripted-fault.js';

const NONE = { kind: 'none' } as const;
type Kind = ScriptedFault['kind'];
const PUBLISH_FAULTS: readonly Kind[] = ['drop-publish'];
const COMMAND_FAULTS: readonly Kind[] = ['fail-command', 'poison'];
const NO_KILLS: readonly Kill[] = Object.freeze([]);

/** A moment at which a kill can land: right after a component committed a handled message, acked a delivery, or published a message. */
export interface Moment {
  readonly on: KillMoment;
  readonly actor: ComponentName;
  readonly type: string;
  /** The saga of the message concerned; none for a timer's work. */
  readonly saga?: string;
}

/** A kill the engine decided: the component dies at the next phase boundary and comes back `downTicks` later. */
export interface Kill {
  readonly component: ComponentName;
  readonly downTicks: number;
  /** It comes back without re-arming its timers (a start-up that forgets): only a reconciler finds what waited on them. */
  readonly forgetsTimers?: true;
  /** It comes back on this release of its code (a deploy). */
  readonly upgradesTo?: number;
}

/** A command fault as decided, waiting for the component to honour it before it is recorded. */
interface CommandDecision extends CommandFault {
  /** What the schedule records once it takes effect; null for a poisoned message's later deliveries (recorded once, the first time). */
  readonly recorded: ScriptedFault | null;
  /** The scripted fault it uses up, or -1. */
  readonly scriptIndex: number;
}

/** Where the fault engine stood between two ticks, as plain data: what the script has left, every count, and what it injected. */
export interface FaultEngineImage {
  readonly left: readonly number[];
  readonly seen: readonly number[];
  readonly counts: ReadonlyArray<readonly [string, number]>;
  readonly batches: number;
  readonly poisoned: readonly string[];
  readonly injected: readonly ScriptedFault[];
  readonly calm: boolean;
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
 * The broker, the endpoints and the crash model ask it and obey, and a fault is recorded only
 * once it takes effect: a refusal when the handler honours it (a command answered from its
 * business key feels none), a kill only for a component that is up. So every fault in the
 * record (`schedule`) happened, and the record is a list of targeted faults that replays the
 * run without any generator: the `nth` occurrence of a message type, or a kill trigger.
 *
 * Faults come from the scenario's script, and from a seeded profile on top. Within what the
 * network promises: a copy is never duplicated again and a delivery is delayed at most once
 * (otherwise one fault would multiply, or a message could be held back forever). In the calm
 * phase the network faults, the kills and the profile go quiet; a service's scripted
 * refusals stay, they are its behaviour.
 */
export class FaultEngine implements FaultPlan, CommandFaults {
  private left: number[];
  private seen: number[];
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
      f.kind === 'kill' || f.kind === 'poison' || f.kind === 'reorder' || f.kind === 'reverse-queue' || ('nth' in f && f.nth !== undefined)
        ? 1
        : (f.times ?? 1),
    );
    this.seen = options.script.map(() => 0);
    const p = options.profile;
    this.idle =
      options.script.length === 0 &&
      [
        p.dropPublish,
        p.dropDelivery,
        p.duplicate,
        p.delay,
        p.reorder,
        p.kill,
        p.reverseOnRestart,
        p.failCommand,
        p.throwCommand,
        p.forgetTimers,
      ].every((x) => x === 0);
  }

  /** Turns network faults, kills and the profile off; a service's scripted refusals (fail-command, poison) remain, they are its behaviour. */
  enterCalm(): void {
    this.calm = true;
  }

  /** Where the engine stands, to carry on from in a new process (`restore`). */
  image(): FaultEngineImage {
    return {
      left: [...this.left],
      seen: [...this.seen],
      counts: [...this.counts],
      batches: this.batches,
      poisoned: [...this.poisoned],
      injected: [...this.injected],
      calm: this.calm,
    };
  }

  /** Carries on where an engine with the same profile and script stopped. */
  restore(image: FaultEngineImage): void {
    if (image.left.length !== this.left.length) throw new Error('a fault engine can only be restored with the script it ran');
    this.left = [...image.left];
    this.seen = [...image.seen];
    this.counts.clear();
    for (const [key, n] of image.counts) this.counts.set(key, n);
    this.batches = image.batches;
    this.poisoned.clear();
    for (const id of image.poisoned) this.poisoned.add(id);
    this.injected.length = 0;
    this.injected.push(...image.injected);
    this.calm = image.calm;
  }

  /** Every fault injected so far, in order, as targeted faults that replay it. */
  schedule(): readonly ScriptedFault[] {
    return this.injected;
  }

  onPublish(message: Message): PublishFault {
    if (this.calm || this.idle) return NONE;
    const at = this.occurrence('publish', message);
    const scripted = this.use(this.find(message, at, PUBLISH_FAULTS));
    if (scripted || this.options.streams.publish.chance(this.options.profile.dropPublish)) {
      this.injected.push({ kind: 'drop-publish', type: message.type, saga: message.sagaId, nth: at.inSaga });
      return { kind: 'drop' };
    }
    return NONE;
  }

  onDeliver(message: Message, _now: number, delivery: DeliveryContext): DeliveryFault {
    if (this.calm || this.idle) return NONE;
    const at = this.occurrence('deliver', message);
    // What the network cannot do to this hand-over is never chosen, so it is never recorded.
    const kinds: Kind[] = ['drop-delivery'];
    if (!delivery.delayed) kinds.push('delay-delivery');
    if (!delivery.copy) kinds.push('duplicate-delivery');
    const scripted = this.use(this.find(message, at, kinds));
    // Recorded as it struck (this saga's nth), whatever the script said (`times`), so a replay strikes exactly here.
    const f = scripted ? struckAt(scripted, message.sagaId, at.inSaga) : this.draw(message, at.inSaga, delivery);
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

  /** Whether a component that has just restarted gets the messages waiting for it newest first. */
  reverseOnRestart(component: ComponentName): boolean {
    if (this.calm || this.idle) return false;
    const nth = this.count(`restart:${component}`);
    const i = this.options.script.findIndex(
      (f, j) => f.kind === 'reverse-queue' && f.queue === component && f.nth === nth && this.left[j]! > 0,
    );
    if (i < 0 && !this.options.streams.restart.chance(this.options.profile.reverseOnRestart)) return false;
    this.use(i);
    this.injected.push({ kind: 'reverse-queue', queue: component, nth });
    return true;
  }

  commandFault(_component: ComponentName, message: Message): CommandDecision | null {
    if (this.idle) return null;
    if (this.poisoned.has(message.id)) return { mode: 'throw', recorded: null, scriptIndex: -1 };
    const at = this.occurrence('command', message);
    const scriptIndex = this.find(message, at, COMMAND_FAULTS);
    const scripted = this.options.script[scriptIndex];
    if (scripted?.kind === 'poison') return { mode: 'throw', recorded: scripted, scriptIndex };
    if (scripted?.kind === 'fail-command') {
      const recorded: ScriptedFault = {
        kind: 'fail-command',
        type: message.type,
        saga: message.sagaId,
        mode: scripted.mode,
        nth: at.inSaga,
        ...(scripted.faultPhaseOnly ? { faultPhaseOnly: true } : {}),
      };
      return { mode: scripted.mode, recorded, scriptIndex };
    }
    if (this.calm) return null;
    const { profile } = this.options;
    const rng = this.options.streams.command;
    const mode = rng.chance(profile.throwCommand) ? 'throw' : rng.chance(profile.failCommand) ? 'fail' : null;
    // Drawn from the profile, so replayed only while faults are on: shrinking must not move it into the calm phase.
    if (!mode) return null;
    return {
      mode,
      recorded: { kind: 'fail-command', type: message.type, saga: message.sagaId, mode, nth: at.inSaga, faultPhaseOnly: true },
      scriptIndex: -1,
    };
  }

  applied(fault: CommandFault, component: ComponentName, message: Message): void {
    const { recorded, scriptIndex } = fault as CommandDecision;
    this.use(scriptIndex);
    if (!recorded) return;
    this.injected.push(recorded);
    if (recorded.kind === 'poison') this.poisoned.add(message.id);
    this.options.trace.emit({
      kind: 'fault',
      tick: this.options.clock.now(),
      actor: 'chaos',
      type: message.type,
      msgId: message.id,
      detail: `${component}: ${describeFault(recorded)}`,
    });
  }

  /**
   * The kills due at this moment: scripted triggers that fire here, and the profile's chance
   * of a kill. Only a component that `canKill` (up, and not already dying) is killed: a
   * trigger whose target is down waits for its next match, and nothing is recorded for it.
   */
  killsAt(moment: Moment, canKill: (component: ComponentName) => boolean, detail?: string): readonly Kill[] {
    if (this.calm || this.idle) return NO_KILLS;
    let kills: Kill[] | null = null;
    const killable = (c: ComponentName): boolean => canKill(c) && !kills?.some((k) => k.component === c);
    const script = this.options.script;
    for (let i = 0; i < script.length; i++) {
      const f = script[i]!;
      if (f.kind !== 'kill' || this.left[i]! <= 0) continue;
      const w = f.when;
      if (
        w.on !== moment.on ||
        (w.type !== undefined && w.type !== moment.type) ||
        (w.actor !== undefined && w.actor !== moment.actor) ||
        (w.saga !== undefined && w.saga !== moment.saga) ||
        (w.detail !== undefined && !detail?.startsWith(w.detail))
      )
        continue;
      if (++this.seen[i]! < (w.nth ?? 1) || !killable(f.component)) continue;
      this.left[i] = 0;
      this.injected.push(f);
      (kills ??= []).push(killOf(f));
    }
    const { profile } = this.options;
    if (profile.kill > 0) {
      // Every matching moment counts, killable or not, as the trigger it records counts them when replayed.
      const nth = this.count(`${moment.on}:${moment.actor}:${moment.type}:${moment.saga ?? ''}`);
      const rng = this.options.streams.kill;
      if (killable(moment.actor) && rng.chance(profile.kill)) {
        const f: ScriptedFault = {
          kind: 'kill',
          component: moment.actor,
          when: { ...moment, nth },
          downTicks: rng.between(1, profile.maxDownTicks),
          // Drawn only when the profile can forget, so a profile that cannot draws what it always drew.
          ...(profile.forgetTimers > 0 && rng.chance(profile.forgetTimers) ? { forgetsTimers: true as const } : {}),
        };
        this.injected.push(f);
        (kills ??= []).push(killOf(f));
      }
    }
    return kills ?? NO_KILLS;
  }

  /** A delivery fault drawn from the profile, among those the network can do to this hand-over, recorded with where it struck. */
  private draw(message: Message, nth: number, delivery: DeliveryContext): ScriptedFault | null {
    const { profile } = this.options;
    const rng = this.options.streams.deliver;
    const target = { type: message.type, saga: message.sagaId, nth };
    if (rng.chance(profile.dropDelivery)) return { kind: 'drop-delivery', ...target };
    if (rng.chance(profile.delay) && !delivery.delayed)
      return { kind: 'delay-delivery', ...target, ticks: rng.between(1, profile.maxDelayTicks) };
    if (rng.chance(profile.duplicate) && !delivery.copy)
      return { kind: 'duplicate-delivery', ...target, copies: rng.between(1, profile.maxCopies) };
    return null;
  }

  /** Which occurrence of its type this message is, in the run and within its saga, for one family of decisions. */
  private occurrence(family: string, message: Message): Occurrence {
    return { inRun: this.count(`${family}:${message.type}`), inSaga: this.count(`${family}:${message.type}:${message.sagaId}`) };
  }

  private count(key: string): number {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }

  /** The index of a scripted fault of one of `kinds` for this occurrence of `message` that has uses left, or -1. */
  private find(message: Message, at: Occurrence, kinds: readonly Kind[]): number {
    const script = this.options.script;
    for (let i = 0; i < script.length; i++) {
      const f = script[i]!;
      if (!kinds.includes(f.kind) || !('type' in f) || f.type !== message.type || this.left[i]! <= 0) continue;
      const saga = 'saga' in f ? f.saga : undefined;
      if (saga !== undefined && saga !== message.sagaId) continue;
      // Addressed to a saga, `nth` counts within it; otherwise within the run.
      if ('nth' in f && f.nth !== undefined && f.nth !== (saga !== undefined ? at.inSaga : at.inRun)) continue;
      if (this.calm && f.kind === 'fail-command' && f.faultPhaseOnly) continue;
      return i;
    }
    return -1;
  }

  /** Uses up one application of scripted fault `i` (none for -1) and returns it. */
  private use(i: number): ScriptedFault | null {
    if (i < 0) return null;
    this.left[i]!--;
    return this.options.script[i]!;
  }
}

/** A scripted fault as it struck the `nth` message of its type in `saga`: what a replay needs, without the script's `times`. */
function struckAt(f: ScriptedFault, saga: string, nth: number): ScriptedFault {
  if (!('type' in f) || f.kind === 'poison') return f;
  const { times, ...target } = f;
  return { ...target, saga, nth };
}

/** Which occurrence of its type a message is: in the whole run, and within its saga. */
interface Occurrence {
  readonly inRun: number;
  readonly inSaga: number;
}

/** The profile named `name`, or null. */
export function findProfile(name: string): FaultProfile | null {
  return Object.hasOwn(FAULT_PROFILES, name) ? FAULT_PROFILES[name]! : null;
}

/** The kill a scripted kill stands for. */
function killOf(f: Extract<ScriptedFault, { kind: 'kill' }>): Kill {
  return {
    component: f.component,
    downTicks: f.downTicks,
    ...(f.forgetsTimers ? { forgetsTimers: true as const } : {}),
    ...(f.upgradesTo ? { upgradesTo: f.upgradesTo } : {}),
  };
}

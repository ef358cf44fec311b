import type { Broker } from '../broker/index.js';
import type { Kill, Moment } from '../chaos/index.js';
import { plural, type Clock, type Scheduler, type Trace } from '../kernel/index.js';
import type { ComponentName } from '../protocol/index.js';
import type { ComponentHost } from './component-host.js';

/** The owner of restart timers: the crash model, not the component (its own crash must not cancel its restart). */
const RESTARTS = 'crash-model';

/** Whoever decides kills: the fault engine. */
export interface KillPlan {
  /** `detail`: what the work noted, for a moment inside a transaction (kept apart from the moment, which a trigger records as it is). */
  killsAt(moment: Moment, canKill: (component: ComponentName) => boolean, detail?: string): readonly Kill[];
  /** Whether a restarted component gets what waited for it newest first. */
  reverseOnRestart(component: ComponentName): boolean;
}

/**
 * The crash model: what a crash is, when it can land, and how a component comes back.
 *
 * - **A crash forgets** everything the component held in memory: its object with every
 *   cache (the orchestrator's running sagas), its relay position (which outbox rows the
 *   broker confirmed), the deliveries it handled but has not acked yet, and every timer it
 *   set. Its unacked deliveries go back to its queue at once.
 * - **A crash keeps** its database: a file is closed and reopened, an in-memory database
 *   (its own disk) keeps its handle. Nothing committed is lost; nothing uncommitted survives.
 * - **When**: the fault engine decides, asked at each moment a kill can land. Inside each
 *   local transaction (a handled message, or timer work), the endpoint asks just before the
 *   commit (the transaction rolls back) and just after it (the commit stands; nothing that
 *   follows it runs: no relay hand-off, no callback, no ack): those kills land on the spot.
 *   Between phases, the driver reports a handled message (committed with all that follows),
 *   an ack and a publish; those kills take effect at the next boundary between two phases of
 *   a tick (deliver, ack, publish, confirm): after a handling before the ack and the relay,
 *   after an ack before the relay publishes, after a publish before the confirmation.
 * - **Restart**: `downTicks` later, or when the calm phase begins (every component comes
 *   back). The component is rebuilt from its database alone: the orchestrator re-arms its
 *   timers from the persisted deadlines, the relay re-reads its unsent outbox rows.
 */
export class CrashModel {
  private pending: Kill[] = [];
  /** Every moment the driver reported, in order, when asked to keep them (the crash matrix enumerates its points from them). */
  readonly moments: Moment[] | null;

  constructor(
    private readonly hosts: ReadonlyMap<ComponentName, ComponentHost>,
    private readonly plan: KillPlan,
    private readonly kernel: { readonly clock: Clock; readonly scheduler: Scheduler; readonly trace: Trace },
    private readonly broker: Broker,
    keepMoments = false,
    /** The moments a stopped world had reported, when it carries on. */
    from?: readonly Moment[] | null,
  ) {
    this.moments = keepMoments ? [...(from ?? [])] : null;
    kernel.scheduler.serve(RESTARTS, (data) => this.restart(String(data.restart) as ComponentName, data.forgetsTimers === 1));
  }

  /** The driver reports a moment at which a kill can land; any kill the plan decides waits for the next phase boundary. */
  at(moment: Moment): void {
    this.moments?.push(moment);
    const kills = this.plan.killsAt(moment, this.canKill);
    for (const kill of kills) this.pending.push(kill);
  }

  /**
   * A moment inside a component's transaction. A kill of that component decided here lands on
   * the spot: the returned death is carried out by the endpoint once the transaction has
   * unwound. Kills of other components wait for the phase boundary, as usual.
   */
  readonly reached = (moment: Moment, detail?: string): (() => void) | null => {
    this.moments?.push(moment);
    let own: Kill | null = null;
    for (const kill of this.plan.killsAt(moment, this.canKill, detail)) {
      if (!own && kill.component === moment.actor) own = kill;
      else this.pending.push(kill);
    }
    if (!own) return null;
    const kill = own;
    return () => this.kill(kill, `died ${moment.on.replace('-', ' ')} of ${moment.type}`);
  };

  /** A component can be killed while it is up and no kill of it is already waiting for the phase boundary (one its style does not run, never). */
  private readonly canKill = (component: ComponentName): boolean =>
    (this.hosts.get(component)?.up ?? false) && !this.pending.some((k) => k.component === component);

  /** Kills decided and not yet carried out: none at a phase boundary, where a world can stop. */
  get killsPending(): number {
    return this.pending.length;
  }

  /** At a phase boundary: carries out the kills decided since the last one. */
  applyPending(): void {
    if (this.pending.length === 0) return;
    const kills = this.pending;
    this.pending = [];
    for (const kill of kills) this.kill(kill);
  }

  /** Kills a component now, if it is up, and schedules its restart `downTicks` later; `how` says where it died, when inside its work. */
  kill({ component, downTicks, forgetsTimers, upgradesTo }: Kill, how?: string): void {
    const host = this.hosts.get(component)!;
    if (!host.up) return;
    const { clock, scheduler, trace } = this.kernel;
    const now = clock.now();
    // The crash first in the timeline, then what it forgot: timers, and deliveries back to the queue.
    trace.emit({ kind: 'crash', tick: now, actor: component, detail: `${how ? `${how}, ` : ''}down for ${downTicks} ticks` });
    host.kill();
    scheduler.cancelOwner(component);
    this.broker.releaseQueue(component, now);
    // A deploy is in place from now on: the calm phase's restart of everything that is down runs it too.
    if (upgradesTo !== undefined) host.deploying = upgradesTo;
    scheduler.at(now + downTicks, RESTARTS, { restart: component, ...(forgetsTimers ? { forgetsTimers: 1 } : {}) });
  }

  /** Brings a crashed component back from its database, re-arming its timers unless it `forgetsTimers`; does nothing if it is up. */
  restart(component: ComponentName, forgetsTimers = false): void {
    const host = this.hosts.get(component)!;
    if (host.up) return;
    const { scheduler, trace } = this.kernel;
    const timersBefore = scheduler.size;
    const upgradesTo = host.deploying;
    host.start(undefined, forgetsTimers);
    // What it recovered from its database: the timers its start-up armed again, the outbox rows its relay will send.
    const timers = scheduler.size - timersBefore;
    const rows = host.instance.recoverOutbox();
    const recovered = [
      upgradesTo !== null ? `on release ${upgradesTo}` : '',
      forgetsTimers ? 'without its timers' : timers > 0 ? `${plural(timers, 'timer')} re-armed` : '',
      rows > 0 ? `${plural(rows, 'outbox row')} to relay` : '',
    ].filter((part) => part !== '');
    const now = this.kernel.clock.now();
    trace.emit({ kind: 'restart', tick: now, actor: component, ...(recovered.length ? { detail: recovered.join(', ') } : {}) });
    if (this.plan.reverseOnRestart(component)) {
      this.broker.reverseQueue(component, now);
      trace.emit({ kind: 'fault', tick: now, actor: 'broker', detail: `${component}'s queue comes back newest first` });
    }
  }

  /** Components that are down now, in component order. */
  down(): ComponentName[] {
    return [...this.hosts.values()].filter((h) => !h.up).map((h) => h.name);
  }
}

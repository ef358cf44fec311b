import { join } from 'node:path';
import { Broker, DEFAULT_BROKER_OPTIONS, type BrokerImage, type Message } from '../broker/index.js';
import { FaultEngine, type FaultEngineImage, type FaultProfile, type Moment, type ScriptedFault } from '../chaos/index.js';
import { choreographed, janitorComponent, PROJECTION } from '../choreography/index.js';
import {
  CLIENT_ID_PREFIX,
  ENTRY_QUEUE,
  PLACE_ORDER,
  sagaIdFor,
  STYLE_COMPONENTS,
  readsAtRelease,
  type ComponentName,
  type Compensator,
  type OrderPayload,
  type Style,
} from '../protocol/index.js';
import { ALL_DEFENCES, type Defences } from '../defences/index.js';
import {
  AfterCommitFailure,
  UnreadableMessage,
  ComponentDied,
  Endpoint,
  type ComponentDefinition,
  type EndpointContext,
  type EndpointImage,
} from '../endpoint/index.js';
import {
  randomStreams,
  Scheduler,
  Trace,
  VirtualClock,
  type FaultFamily,
  type Rng,
  type RngState,
  type SchedulerImage,
  type StreamsImage,
  type TraceImage,
} from '../kernel/index.js';
import { DEFAULT_APPROVAL, orchestratorComponent, PLACE_ORDER_SAGA, reconcilerComponent } from '../orchestrator/index.js';
import {
  fulfillmentService,
  INVENTORY_SERVICE,
  NOTIFICATION_SERVICE,
  notificationService,
  ORDER_SERVICE,
  paymentService,
  seedAccounts,
  seedCustomers,
  seedStock,
} from '../services/index.js';
import type { Database, StorageLocation } from '../store/index.js';
import { coordinatorComponent, participant } from '../two-phase/index.js';
import { ComponentHost } from './component-host.js';
import { ScriptedOperator } from './scripted-operator.js';
import { CrashModel } from './crash-model.js';
import { orderAmountCents, type OrderRequest, type Workload } from './workload.js';

/** How the trace names a publish of an outbox row a restart found unsent: the relay's work, not a retry (a retry is a new message). */
export const FROM_RESTART = 'from the outbox after a restart';

/** How the world coordinates the saga: the style, and in choreography who compensates. */
export interface Coordination {
  readonly style: Style;
  readonly compensator: Compensator;
}

const ORCHESTRATION: Coordination = Object.freeze({ style: 'orchestration', compensator: 'janitor' });

/**
 * What each component of the shop is: its tables and its handler, in the style `how` says.
 * The orchestrator asks a person to approve orders as `shop.approval` says; the warehouse
 * dispatches a parcel `shop.dispatchAfterTicks` after it was scheduled (never, unless told).
 */
export function componentDefinitions(
  shop: Pick<Workload, 'approval' | 'dispatchAfterTicks'> = {},
  release: (component: ComponentName) => number = () => 1,
  how: Coordination = ORCHESTRATION,
): Partial<Record<ComponentName, ComponentDefinition>> {
  const services = {
    order: ORDER_SERVICE,
    inventory: INVENTORY_SERVICE,
    payment: paymentService(release('payment')),
    fulfillment: fulfillmentService(shop.dispatchAfterTicks),
    notification: NOTIFICATION_SERVICE,
  };
  if (how.style === '2pc')
    // What a participant prepares it holds (funds, a slot) until the decision; after a commit nothing is undone, so a refused email is asked for again.
    return {
      coordinator: coordinatorComponent(),
      order: participant(ORDER_SERVICE),
      inventory: participant(INVENTORY_SERVICE),
      payment: participant(paymentService(release('payment'), true)),
      fulfillment: participant(fulfillmentService(shop.dispatchAfterTicks, true)),
      notification: participant(notificationService(false)),
    };
  if (how.style === 'choreography') {
    const c = how.compensator;
    // Every component hears events, so each reads them as its release does.
    const at = (name: ComponentName, def: ComponentDefinition): ComponentDefinition => ({ ...def, reads: readsAtRelease(release(name)) });
    return {
      ...Object.fromEntries(
        Object.entries(services).map(([name, service]) => [name, at(name as ComponentName, choreographed(service, c))]),
      ),
      projection: at('projection', PROJECTION),
      janitor: at('janitor', janitorComponent(c)),
    };
  }
  return {
    orchestrator: orchestratorComponent(PLACE_ORDER_SAGA, shop.approval ?? DEFAULT_APPROVAL, undefined, release('orchestrator')),
    ...services,
    reconciler: reconcilerComponent(),
  };
}

/** How a world is built. */
export interface WorldOptions {
  readonly seed: number;
  readonly storage: 'memory' | 'file';
  /** Where file storage keeps one database per component. */
  readonly dataDir: string;
  readonly workload: Workload;
  readonly profile: FaultProfile;
  readonly script: readonly ScriptedFault[];
  /** Keep every trace event in memory (for --trace); the digest is computed either way. */
  readonly keepTrace: boolean;
  /** Keep every moment a kill could have landed (the crash matrix plans its points from them). */
  readonly keepMoments?: boolean;
  /** Which defences are on (all, unless a user switched some off to see what breaks). */
  readonly defences?: Defences;
  /** How the saga is coordinated (orchestration, unless told). */
  readonly coordination?: Coordination;
}

/**
 * A world between two ticks, as plain data: with its databases, everything it needs to carry
 * on in a new process exactly as it would have in this one (same trace, same digest). What a
 * component holds in memory is here too: a stopped world is not a crashed one.
 */
export interface WorldImage {
  readonly tick: number;
  readonly duplicatesSkipped: number;
  readonly commits: number;
  readonly clientOutbox: readonly Message[];
  readonly nextArrival: number;
  /** Operators' messages sent so far (scripted or from `saga dlq`): their ids are numbered on from here. */
  readonly operatorMessages: number;
  /** How far the scripted operator is through its visits. */
  readonly operatorVisits: number;
  /** Each component's memory, or null for one that is down. */
  readonly components: Readonly<Partial<Record<ComponentName, EndpointImage | null>>>;
  readonly scheduler: SchedulerImage;
  readonly broker: BrokerImage;
  readonly faults: FaultEngineImage;
  readonly streams: StreamsImage;
  readonly trace: TraceImage;
  readonly moments: readonly Moment[] | null;
  /** The release each component runs, where a deploy changed it from the workload's. */
  readonly releases?: Partial<Record<ComponentName, number>>;
  /** Releases deployed to components that are down, run at their next start. */
  readonly deploying?: Partial<Record<ComponentName, number>>;
}

/**
 * The shop in one process: a broker, five services, an orchestrator and a reconciler, each on its own
 * database, a client that places the workload's orders, the fault engine that decides every
 * fault, and the crash model that carries out kills. The simulation drives it one phase at a
 * time; at each moment a kill can land, the world tells the crash model, which applies the
 * kills between two phases.
 */
export class World {
  readonly clock = new VirtualClock();
  readonly scheduler = new Scheduler();
  readonly trace: Trace;
  readonly broker: Broker;
  readonly faults: FaultEngine;
  readonly crashes: CrashModel;
  readonly hosts: ReadonlyMap<ComponentName, ComponentHost>;
  /** Messages skipped because their id or business key had been handled before. */
  duplicatesSkipped = 0;
  /** Local transactions committed by every component. */
  readonly stats = { commits: 0 };
  private readonly clientRng: Rng;
  /** Every generator the world draws from as it runs, to write down where each stands (`image`). */
  private readonly componentRngs: ReadonlyMap<ComponentName, Rng>;
  private readonly faultRngs: Readonly<Record<FaultFamily, Rng>>;
  /** Orders the client has placed but the broker has not yet confirmed. */
  private clientOutbox: Message[] = [];
  /**
   * The workload's orders by arrival tick (same tick: workload order), and the next one to
   * place. A cursor rather than a timer per order: 100,000 orders would otherwise sit in the
   * scheduler from the first tick. Placing them before any timer of their tick keeps the
   * order in which timers set at the start would have fired.
   */
  private readonly arrivals: readonly OrderRequest[];
  private nextArrival = 0;
  private readonly operator: ScriptedOperator;
  private operatorMessages = 0;
  /** The components this world runs, in the order it serves them (its style's). */
  readonly components: readonly ComponentName[];
  readonly coordination: Coordination;

  /** A new world, or, `from` an image and the databases it stopped with, the world that stopped. */
  constructor(
    readonly options: WorldOptions,
    from?: WorldImage,
  ) {
    const { seed } = options;
    this.coordination = options.coordination ?? ORCHESTRATION;
    const COMPONENTS = (this.components = STYLE_COMPONENTS[this.coordination.style]);
    const streams = randomStreams(seed, from?.streams);
    this.trace = new Trace({ keep: options.keepTrace }, from?.trace);
    this.faultRngs = streams.faults;
    this.faults = new FaultEngine({
      profile: options.profile,
      script: options.script,
      streams: streams.faults,
      clock: this.clock,
      trace: this.trace,
    });
    this.broker = new Broker(this.trace, this.faults, DEFAULT_BROKER_OPTIONS);
    this.clientRng = streams.client;
    this.componentRngs = new Map(COMPONENTS.map((name) => [name, streams.component(name)]));
    const context = (name: ComponentName): EndpointContext => ({
      clock: this.clock,
      rng: this.componentRngs.get(name)!,
      trace: this.trace,
      faults: this.faults,
      defences: options.defences ?? ALL_DEFENCES,
      scheduler: this.scheduler,
      stats: this.stats,
      crashes: {
        reached: (on, actor, type, saga, detail) => this.crashes.reached({ on, actor, type, ...(saga ? { saga } : {}) }, detail),
      },
      ...(options.workload.dedupeWindowTicks !== undefined ? { dedupeWindowTicks: options.workload.dedupeWindowTicks } : {}),
    });
    const contexts = new Map(COMPONENTS.map((name) => [name, context(name)]));
    const ctx = (name: ComponentName): EndpointContext => contexts.get(name)!;
    // Each component's code at each release it runs (a deploy restarts it on another).
    const definitions = new Map<number, Partial<Record<ComponentName, ComponentDefinition>>>();
    const definitionOf = (name: ComponentName, release: number): ComponentDefinition => {
      if (!definitions.has(release))
        definitions.set(
          release,
          componentDefinitions(options.workload, () => release, this.coordination),
        );
      return definitions.get(release)![name]!;
    };
    // A start-up that forgets its timers is one that skips its recovery.
    const forgetful = new Map(COMPONENTS.map((name) => [name, { ...ctx(name), defences: { ...ctx(name).defences, recovery: false } }]));
    const build = (name: ComponentName) => (db: Database, release: number, memory?: EndpointImage, forgetsTimers?: boolean) =>
      new Endpoint(definitionOf(name, release), db, forgetsTimers ? forgetful.get(name)! : ctx(name), memory);
    const releases = from?.releases ?? options.workload.releases ?? {};
    this.hosts = new Map(
      COMPONENTS.map((name) => [
        name,
        new ComponentHost(name, this.location(name), build(name), releases[name] ?? 1, from?.deploying?.[name] ?? null),
      ]),
    );
    this.crashes = new CrashModel(this.hosts, this.faults, this, this.broker, options.keepMoments ?? false, from?.moments);
    // Orders already in arrival order are read where they are: the bench's hundred thousand are worked out as they are read, and a copy would hold them all.
    const { orders } = options.workload;
    this.arrivals = orders.every((o, i) => i === 0 || orders[i - 1]!.atTick <= o.atTick)
      ? orders
      : [...orders].sort((a, b) => a.atTick - b.atTick);
    // A person acts on the orchestrator's dead letters and approvals: a world without an orchestrator has neither.
    const visits = this.hosts.has('orchestrator') ? (options.workload.operator ?? []) : [];
    this.operator = new ScriptedOperator([...visits].sort((a, b) => a.atTick - b.atTick));
    if (from) {
      this.operatorMessages = from.operatorMessages;
      this.operator.position = from.operatorVisits;
      this.faults.restore(from.faults);
      this.broker.restore(from.broker);
      this.clock.advanceTo(from.tick);
      for (const host of this.hosts.values()) {
        const memory = from.components[host.name];
        if (memory) host.start(memory);
      }
      // After the components started: what they set as they started (the orchestrator's deadlines) is replaced by what was set.
      this.scheduler.restore(from.scheduler);
      this.duplicatesSkipped = from.duplicatesSkipped;
      this.stats.commits = from.commits;
      this.clientOutbox = [...from.clientOutbox];
      this.nextArrival = from.nextArrival;
      return;
    }
    for (const host of this.hosts.values()) host.start();
    seedStock(this.host('inventory').database(), options.workload.stock);
    seedAccounts(this.host('payment').database(), options.workload.customers);
    seedCustomers(this.host('order').database(), options.workload.customers);
  }

  /** The world as it stands between two ticks (see WorldImage); its databases hold the rest. */
  image(): WorldImage {
    if (this.crashes.killsPending > 0) throw new Error('a world can only be imaged between two phases, with no kill pending');
    const state = (rng: Rng): RngState => rng.state();
    return {
      tick: this.clock.now(),
      duplicatesSkipped: this.duplicatesSkipped,
      commits: this.stats.commits,
      clientOutbox: [...this.clientOutbox],
      nextArrival: this.nextArrival,
      operatorMessages: this.operatorMessages,
      operatorVisits: this.operator.position,
      components: Object.fromEntries(
        this.components.map((name) => [name, this.host(name).up ? this.host(name).instance.image() : null]),
      ) as Partial<Record<ComponentName, EndpointImage | null>>,
      scheduler: this.scheduler.image(),
      broker: this.broker.image(),
      faults: this.faults.image(),
      streams: {
        client: state(this.clientRng),
        components: Object.fromEntries([...this.componentRngs].map(([name, rng]) => [name, state(rng)])),
        faults: Object.fromEntries(Object.entries(this.faultRngs).map(([f, rng]) => [f, state(rng)])) as Record<FaultFamily, RngState>,
      },
      trace: this.trace.image(),
      moments: this.crashes.moments && [...this.crashes.moments],
      releases: Object.fromEntries(this.components.map((name) => [name, this.host(name).release])),
      deploying: Object.fromEntries(
        this.components.flatMap((name) => {
          const release = this.host(name).deploying;
          return release === null ? [] : [[name, release]];
        }),
      ),
    };
  }

  host(name: ComponentName): ComponentHost {
    return this.hosts.get(name)!;
  }

  /** Phase 1: orders due arrive, due timers fire, unacked deliveries whose visibility timeout passed go back to their queue. */
  fireTimers(): void {
    const now = this.clock.now();
    this.operatorVisits(now);
    this.placeDueOrders(now);
    this.scheduler.fireDue(now);
    this.broker.expireUnacked(now);
  }

  /** Phase 2: every ready message goes to its consumer, which handles it in one local transaction. */
  deliver(): void {
    const now = this.clock.now();
    for (const delivery of this.broker.takeReady(now, this.isUp)) {
      const host = this.host(delivery.message.queue);
      // It died earlier in this batch: the crash gave its deliveries back to the queue.
      if (!host.up) continue;
      const { message } = delivery;
      try {
        if (host.instance.handle(message) === 'duplicate') this.duplicatesSkipped++;
        else this.crashes.at({ on: 'handle', actor: host.name, type: host.instance.handledAs(message.type), saga: message.sagaId });
        host.acks.push(delivery.token);
      } catch (error) {
        // Work after a commit that failed is a bug in the lab, not a handler crash to absorb.
        if (error instanceof AfterCommitFailure) throw error;
        // A schema version the consumer does not read: parked at once, with the reason, instead of crashing the consumer.
        if (error instanceof UnreadableMessage) {
          this.broker.refuse(delivery.token, now, error.message);
          continue;
        }
        // It died while handling: the crash model has carried out the death; no ack.
        if (error instanceof ComponentDied) continue;
        // The transaction rolled back; without an ack the message comes back after the visibility timeout.
        const why = error instanceof Error ? error.message : String(error);
        this.trace.emit({
          kind: 'reject',
          tick: now,
          actor: host.name,
          type: message.type,
          msgId: message.id,
          sagaId: message.sagaId,
          detail: why,
        });
      }
    }
  }

  /** Phase 3: consumers acknowledge what they handled. */
  ack(): void {
    const now = this.clock.now();
    for (const host of this.hosts.values()) {
      for (const token of host.acks) {
        const acked = this.broker.ack(token, now);
        if (acked) this.crashes.at({ on: 'ack', actor: host.name, type: host.instance.handledAs(acked.type), saga: acked.sagaId });
      }
      host.acks = [];
    }
  }

  /** Phase 4: outbox relays (and the client) publish; unconfirmed publishes are retried next tick. */
  relayPublish(): void {
    const now = this.clock.now();
    const unconfirmed = this.clientOutbox.filter((m) => !this.broker.publish(m, now, 'client'));
    this.clientOutbox = unconfirmed;
    for (const host of this.hosts.values()) {
      if (!host.up) continue;
      host.instance.relayPublish((m, fromRestart) => {
        const published = this.broker.publish(m, now, host.name, fromRestart ? FROM_RESTART : undefined);
        if (published) this.crashes.at({ on: 'publish', actor: host.name, type: m.type, saga: m.sagaId });
        return published;
      });
    }
  }

  /** Phase 5: relays delete what the broker confirmed. */
  relayConfirm(): void {
    for (const host of this.hosts.values()) if (host.up) host.instance.relayConfirm();
  }

  /** The earliest tick with anything to do, or Infinity when the world is idle. */
  nextEventTick(): number {
    const now = this.clock.now();
    let next = Math.min(
      this.scheduler.nextDueTick(),
      this.broker.nextEventTick(this.isUp),
      this.arrivals[this.nextArrival]?.atTick ?? Infinity,
      this.operator.nextTick,
    );
    if (this.clientOutbox.length > 0) next = Math.min(next, now + 1);
    for (const host of this.hosts.values()) if (host.up && host.instance.relayPending) next = Math.min(next, now + 1);
    return next;
  }

  /** Orders whose tick has not come yet. */
  /** Orders the client has placed so far (taken from the workload into its outbox). */
  get ordersPlaced(): number {
    return this.nextArrival;
  }

  get ordersNotPlaced(): number {
    return this.arrivals.length - this.nextArrival;
  }

  close(): void {
    for (const host of this.hosts.values()) host.close();
  }

  private readonly isUp = (queue: ComponentName): boolean => this.hosts.get(queue)?.up ?? false;

  private location(name: ComponentName): StorageLocation {
    return this.options.storage === 'memory' ? { kind: 'memory' } : { kind: 'file', path: join(this.options.dataDir, `${name}.db`) };
  }

  /** The scripted operator's visits due now: each open dead letter or parked order it acts on gets its message in the orchestrator's queue, and the trace says who did what. */
  private operatorVisits(now: number): void {
    if (this.operator.nextTick > now) return;
    for (const { message, detail } of this.operator.visit(now, this.host('orchestrator').database(), this.operatorMessages + 1)) {
      this.operatorMessages++;
      this.broker.enqueueFromOperator(message, now);
      this.trace.emit({
        kind: 'operator',
        tick: now,
        actor: 'operator',
        type: message.type,
        msgId: message.id,
        sagaId: message.sagaId,
        detail,
      });
    }
  }

  /** The client places each order at its tick, straight onto the broker, retrying until the broker takes it. */
  private placeDueOrders(now: number): void {
    const { workload } = this.options;
    for (let order = this.arrivals[this.nextArrival]; order && order.atTick <= now; order = this.arrivals[++this.nextArrival]) {
      const payload: OrderPayload = {
        orderId: order.orderId,
        customer: order.customer,
        sku: order.sku,
        qty: order.qty,
        amountCents: orderAmountCents(workload, order),
      };
      this.clientOutbox.push({
        id: this.clientRng.id(CLIENT_ID_PREFIX),
        queue: ENTRY_QUEUE[this.coordination.style],
        type: PLACE_ORDER,
        sagaId: sagaIdFor(order.orderId),
        body: JSON.stringify(payload),
      });
    }
  }
}

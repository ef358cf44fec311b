import { COMPONENTS, type ComponentName } from '../protocol/index.js';
import type { SagaStatus } from '../orchestrator/index.js';
import type { SimulationImage } from '../world/index.js';
import type { SagaSummary } from './saga-view.js';

/** Where a stopped world stands, as `saga run --stop-at` and `saga resume` report it. */
export interface StoppedWorld {
  readonly tick: number;
  /** How many sagas are in each status (only the statuses some saga is in). */
  readonly sagas: Readonly<Partial<Record<SagaStatus, number>>>;
  /** Messages waiting in the broker's queues (delayed ones included), and those handed over and not yet acked. */
  readonly queued: number;
  readonly unacked: number;
  /** Messages the broker gave up on. */
  readonly deadLetters: number;
  /** Messages committed to an outbox and not yet published. */
  readonly unsent: number;
  /** Components down, and the tick each comes back. */
  readonly down: ReadonlyArray<{ readonly component: ComponentName; readonly backAtTick: number | null }>;
  /** Timers components have set (deadlines, backoffs). */
  readonly timers: number;
}

/** Reads where a stopped world stands from its image, and its sagas from its databases. */
export function describeStoppedWorld(image: SimulationImage, sagas: readonly SagaSummary[]): StoppedWorld {
  const { world } = image;
  const counts: Partial<Record<SagaStatus, number>> = {};
  for (const s of sagas) counts[s.status] = (counts[s.status] ?? 0) + 1;
  const restarts = new Map(world.scheduler.timers.filter((t) => 'restart' in t.data).map((t) => [String(t.data.restart), t.dueTick]));
  return {
    tick: world.tick,
    sagas: counts,
    queued: world.broker.ready.length,
    unacked: world.broker.inFlight.length,
    deadLetters: world.broker.dead.length,
    unsent: COMPONENTS.reduce((n, name) => n + (world.components[name]?.unsent?.length ?? 0), 0),
    down: COMPONENTS.filter((name) => world.components[name] === null).map((component) => ({
      component,
      backAtTick: restarts.get(component) ?? null,
    })),
    timers: world.scheduler.timers.length - restarts.size,
  };
}

import { COMPONENTS, type ComponentName } from '../protocol/index.js';
import type { SagaStatus } from '../orchestrator/index.js';
import type { SimulationImage } from '../world/index.js';
import { listDeadLetters } from './dead-letters.js';
import type { OpenRun } from './open-run.js';
import { listSagas } from './saga-view.js';

/** Where a stopped world stands, as `saga run --stop-at` and `saga resume` report it. */
export interface StoppedWorld {
  readonly tick: number;
  /** How many sagas are in each status (only the statuses some saga is in). */
  readonly sagas: Readonly<Partial<Record<SagaStatus, number>>>;
  /** Messages waiting in the broker's queues (delayed ones included), and those handed over and not yet acked. */
  readonly queued: number;
  readonly unacked: number;
  /** Dead letters waiting for a person: the broker's and the orchestrator's (see `saga dlq`). */
  readonly deadLetters: number;
  /** Orders parked until a person approves or rejects them (see `saga approve`, `saga reject`). */
  readonly awaitingApproval: readonly string[];
  /** Rows in the components' outboxes: messages committed and not yet confirmed by the broker. */
  readonly unsent: number;
  /** Components down, and the tick each comes back. */
  readonly down: ReadonlyArray<{ readonly component: ComponentName; readonly backAtTick: number | null }>;
  /** Timers components have set (deadlines, backoffs). */
  readonly timers: number;
}

/** Reads where a stopped world stands: its queues and timers from its image, its sagas, dead letters and outboxes from its databases. */
export function describeStoppedWorld(run: Pick<OpenRun, 'dbs'>, image: SimulationImage): StoppedWorld {
  const sagas = listSagas(run);
  const { world } = image;
  const counts: Partial<Record<SagaStatus, number>> = {};
  for (const s of sagas) counts[s.status] = (counts[s.status] ?? 0) + 1;
  const restarts = new Map(world.scheduler.timers.filter((t) => 'restart' in t.data).map((t) => [String(t.data.restart), t.dueTick]));
  return {
    tick: world.tick,
    sagas: counts,
    queued: world.broker.ready.length,
    unacked: world.broker.inFlight.length,
    deadLetters: listDeadLetters(run, image).filter((l) => l.state === 'open').length,
    awaitingApproval: sagas.filter((s) => s.status === 'AWAITING_APPROVAL').map((s) => s.orderId),
    unsent: Object.values(run.dbs).reduce((n, db) => n + (db.prepare('select count(*) as n from outbox').get() as { n: number }).n, 0),
    down: COMPONENTS.filter((name) => world.components[name] === null).map((component) => ({
      component,
      backAtTick: restarts.get(component) ?? null,
    })),
    timers: world.scheduler.timers.length - restarts.size,
  };
}

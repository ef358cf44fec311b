import { enqueueInImage, type Message } from '../broker/index.js';
import { digestOf, type TraceEvent } from '../kernel/index.js';
import { finishRunDir, writeWorldFile } from '../scenario/index.js';
import type { SimulationImage } from '../world/index.js';
import type { OpenRun } from './open-run.js';

/** A stopped world with an operator's message waiting in the orchestrator's queue, handled from the next tick; the message is numbered on from the world's count. */
export function withOperatorMessage(world: SimulationImage, make: (n: number) => Message): { world: SimulationImage; message: Message } {
  const n = world.world.operatorMessages + 1;
  const message = make(n);
  const broker = enqueueInImage(world.world.broker, message, world.world.tick);
  return { world: { ...world, world: { ...world.world, broker, operatorMessages: n } }, message };
}

/**
 * Writes down what a person did to a stopped world: the act in its trace, at the tick it stopped (the digest follows),
 * one more intervention (its scenario's own expectations no longer describe the run), and the
 * run marked resumable, since the world has work again that `saga resume` carries out.
 */
export function recordIntervention(
  run: OpenRun,
  world: SimulationImage,
  act: Required<Pick<TraceEvent, 'type' | 'msgId' | 'sagaId' | 'detail'>>,
  build: string,
): void {
  const event: TraceEvent = { kind: 'operator', tick: world.world.tick, actor: 'operator', ...act };
  const events = [...world.world.trace.events, event];
  const acted: SimulationImage = {
    ...world,
    world: { ...world.world, trace: { ...world.world.trace, events, digest: digestOf(events) } },
    interventions: (world.interventions ?? 0) + 1,
  };
  writeWorldFile(run.dir, acted, build);
  finishRunDir(run.dir, { recipe: run.info.recipe, build: run.info.build, status: 'stopped', resumable: true });
}

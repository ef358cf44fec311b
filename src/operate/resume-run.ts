import { findProfile } from '../chaos/index.js';
import { withDisabled } from '../defences/index.js';
import { readWorldFile, type RunRequest, type Scenario } from '../scenario/index.js';
import type { SimulationImage } from '../world/index.js';
import { BadRunError, openRun } from './open-run.js';

/** A stopped run, checked and ready to carry on: the request that continues it, and where it stopped. */
export interface ResumableRun {
  readonly request: RunRequest & { readonly resume: { readonly dir: string; readonly image: SimulationImage } };
  readonly tick: number;
}

/**
 * Checks that `dir` holds a stopped run this build can carry on, and builds the request that
 * does: the run's recipe (scenario, seed, overrides, profile, defences) and its stopped
 * world. Throws a BadRunError, with nothing on disk changed, for a directory that is not a
 * run, is held by a live process, has a missing, locked or foreign database, has finished,
 * died without stopping cleanly, or was stopped by another build.
 */
export function prepareResume(dir: string, build: string, findScenario: (name: string) => Scenario | undefined): ResumableRun {
  const run = openRun(dir);
  run.close();
  const { info } = run;
  if (info.status === 'finished')
    throw new BadRunError(`${dir} has finished: there is nothing to resume; 'saga sagas ${dir}' shows how it ended.`);
  if (info.recipe.command !== 'run')
    throw new BadRunError(`${dir} holds a '${info.recipe.command}' run; only a run of one scenario can be resumed.`);
  if (info.status === 'running')
    throw new BadRunError(`${dir} was never stopped cleanly (its process died while it ran), so it cannot be resumed; start a new run.`);
  const world = readWorldFile(dir, build);
  if ('problem' in world) throw new BadRunError(world.problem);
  const { recipe } = info;
  const scenario = findScenario(recipe.scenario);
  if (!scenario) throw new BadRunError(`${dir} ran scenario '${recipe.scenario}', which this build does not have.`);
  const profile = recipe.faults === undefined ? undefined : findProfile(recipe.faults);
  if (profile === null) throw new BadRunError(`${dir} ran with fault profile '${recipe.faults}', which this build does not have.`);
  return {
    request: {
      scenario,
      seed: recipe.seed,
      storage: 'file',
      overrides: {
        ...(recipe.orders !== undefined ? { orders: recipe.orders } : {}),
        ...(recipe.stock !== undefined ? { stock: recipe.stock } : {}),
      },
      ...(profile ? { profile } : {}),
      defences: withDisabled(recipe.disabled),
      resume: { dir, image: world.image },
    },
    tick: world.tick,
  };
}

import { Worker } from 'node:worker_threads';
import { nextTurn } from '../kernel/index.js';
import type { DefenceName } from '../defences/index.js';
import type { Coordination } from '../world/index.js';
import { runSeed, type SeedOutcome } from './sweep.js';

const CHUNK = 16;

/** The message a worker gets and the one it sends back. */
export interface WorkerJob {
  readonly seeds: readonly number[];
  readonly disabled: readonly DefenceName[];
  readonly coordination?: Coordination;
}

/**
 * Runs seeds on `workers` worker threads (in this thread when 1), handing out small chunks
 * as workers free up, until `shouldStop` says so (what is running finishes; nothing new starts). Each seed's outcome depends on the seed alone, so the results are the
 * same whatever the worker count; the caller orders them by seed.
 */
export async function runSeeds(
  seeds: readonly number[],
  { disabled, coordination }: Omit<WorkerJob, 'seeds'>,
  workers: number,
  onDone: (outcome: SeedOutcome) => void,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  if (workers <= 1 || seeds.length <= CHUNK) {
    for (const seed of seeds) {
      if (shouldStop()) return;
      onDone(runSeed(seed, disabled, coordination));
      // A turn for the event loop between seeds, so a Ctrl-C is heard.
      await nextTurn();
    }
    return;
  }
  const chunks: number[][] = [];
  for (let i = 0; i < seeds.length; i += CHUNK) chunks.push(seeds.slice(i, i + CHUNK));
  const entry = workerEntry();
  await Promise.all(
    Array.from(
      { length: Math.min(workers, chunks.length) },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = new Worker(entry.code, { eval: entry.eval });
          const next = (): void => {
            const chunk = shouldStop() ? undefined : chunks.shift();
            if (!chunk) {
              void worker.terminate().then(() => resolve());
              return;
            }
            worker.postMessage({ seeds: chunk, disabled, ...(coordination ? { coordination } : {}) } satisfies WorkerJob);
          };
          worker.on('message', (outcomes: SeedOutcome[]) => {
            outcomes.forEach(onDone);
            next();
          });
          worker.on('error', reject);
          next();
        }),
    ),
  );
}

/**
 * The worker's file next to this one: compiled JavaScript after `npm install`, or, when run
 * from source, the TypeScript file loaded through tsx's loader (worker threads cannot load
 * `.ts` by themselves).
 */
function workerEntry(): { code: string | URL; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { code: new URL('./fuzz-worker.js', here), eval: false };
  const url = new URL('./fuzz-worker.ts', here).href;
  return { code: `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); });`, eval: true };
}

import { parentPort } from 'node:worker_threads';
import { runSeed } from './sweep.js';
import type { WorkerJob } from './worker-pool.js';

// A fuzz worker: runs the seeds it is sent and sends back their outcomes.
parentPort?.on('message', (job: WorkerJob) => {
  parentPort!.postMessage(job.seeds.map((seed) => runSeed(seed, job.disabled, job.coordination)));
});

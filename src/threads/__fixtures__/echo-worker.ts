/** A worker module for module-worker.test.ts: TypeScript syntax and an import of ours, run from source. */
import { parentPort, workerData } from 'node:worker_threads';
import { parseDuration } from '../../config/index.js';

const { n } = workerData as { n: number };
// `${n}ms` parsed by our own module: 2n ms back for n, so the answer proves the import ran.
const doubled: number = parseDuration(`${n}ms`)! * 2;
parentPort!.postMessage(['source', n, doubled]);

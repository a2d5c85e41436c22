/** A worker module for module-worker.test.ts: TypeScript syntax and an import of ours, run from source. */
import { parentPort, workerData } from 'node:worker_threads';
import { planRanges } from '../../audit/log/verify-range.js';

const { n } = workerData as { n: number };
const ranges: number = planRanges({ tenantId: 't', fromSeq: 1, toSeq: n * 10, rangeRecords: 5, anchors: [] });
parentPort!.postMessage(['source', n, ranges]);

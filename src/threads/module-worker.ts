/**
 * Starts a worker thread on one of our own modules, in a build (`dist/…/x.js`, plain ESM) and in a
 * source checkout (`src/…/x.ts`, run by tsx like the rest of the process). In a checkout the worker
 * loads tsx's CommonJS hook and requires the module: ~0.2 s to start on a 2-core machine, against
 * ~0.3 s through tsx's ESM hooks (a loader thread per worker) and ~0.05 s for a built module. A module
 * meant for this keeps its imports small and free of top-level await and `import.meta`.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const SOURCE_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
require(workerData.__tsxCjsApi).register();
require(workerData.__entry);
`;

/**
 * @param sibling the worker module's name beside `from`, without extension (`'./verify-worker'`)
 * @param from the calling module's `import.meta.url`
 * @example
 * const worker = startModuleWorker('./verify-worker', import.meta.url, { workerData: { path } });
 */
export function startModuleWorker(
  sibling: string,
  from: string,
  options: Omit<WorkerOptions, 'eval'> = {},
): Worker {
  if (!from.endsWith('.ts')) return new Worker(new URL(`${sibling}.js`, from), options);
  const require = createRequire(from);
  return new Worker(SOURCE_BOOTSTRAP, {
    ...options,
    eval: true,
    workerData: {
      ...(options.workerData as object | undefined),
      __tsxCjsApi: require.resolve('tsx/cjs/api'),
      __entry: fileURLToPath(new URL(`${sibling}.ts`, from)),
    },
  });
}

/** Worker threads running our own modules, from a build or from source. */
export { startModuleWorker } from './module-worker.js';

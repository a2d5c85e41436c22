/** Loading packages on first use. */
export { lazyRequire } from './lazy-require.js';

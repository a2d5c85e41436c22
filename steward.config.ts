/**
 * The config `steward` finds by default in this checkout (`npm start`, `steward trust show`, …): the
 * example agent of examples/steward.config.ts. Point elsewhere with --config or STEWARD_CONFIG.
 */
export { default } from './examples/steward.config.js';

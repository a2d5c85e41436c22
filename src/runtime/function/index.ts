/** The in-process function runtime. */
export { FunctionRuntime, type FunctionRuntimeOptions, type RuntimeFunction } from './function-runtime.js';

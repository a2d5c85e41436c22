/** The QuickJS sandbox learned handlers run in: plain data in, a checked reply or a typed error out. */
export { HandlerCompileError } from './compile-error.js';
export { defaultSandboxLimits, resolveSandboxLimits } from './limits.js';
export { createHandlerSandbox } from './sandbox.js';
export type {
  CompiledHandler,
  HandlerContext,
  HandlerErrorCode,
  HandlerOutcome,
  HandlerRequest,
  HandlerSandbox,
  SandboxLimits,
} from './types.js';

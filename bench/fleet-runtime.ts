/** The fleet benchmark's model: in-process and instant, so the figures are the host's own cost. */
import { ConcurrencyLimiter, FunctionRuntime } from '../src/runtime/index.js';

/** An instant model: echoes the prompt (distinct answers, so no pattern forms over them). */
export function instantRuntime(): FunctionRuntime {
  return new FunctionRuntime(async (request) => `echo: ${request.prompt}`, {
    simulatedModel: true,
    limiter: new ConcurrencyLimiter({ limit: 16 }),
  });
}

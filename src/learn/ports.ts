/**
 * Interim stand-ins for the handler sandbox (`./sandbox/`) and the canary statistics (`./canary-stats.ts`)
 * that the h/sandbox branch builds, with the same signatures. Learn imports them only from here; on merge
 * this file becomes two re-export lines.
 */
import { getQuickJS, shouldInterruptAfterDeadline } from 'quickjs-emscripten';

export interface HandlerRequest {
  text: string;
  channel?: string;
}
export interface HandlerContext {
  tenantId: string;
  agentId: string;
  now: string;
}
export type HandlerOutcome =
  | { kind: 'reply'; text: string }
  | { kind: 'abstain' }
  | {
      kind: 'error';
      code: 'timeout' | 'memory' | 'exception' | 'invalid-output' | 'compile';
      message: string;
    };
export interface SandboxLimits {
  memoryBytes: number;
  timeoutMs: number;
  maxOutputChars: number;
  maxStackBytes: number;
}
export interface CompiledHandler {
  run(request: HandlerRequest, context: HandlerContext): Promise<HandlerOutcome>;
  dispose(): void;
}
export interface HandlerSandbox {
  compile(code: string): Promise<CompiledHandler>;
  close(): void;
}

const defaultLimits: SandboxLimits = {
  memoryBytes: 16 * 1024 * 1024,
  timeoutMs: 250,
  maxOutputChars: 4000,
  maxStackBytes: 256 * 1024,
};

/** Each call runs in a fresh QuickJS runtime: no host objects, data copied in as JSON, only a string or null read back. */
export async function createHandlerSandbox(limits: Partial<SandboxLimits> = {}): Promise<HandlerSandbox> {
  const quickJs = await getQuickJS();
  const resolved = { ...defaultLimits, ...limits };
  const evaluate = (source: string, timeoutMs = resolved.timeoutMs): HandlerOutcome => {
    const runtime = quickJs.newRuntime();
    runtime.setMemoryLimit(resolved.memoryBytes);
    runtime.setMaxStackSize(resolved.maxStackBytes);
    const deadline = Date.now() + timeoutMs;
    runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
    const context = runtime.newContext();
    try {
      const result = context.evalCode(source);
      if (result.error) {
        const error = context.dump(result.error) as { name?: string; message?: string } | string;
        result.error.dispose();
        const message =
          typeof error === 'string' ? error : `${error?.name ?? 'Error'}: ${error?.message ?? ''}`;
        if (Date.now() >= deadline || /interrupted/i.test(message))
          return { kind: 'error', code: 'timeout', message };
        if (/out of memory/i.test(message)) return { kind: 'error', code: 'memory', message };
        return { kind: 'error', code: 'exception', message };
      }
      const type = context.typeof(result.value);
      const value = type === 'string' ? context.getString(result.value) : undefined;
      const isNull = type === 'object' && context.dump(result.value) === null;
      result.value.dispose();
      if (isNull || type === 'undefined') return { kind: 'abstain' };
      if (value === undefined)
        return { kind: 'error', code: 'invalid-output', message: `returned a ${type}` };
      if (value.length > resolved.maxOutputChars) {
        return {
          kind: 'error',
          code: 'invalid-output',
          message: `reply longer than ${resolved.maxOutputChars}`,
        };
      }
      return { kind: 'reply', text: value };
    } catch (error) {
      return { kind: 'error', code: 'exception', message: String(error) };
    } finally {
      context.dispose();
      runtime.dispose();
    }
  };
  // The first evaluation pays for warming the WebAssembly instance; not a handler's time.
  evaluate('null', 5000);
  return {
    async compile(code) {
      const check = evaluate(`typeof (${code}) === 'function' ? null : 1`, resolved.timeoutMs * 20);
      if (check.kind !== 'abstain') {
        const message = check.kind === 'error' ? check.message : 'the code is not a function';
        return {
          run: async () => ({ kind: 'error', code: 'compile', message }),
          dispose() {},
        };
      }
      return {
        run: async (request, context) =>
          evaluate(`(${code})(${JSON.stringify(request)}, ${JSON.stringify(context)})`),
        dispose() {},
      };
    },
    close() {},
  };
}

/** Wilson score interval of an error rate (95% by default). */
export function errorRateBounds(
  errors: number,
  trials: number,
  confidence = 0.95,
): { lower: number; upper: number } {
  if (trials <= 0) return { lower: 0, upper: 1 };
  const z = confidence >= 0.99 ? 2.576 : confidence >= 0.95 ? 1.96 : 1.645;
  const rate = errors / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = rate + (z * z) / (2 * trials);
  const margin = z * Math.sqrt((rate * (1 - rate)) / trials + (z * z) / (4 * trials * trials));
  return {
    lower: Math.max(0, (centre - margin) / denominator),
    upper: Math.min(1, (centre + margin) / denominator),
  };
}

/** Sticky arm: a hash of the capability id and the conversation key, compared to the rollout. */
export function canaryArm(
  capabilityId: string,
  conversationKey: string,
  rolloutPercentage: number,
): 'canary' | 'control' {
  let hash = 2166136261;
  for (const character of `${capabilityId}\u0000${conversationKey}`) {
    hash ^= character.codePointAt(0)!;
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return (hash % 10_000) / 100 < rolloutPercentage ? 'canary' : 'control';
}

export function canaryDecision(
  stats: { errors: number; trials: number },
  successErrorRate: number,
  options: { confidence?: number; minTrials?: number } = {},
): 'promote' | 'rollback' | 'continue' {
  const bounds = errorRateBounds(stats.errors, stats.trials, options.confidence);
  if (stats.trials > 0 && bounds.lower > successErrorRate) return 'rollback';
  if (stats.trials >= (options.minTrials ?? 1) && bounds.upper < successErrorRate) return 'promote';
  return 'continue';
}

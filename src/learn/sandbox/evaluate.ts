/**
 * One evaluation of a handler in a fresh QuickJS runtime and context: limits set, inputs copied in,
 * the source evaluated and called under a deadline, the result checked without running its code,
 * everything freed. Nothing survives from one call to the next.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { copyIntoVm } from './plain-data.js';
import { startTimeLimit, threadCpuClock } from './time-limit.js';
import type { HandlerErrorCode, HandlerOutcome, SandboxLimits, StatelessForm } from './types.js';

/** Plain data for the handler's two arguments (already checked by `assertPlainData`). */
export interface HandlerArguments {
  request: unknown;
  context: unknown;
}

/** `function`: the compile check passed (no arguments were given, nothing was called). */
export type Evaluation = HandlerOutcome | { kind: 'function' };

export interface EvaluationResult {
  evaluation: Evaluation;
  /** The WebAssembly instance failed (a trap or the host's stack ran out): do not use it again. */
  instanceBroken: boolean;
  /** The call ran in a runtime kept from an earlier call (live-handlers.ts). */
  reused?: boolean;
}

type ErrorOutcome = Extract<HandlerOutcome, { kind: 'error' }>;
type Limits = Readonly<Required<SandboxLimits>>;

/** This thread's CPU clock (Linux), read once per thread; without it limits are wall-clock time. */
const defaultCpuClock = threadCpuClock() ?? null;

/** The time limit of an evaluation: the compile check's (no input) or a call's. */
export function evaluationTimeoutMs(limits: Limits, compiling: boolean): number {
  return compiling ? limits.compileTimeoutMs : limits.timeoutMs;
}

const MAX_MESSAGE_CHARS = 500;

/**
 * Turns whatever the handler threw into `Name: message`, reading it inside the VM so its getters run
 * there, under the call's deadline. Evaluated before the handler's source, so it uses nothing the
 * handler could have replaced: only `typeof`, property reads and string concatenation.
 */
export const DESCRIBE_THROWN_SOURCE = `(function (thrown) {
  try {
    if (typeof thrown === 'object' && thrown !== null) {
      const name = thrown.name;
      const message = thrown.message;
      return (typeof name === 'string' ? name : 'Error') + ': ' + (typeof message === 'string' ? message : '');
    }
    if (thrown === null) return 'threw null';
    if (typeof thrown === 'string') return 'threw the string ' + thrown;
    return 'threw a value of type ' + typeof thrown;
  } catch (unreadable) {
    return 'threw an error whose name or message could not be read';
  }
})`;

/**
 * Evaluates `source` in a new runtime of `module`; with `input`, calls the function once with it.
 * Never throws: a failure of the instance itself is an outcome with `instanceBroken`.
 */
export function evaluateHandler(
  module: QuickJSWASMModule,
  limits: Limits,
  source: string,
  input: HandlerArguments | undefined,
  now: () => number = () => performance.now(),
  /** The thread's CPU clock; null: limits in wall-clock time only. */
  cpuNow: (() => number) | null = defaultCpuClock,
  /** `script`: data `var`s and function declarations, the handler being `handler` (stateless-source.ts). */
  form?: StatelessForm,
): EvaluationResult {
  const owned: QuickJSHandle[] = [];
  let runtime: QuickJSRuntime | undefined;
  let context: QuickJSContext | undefined;
  let evaluation: Evaluation;
  try {
    runtime = module.newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.maxStackBytes);
    context = runtime.newContext();
    evaluation = evaluateIn(runtime, context, limits, source, input, owned, now, cpuNow, form);
  } catch (error) {
    // A trap or the host's stack overflowing inside WebAssembly leaves QuickJS half-way through an
    // operation: the instance is dropped, not freed.
    return { evaluation: instanceFailure(error, input === undefined), instanceBroken: true };
  }
  try {
    for (const handle of owned.reverse()) if (handle.alive) handle.dispose();
    context.dispose();
    runtime.dispose();
  } catch (error) {
    return {
      evaluation: {
        kind: 'error',
        code: input === undefined ? 'compile' : 'exception',
        message: `the sandbox failed while freeing the handler's values (${hostErrorText(error)}); it was replaced`,
      },
      instanceBroken: true,
    };
  }
  return { evaluation, instanceBroken: false };
}

function evaluateIn(
  runtime: QuickJSRuntime,
  context: QuickJSContext,
  limits: Limits,
  source: string,
  input: HandlerArguments | undefined,
  owned: QuickJSHandle[],
  now: () => number,
  cpuNow: (() => number) | null,
  form: StatelessForm | undefined,
): Evaluation {
  const describe = keep(
    owned,
    context.unwrapResult(context.evalCode(DESCRIBE_THROWN_SOURCE, 'steward-describe.js', { strict: true })),
  );
  const compiling = input === undefined;
  const tooLarge = compiling ? undefined : oversizedInput(input, limits);
  if (tooLarge) return tooLarge;
  const argumentHandles = compiling
    ? []
    : [copyIntoVm(context, input.request, owned), copyIntoVm(context, input.context, owned)];

  const limit = startTimeLimit(evaluationTimeoutMs(limits, compiling), now, cpuNow ?? undefined);
  let timedOut = false;
  runtime.setInterruptHandler(() => {
    if (!limit.expired()) return false;
    timedOut = true;
    return true;
  });
  // While compiling every failure is a compile error; in a call, evaluating the source can still
  // run out of time or memory, and anything else it throws is a compile error.
  const fail = (thrown: QuickJSHandle, otherwise: 'compile' | 'exception'): ErrorOutcome =>
    errorOutcome(context, describe, thrown, { timedOut, compiling, otherwise }, limits);

  const evaluated = loadHandler(context, source, form);
  if (evaluated.error) return fail(keep(owned, evaluated.error), 'compile');
  const handler = keep(owned, evaluated.value);
  const kind = context.typeof(handler);
  if (kind !== 'function') {
    return {
      kind: 'error',
      code: 'compile',
      message: `the source evaluates to ${article(kind)}, not a function`,
    };
  }
  if (compiling) return { kind: 'function' };

  const called = context.callFunction(handler, context.undefined, ...argumentHandles);
  if (called.error) return fail(keep(owned, called.error), 'exception');
  return readReply(context, keep(owned, called.value), limits);
}

/**
 * Evaluates the source: the function an expression source evaluates to, or a script's `handler`
 * (undefined when the script declares none, which the caller reports as not a function).
 */
export function loadHandler(
  context: QuickJSContext,
  source: string,
  form: StatelessForm | undefined,
): { error: QuickJSHandle; value?: undefined } | { value: QuickJSHandle; error?: undefined } {
  if (form !== 'script') return context.evalCode(wrapSource(source), 'handler.js', { strict: true });
  const evaluated = context.evalCode(source, 'handler.js', { strict: true });
  if (evaluated.error) return evaluated;
  evaluated.value.dispose();
  return { value: context.getProp(context.global, 'handler') };
}

/**
 * A memory error when the arguments cannot fit the sandbox's heap (two bytes a character, plus room
 * for the handler to work), found before anything is copied into QuickJS or sent to the worker.
 */
export function oversizedInput(input: HandlerArguments, limits: Limits): ErrorOutcome | undefined {
  const inputChars = JSON.stringify(input).length;
  if (inputChars * 4 <= limits.memoryBytes) return undefined;
  return {
    kind: 'error',
    code: 'memory',
    message: `the request (${inputChars} characters) does not fit the sandbox's ${limits.memoryBytes}-byte memory limit`,
  };
}

/** A reply is a non-empty string within the output cap; `null` abstains; anything else is refused unread. */
export function readReply(context: QuickJSContext, value: QuickJSHandle, limits: Limits): HandlerOutcome {
  const kind = context.typeof(value);
  if (kind === 'string') {
    // A string's length is read without copying it out; for a string primitive QuickJS answers it
    // directly, not through String.prototype, so the handler cannot redefine it.
    const lengthHandle = context.getProp(value, 'length');
    const length = context.typeof(lengthHandle) === 'number' ? context.getNumber(lengthHandle) : Number.NaN;
    lengthHandle.dispose();
    if (!(length <= limits.maxOutputChars)) {
      return invalidOutput(`returned a reply of ${length} characters; the limit is ${limits.maxOutputChars}`);
    }
    const text = context.getString(value);
    if (text.trim() === '') return invalidOutput('returned an empty reply; return null to abstain');
    return { kind: 'reply', text };
  }
  if (kind === 'object' && context.sameValue(value, context.null)) return { kind: 'abstain' };
  // Objects (a Promise from an async handler, anything with getters or a prototype) are never read.
  return invalidOutput(
    `returned ${article(kind)}; a handler returns a string (its reply) or null (to abstain)`,
  );
}

export function errorOutcome(
  context: QuickJSContext,
  describe: QuickJSHandle,
  thrown: QuickJSHandle,
  how: { timedOut: boolean; compiling: boolean; otherwise: 'compile' | 'exception' },
  limits: Limits,
): ErrorOutcome {
  const codeFor = (code: HandlerErrorCode): HandlerErrorCode => (how.compiling ? 'compile' : code);
  if (how.timedOut) {
    return {
      kind: 'error',
      code: codeFor('timeout'),
      message: `ran past its ${evaluationTimeoutMs(limits, how.compiling)} ms time limit`,
    };
  }
  const text = describeThrown(context, describe, thrown);
  if (/^InternalError: (out of memory|string too long)/.test(text)) {
    return {
      kind: 'error',
      code: codeFor('memory'),
      message: `ran out of its ${limits.memoryBytes}-byte memory limit (${text})`,
    };
  }
  if (text === 'threw null') {
    // QuickJS throws null when even the "out of memory" error cannot be allocated (a Map's growth did).
    return {
      kind: 'error',
      code: codeFor('memory'),
      message: `threw null: out of its ${limits.memoryBytes}-byte memory limit (QuickJS throws null when it cannot allocate the error), or the handler threw null itself`,
    };
  }
  if (/^(InternalError|SyntaxError|RangeError): stack overflow/.test(text)) {
    return {
      kind: 'error',
      code: codeFor('memory'),
      message: `ran past its ${limits.maxStackBytes}-byte stack limit (${text})`,
    };
  }
  return { kind: 'error', code: codeFor(how.otherwise), message: text };
}

function describeThrown(context: QuickJSContext, describe: QuickJSHandle, thrown: QuickJSHandle): string {
  const described = context.callFunction(describe, context.undefined, thrown);
  if (described.error) {
    described.error.dispose();
    return 'threw an error that could not be read within the limits';
  }
  const value = described.value;
  try {
    if (context.typeof(value) !== 'string') return 'threw an error that could not be read';
    return truncate(context.getString(value));
  } finally {
    value.dispose();
  }
}

export function instanceFailure(error: unknown, compiling: boolean): ErrorOutcome {
  const hostStack = error instanceof RangeError && /call stack/i.test(error.message);
  const message = hostStack
    ? "nested too deep for the host's stack (QuickJS's stack limit was not reached first); the sandbox's instance was replaced"
    : `the sandbox's WebAssembly instance failed (${hostErrorText(error)}); it was replaced`;
  return { kind: 'error', code: compiling ? 'compile' : hostStack ? 'memory' : 'exception', message };
}

/**
 * `(` source `)`: a function expression, an arrow function or a `function handler(…) {…}`
 * declaration all evaluate to the function. Trailing semicolons are dropped (scanned by hand: a regex
 * anchored at the end backtracks quadratically on long whitespace runs).
 */
export function wrapSource(source: string): string {
  let end = source.length;
  while (end > 0 && /[\s;]/.test(source[end - 1]!)) end -= 1;
  return `(\n${source.slice(0, end)}\n)`;
}

function keep(owned: QuickJSHandle[], handle: QuickJSHandle): QuickJSHandle {
  owned.push(handle);
  return handle;
}

function invalidOutput(message: string): ErrorOutcome {
  return { kind: 'error', code: 'invalid-output', message };
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function truncate(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS
    ? text
    : `${text.slice(0, MAX_MESSAGE_CHARS)}… (${text.length} characters)`;
}

function hostErrorText(error: unknown): string {
  return truncate(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

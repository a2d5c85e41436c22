/** The handler sandbox's contract: plain data in, a reply, an abstention or a typed error out. */

/** What a handler sees of the customer's message. Only plain data crosses into the sandbox. */
export interface HandlerRequest {
  text: string;
  channel?: string;
}

/** Where and when the handler runs. `now` is an ISO timestamp (time is not a secret here). */
export interface HandlerContext {
  tenantId: string;
  agentId: string;
  now: string;
}

/**
 * What one call gave. `abstain`: the handler returned `null` and the request goes back to the chain.
 * Error messages may quote the request (a handler can throw it back): mask them before storing.
 */
export type HandlerOutcome =
  | { kind: 'reply'; text: string }
  | { kind: 'abstain' }
  | {
      kind: 'error';
      code: 'timeout' | 'memory' | 'exception' | 'invalid-output' | 'compile';
      message: string;
    };

/** The error codes of a failed call. */
export type HandlerErrorCode = Extract<HandlerOutcome, { kind: 'error' }>['code'];

/** Limits of every evaluation of a handler (its compilation and each call). */
export interface SandboxLimits {
  /** QuickJS heap per call, in bytes (the interpreter's own context counts too, ~300 KB). */
  memoryBytes: number;
  /** Time per call, from evaluating the handler's source to its return: CPU time of the sandbox's thread (Linux), wall-clock time at 5× as a backstop. */
  timeoutMs: number;
  /**
   * Time (as `timeoutMs`) for the one compile check `compile` makes (evaluating the source to a function),
   * default the larger of 1000 ms and `timeoutMs`. Larger than a call's on purpose: the check runs once
   * per handler, and on a loaded host (load average above 15) 100 ms of wall-clock time was not enough
   * to parse an ordinary handler, which then failed validation as "did not compile". Each call still
   * evaluates the source again within `timeoutMs`.
   */
  compileTimeoutMs?: number;
  /** Longest reply accepted, in UTF-16 code units; longer is `invalid-output`. */
  maxOutputChars: number;
  /** QuickJS's stack limit. Kept small: the interpreter's frames also use the host's stack. */
  maxStackBytes: number;
  /** Longest handler source `compile` accepts, in characters. */
  maxCodeChars?: number;
}

/**
 * A handler that compiled: each `run` calls it once, in the runtime kept for it when its source is proven
 * stateless, else in a fresh QuickJS runtime.
 */
export interface CompiledHandler {
  run(request: HandlerRequest, context: HandlerContext): Promise<HandlerOutcome>;
  /** Forgets the handler; `run` afterwards throws. */
  dispose(): void;
}

/** A worker thread with one QuickJS WebAssembly instance, serving many handlers one call at a time. */
export interface HandlerSandbox {
  /** Checks the source (syntax, evaluates to a function) or rejects with `HandlerCompileError`. */
  compile(code: string): Promise<CompiledHandler>;
  close(): void;
  /** The limits every call runs under, defaults filled in. */
  readonly limits: Readonly<Required<SandboxLimits>>;
  /** Calls run; QuickJS instances replaced after a call broke one; workers stopped (a runaway) or lost (a crash) and replaced. */
  stats(): { calls: number; reusedCalls: number; instanceRestarts: number; workerRestarts: number };
}

/**
 * The shape of a source proven stateless (stateless-source.ts): one function (`expression`), or data
 * `var`s and function declarations with one `handler` (`script`).
 */
export type StatelessForm = 'expression' | 'script';

/** Thrown by `compile` when a handler's source is not a function QuickJS can evaluate. */
import { StewardError } from '../../errors/index.js';
import type { HandlerOutcome } from './types.js';

/**
 * The handler's source did not compile: a syntax error, a value that is not a function, or its
 * evaluation threw, ran out of time or memory. `outcome` is the same failure as a call's outcome,
 * for validation reports.
 *
 * @example
 * try { await sandbox.compile(code) } catch (error) {
 *   if (HandlerCompileError.isInstance(error)) report.failures.push(error.outcome);
 * }
 */
export class HandlerCompileError extends StewardError {
  override readonly name = 'HandlerCompileError';
  readonly outcome: Extract<HandlerOutcome, { kind: 'error' }>;

  constructor(message: string) {
    super('invalid-request', `The handler did not compile: ${message}`, { details: { reason: 'compile' } });
    this.outcome = { kind: 'error', code: 'compile', message };
  }

  static override isInstance(error: unknown): error is HandlerCompileError {
    return (
      StewardError.isInstance(error) && error.code === 'invalid-request' && error.details.reason === 'compile'
    );
  }
}

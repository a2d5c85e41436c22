/** Thrown when a configuration object does not match its schema. */
import { StewardError } from './steward-error.js';

export interface ConfigIssue {
  /** Dotted path to the offending option, e.g. `optimization.budget.daily`. */
  path: string;
  /** What was given, rendered for humans. */
  received: string;
  /** What would be valid. */
  expected: string;
}

/**
 * A configuration option is missing or wrong; `issues` lists each problem with its path.
 *
 * @example
 * new ClaudeAgent({ optimization: { budget: { daily: -1 } } })
 * // InvalidConfigError: optimization.budget.daily: expected a number >= 0, received -1
 */
export class InvalidConfigError extends StewardError {
  override readonly name = 'InvalidConfigError';
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[], context = 'config') {
    const lines = issues.map(
      (issue) => `${issue.path || '(root)'}: expected ${issue.expected}, received ${issue.received}`,
    );
    super('invalid-config', `Invalid ${context}:\n  ${lines.join('\n  ')}`, { details: { issues } });
    this.issues = issues;
  }

  static override isInstance(error: unknown): error is InvalidConfigError {
    return StewardError.isInstance(error) && error.code === 'invalid-config';
  }
}

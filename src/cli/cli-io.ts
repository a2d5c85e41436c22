/** What a CLI command reads and writes, passed in so commands run the same in a test as in a terminal. */

export interface CliIo {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  error(line: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Exit codes: 0 success, 1 failure (bad config, store or port unavailable …), 2 wrong usage. */
export const exitCode = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure the user can fix; printed as one message, never with a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCodeValue: number = exitCode.failure) {
    super(message);
    this.exitCode = exitCodeValue;
  }
}

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    error: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  };
}

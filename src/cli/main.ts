/** Entry point of the `steward` command (bin/steward.js runs this). */
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

try {
  process.exit(await runCli(process.argv.slice(2), processIo()));
} catch (error) {
  // Only bugs get here: every failure a user can fix is a CliError with a plain message.
  process.stderr.write(
    `steward: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}

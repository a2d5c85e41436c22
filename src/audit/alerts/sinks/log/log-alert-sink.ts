/** An AlertSink that writes each alert as one JSON line (to stderr unless told otherwise). */
import type { Alert, AlertSink } from '../../types.js';

export interface LogAlertSinkOptions {
  /** Receives each line (with its trailing newline); default `process.stderr.write`. */
  write?: (line: string) => void;
}

/**
 * Logs alerts as `{"event":"audit-alert-raised","alert":{…}}` lines, for log pipelines to pick up.
 *
 * @example
 * const sink = createLogAlertSink({ write: (line) => logFile.write(line) });
 */
export function createLogAlertSink(options: LogAlertSinkOptions = {}): AlertSink {
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  return {
    name: 'log',
    async deliver(alert: Alert) {
      write(`${JSON.stringify({ event: 'audit-alert-raised', alert })}\n`);
    },
  };
}

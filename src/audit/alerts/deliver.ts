/** Delivers one alert to every sink at once; a failing sink is reported, never thrown into the pipeline. */
import type { Alert, AlertSink } from './types.js';

export interface AlertDelivery {
  sink: string;
  ok: boolean;
  error?: unknown;
}

export interface DeliverAlertOptions {
  /** Called for each sink that failed (a sink that rejects, or throws synchronously). */
  onError?: (error: unknown, sink: string, alert: Alert) => void;
}

/**
 * Sends `alert` to all `sinks` in parallel and resolves, never rejects, with each sink's outcome.
 *
 * @example
 * const outcomes = await deliverAlert(alert, [createLogAlertSink(), webhookSink], {
 *   onError: (error, sink) => logger.warn({ error, sink }, 'alert delivery failed'),
 * });
 */
export async function deliverAlert(
  alert: Alert,
  sinks: readonly AlertSink[],
  options: DeliverAlertOptions = {},
): Promise<AlertDelivery[]> {
  return Promise.all(
    sinks.map(async (sink): Promise<AlertDelivery> => {
      try {
        await sink.deliver(alert);
        return { sink: sink.name, ok: true };
      } catch (error) {
        try {
          options.onError?.(error, sink.name, alert);
        } catch {
          // An error reporter that throws must not break delivery to the other sinks either.
        }
        return { sink: sink.name, ok: false, error };
      }
    }),
  );
}

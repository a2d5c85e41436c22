/** An AlertSink that hands each alert to a callback: how the channels primitive posts alerts to people. */
import { StewardError } from '../../../../errors/index.js';
import type { Alert, AlertSink } from '../../types.js';

export interface ChannelAlertSinkOptions {
  /** Posts the alert (e.g. to an operators' Slack channel); a rejection is reported by deliverAlert. */
  send: (alert: Alert) => Promise<void>;
}

/**
 * @example
 * const sink = createChannelAlertSink({ send: (alert) => slack.post('#ops', alert.summary) });
 */
export function createChannelAlertSink(options: ChannelAlertSinkOptions): AlertSink {
  if (typeof options?.send !== 'function') {
    throw new StewardError(
      'invalid-config',
      'createChannelAlertSink needs `send: (alert) => Promise<void>`, the callback that posts to the channel',
    );
  }
  const send = options.send;
  return {
    name: 'channel',
    deliver: (alert) => send(alert),
  };
}

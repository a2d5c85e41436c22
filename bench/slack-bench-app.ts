/** What the channels benches share: the Slack events app over a core, and a signed event request's headers. */
import { type ChannelCore, createSlackChannel, signSlackRequest } from '../src/channels/index.js';
import { createApp, createMetrics } from '../src/server/index.js';
import type { StewardStore } from '../src/store/index.js';

/** The benches' Slack channel: the fake Web API at `apiUrl` (token `xoxb-bench`), replies in threads. */
export function benchSlackChannel(
  signingSecret: string,
  apiUrl: string,
): ReturnType<typeof createSlackChannel> {
  return createSlackChannel({
    config: { type: 'slack', signingSecret, botToken: 'xoxb-bench', apiUrl, features: ['threading'] },
    env: {},
  });
}

/** Binds the Slack team `teamId` to `tenantId`/desk on `core` and returns the app serving its events route. */
export async function slackEventsApp(
  store: StewardStore,
  core: ChannelCore,
  slack: ReturnType<typeof createSlackChannel>,
  teamId: string,
  tenantId: string,
): Promise<ReturnType<typeof createApp>> {
  await core.bindings.bind({ channel: 'slack', routeKey: `team:${teamId}`, tenantId, agentId: 'desk' });
  return createApp({
    agents: [],
    store,
    metrics: createMetrics({ processMetrics: false }),
    channels: { core, slack },
  });
}

/** The headers of a Slack Events API request signed now (v0). */
export function signedSlackHeaders(signingSecret: string, body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
  };
}

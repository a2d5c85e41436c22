/**
 * The app that serves a channel test's webhook routes: a `ChannelCore` over the test's store and adapters, and
 * `createApp` with it, serving the one tenant agent the bindings name (the tenant routes answer only for tenants
 * the app serves). Agents that answer messages come from `useAgent` (see `channelAgents`).
 */
import { ClaudeAgent } from '../../src/agent/index.js';
import { type ChannelAdapter, ChannelCore, type ChannelCoreOptions } from '../../src/channels/index.js';
import { FunctionRuntime } from '../../src/runtime/index.js';
import { createApp, createMetrics, type StewardApp } from '../../src/server/index.js';
import type { StewardStore } from '../../src/store/index.js';

export interface ChannelApp {
  core: ChannelCore;
  app: StewardApp;
  /** Closes the app's resources (its served agent). */
  close(): Promise<void>;
}

export interface ChannelAppOptions {
  store: StewardStore;
  adapters: ChannelAdapter[];
  useAgent: ChannelCoreOptions['useAgent'];
  /** The tenant agent the app serves (the bindings' tenant). */
  served: { tenantId: string; agentId: string };
  /** More of the core's options (its clock, back-off …); `backoffMs` is 0 unless given. */
  core?: Partial<Omit<ChannelCoreOptions, 'store' | 'adapters' | 'useAgent'>>;
  /** More of the app's `channels` option (the Slack channel, a body limit …). */
  channels?: Omit<NonNullable<Parameters<typeof createApp>[0]['channels']>, 'core'>;
}

/**
 * @example
 * const { core, app, close } = channelApp({ store, adapters: [sms], useAgent, served: { tenantId: 'acme', agentId: 'desk' } });
 * await app.request('/channels/twilio/sms', { method: 'POST', headers, body });
 */
export function channelApp(options: ChannelAppOptions): ChannelApp {
  const { store } = options;
  const core = new ChannelCore({
    backoffMs: 0,
    ...options.core,
    store,
    adapters: options.adapters,
    useAgent: options.useAgent,
  });
  const app = createApp({
    agents: [
      new ClaudeAgent({
        ...options.served,
        store,
        runtime: new FunctionRuntime(async () => 'served for its routes only'),
      }),
    ],
    store,
    metrics: createMetrics({ processMetrics: false }),
    channels: { ...options.channels, core },
  });
  return { core, app, close: () => app.lifecycle.closeResources() };
}

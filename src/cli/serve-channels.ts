/** `steward serve`'s channels: the adapters and the channels core built from the config file's `channels` entries, and their worker. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { type AgentConfig, agentConfigSchema } from '../agent/index.js';
import {
  type BindInput,
  type ChannelAdapter,
  ChannelBindings,
  ChannelCore,
  type ChannelHandling,
  createEmailChannel,
  createSlackChannel,
  createSmsChannel,
  type EmailChannel,
  resolveChannelHandling,
  resolveSlackConfig,
  type SlackChannel,
  type SmtpListener,
  slackRouteKeyOfToken,
  startInboundSmtp,
} from '../channels/index.js';
import { StewardError } from '../errors/index.js';
import { type AgentDirectory, type AppOptions, contactAuditOf } from '../server/index.js';
import { dataDirectoryOf, type StewardStore } from '../store/index.js';

export interface ServeChannels {
  /** What `createApp` takes as `channels`. */
  routes: NonNullable<AppOptions['channels']>;
  /** The banner line: which channels are on, and where their webhooks are. */
  line: string;
  /** Starts the worker that answers queued messages; returns its stop (awaits the messages in hand). */
  startWorker(onError: (error: unknown) => void): () => Promise<void>;
  /** Stops the inbound listeners (the SMTP listener): no new mail is taken; what was acknowledged stays queued. */
  close(): Promise<void>;
}

interface AgentChannelEntry {
  tenantId: string;
  agentId: string;
  entry: unknown;
}

/**
 * The channels of the config file's agents, or undefined when none has one. One Slack app serves the
 * server (the first `slack` entry configures it); an entry with a bot token binds its workspace (found with
 * `auth.test`) to its agent, the token kept encrypted with the binding; other workspaces bind through the
 * OAuth install (`GET /channels/slack/install`); an entry with only a `webhook` (outbound-only) binds it,
 * sealed, as `webhook:<hash>` to its agent, where that agent's urgency notices are posted. One Twilio account serves the server (the first `sms`
 * entry's account, auth token and public URL); each `sms` entry's number (`from`) is bound to its agent.
 * Email likewise: the first `email` entry's relay, From and Mailgun key; each entry's `address` bound; the
 * SMTP listener (the first entry with `inbound.smtp`, or `STEWARD_SMTP_LISTEN_PORT`) is started here and
 * routes each mail by its recipient address through the same core.
 *
 * @example
 * const channels = await openServeChannels({ configs, store, directory, env: process.env });
 * const app = createApp({ ..., ...(channels ? { channels: channels.routes } : {}) });
 */
export async function openServeChannels(input: {
  configs: readonly AgentConfig[];
  store: StewardStore;
  directory: AgentDirectory;
  env: NodeJS.ProcessEnv;
  /** Told about failures that no request sees (recording a dropped mail, scoring a sender's context). */
  onError?: (error: unknown) => void;
}): Promise<ServeChannels | undefined> {
  const slackEntries = entriesOf(input.configs, 'slack');
  const adapters: ChannelAdapter[] = [];
  let slack: SlackChannel | undefined;
  if (slackEntries.length > 0) {
    // The Slack app is the first entry that takes events; an outbound-only entry (a webhook) configures none.
    const app =
      slackEntries.find(({ entry }) => !resolveSlackConfig(entry, input.env).outboundOnly) ??
      slackEntries[0]!;
    slack = createSlackChannel({ config: app.entry, env: input.env });
    adapters.push(slack);
  }
  const smsEntries = entriesOf(input.configs, 'sms');
  const sms =
    smsEntries.length > 0
      ? createSmsChannel({ config: smsEntries[0]!.entry, store: input.store, env: input.env })
      : undefined;
  if (sms) adapters.push(sms);
  const emailEntries = entriesOf(input.configs, 'email');
  const email =
    emailEntries.length > 0
      ? createEmailChannel({ config: emailEntries[0]!.entry, env: input.env })
      : undefined;
  if (email) adapters.push(email);
  if (adapters.length === 0) {
    // Every channel entry was removed from the file: so are the bindings the file made.
    await removeStaleFileBindings(new ChannelBindings(input.store), input.configs, new Set());
    return undefined;
  }
  // Each agent's messageHandling (urgency scoring and who is told), resolved once: a missing recipient fails here.
  const handling = new Map<string, ChannelHandling>();
  for (const config of input.configs) {
    const parsed = agentConfigSchema.parse(config);
    const owner = `${parsed.tenantId}/${parsed.agentId}`;
    const resolved = resolveChannelHandling(config.messageHandling, input.env, owner, parsed.channels);
    if (resolved.notify && !adapters.some((adapter) => adapter.channel === resolved.notify?.channel)) {
      throw new StewardError(
        'invalid-config',
        `messageHandling.urgencyNotify of ${owner} sends through ${resolved.notify.channel}, but no agent has an entry of type ${resolved.notify.channel} in \`channels\``,
      );
    }
    handling.set(`${parsed.tenantId}\u0000${parsed.agentId}`, resolved);
  }
  const core = new ChannelCore({
    store: input.store,
    adapters,
    useAgent: (tenantId, agentId, work) => input.directory.use(tenantId, agentId, work),
    handlingOf: (tenantId, agentId) => handling.get(`${tenantId}\u0000${agentId}`),
    // The runtime's workspaces (serve-command): an email's files land in its agent's own workspace.
    workspacesDirectory: join(dataDirectoryOf(input.store), 'workspaces'),
    // A customer's link by one-time code is audited like an operator's through the API.
    contactAudit: contactAuditOf(input.store),
    // A sender context that could not be scored after the commit is scored again by the worker.
    ...(input.onError ? { onUrgencyError: input.onError } : {}),
  });
  // Each binding made here is marked as the file's; the file's agents lose the ones no longer in it (below).
  const kept = new Set<string>();
  const bindFromFile = async (binding: BindInput) => {
    await core.bindings.bind({ ...binding, details: { source: fileSource } });
    kept.add(bindingKey(binding));
  };
  const bound: string[] = [];
  for (const { tenantId, agentId, entry } of slackEntries) {
    const config = resolveSlackConfig(entry, input.env);
    if (config.outboundOnly && config.webhook) {
      // The agent's own incoming webhook, kept sealed with a binding of its own: its urgency notices go there.
      const routeKey = `webhook:${createHash('sha256').update(config.webhook).digest('hex').slice(0, 16)}`;
      await bindFromFile({
        channel: 'slack',
        routeKey,
        tenantId,
        agentId,
        secret: { webhook: config.webhook },
      });
      bound.push(`incoming webhook → ${tenantId}/${agentId}`);
      continue;
    }
    if (!config.botToken) continue;
    const routeKey = await slackRouteKeyOfToken(config.botToken, { apiUrl: config.apiUrl }).catch(
      (error: unknown) => {
        throw new StewardError(
          'invalid-config',
          `the Slack channel of ${tenantId}/${agentId}: Slack did not accept its bot token (auth.test: ${error instanceof Error ? error.message : String(error)}); check \`botToken\` in the channels entry or SLACK_BOT_TOKEN (OAuth & Permissions → Bot User OAuth Token), or remove it and install the app instead`,
          { cause: error },
        );
      },
    );
    await bindFromFile({
      channel: 'slack',
      routeKey,
      tenantId,
      agentId,
      secret: { botToken: config.botToken },
    });
    bound.push(`${routeKey} → ${tenantId}/${agentId}`);
  }
  // Each sms entry's number (`from`) routes to its agent; the account and webhook are the first entry's.
  const numbers: string[] = [];
  for (const { tenantId, agentId, entry } of smsEntries) {
    const number = createSmsChannel({ config: entry, store: input.store, env: input.env }).config.sender.from;
    await bindFromFile({ channel: 'sms', routeKey: number, tenantId, agentId });
    numbers.push(`${number} → ${tenantId}/${agentId}`);
  }
  // Each email entry's inbound address routes to its agent; the relay, From and Mailgun key are the first entry's.
  const addresses: string[] = [];
  let listen: EmailChannel['config']['listener'];
  for (const { tenantId, agentId, entry } of emailEntries) {
    const { address, listener } = createEmailChannel({ config: entry, env: input.env }).config;
    listen ??= listener;
    await bindFromFile({ channel: 'email', routeKey: address, tenantId, agentId });
    addresses.push(`${address} → ${tenantId}/${agentId}`);
  }
  const unbound = await removeStaleFileBindings(core.bindings, input.configs, kept);
  // Started last: a failure above leaves nothing listening.
  let smtp: SmtpListener | undefined;
  if (email && listen) {
    const { host, port } = listen;
    smtp = await startInboundSmtp({
      core,
      email,
      listen,
      ...(input.onError ? { onError: input.onError } : {}),
    }).catch((error: unknown) => {
      if (StewardError.isInstance(error)) throw error; // e.g. a TLS file that cannot be read, named
      throw new StewardError(
        'invalid-config',
        `the email channel's SMTP listener cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}; change \`inbound.smtp.port\` in the email entry or STEWARD_SMTP_LISTEN_PORT (0 picks a free one)`,
        { cause: error },
      );
    });
  }
  const described = [
    ...(slack
      ? [
          `slack (${slack.config.outboundOnly ? 'outbound only' : 'POST /channels/slack/events'}${bound.length > 0 ? `; ${bound.join(', ')}` : ''})`,
        ]
      : []),
    ...(sms ? [`sms (POST /channels/twilio/sms; ${numbers.join(', ')})`] : []),
    ...(email
      ? [
          `email (${
            [
              ...(smtp
                ? [
                    `SMTP ${smtp.host}:${smtp.port}${
                      listen?.tls ? (listen.tls.required ? ' (STARTTLS required)' : ' (STARTTLS)') : ''
                    }`,
                  ]
                : []),
              ...(email.config.mailgunSigningKey ? ['POST /channels/email/inbound'] : []),
            ].join(', ') || 'no inbound configured'
          }; ${addresses.join(', ')})`,
        ]
      : []),
  ];
  return {
    // An outbound-only Slack channel has no events route and no install.
    routes: { core, ...(slack && !slack.config.outboundOnly ? { slack } : {}) },
    line: `  channels: ${described.join('; ')}${unbound.length > 0 ? `; unbound, no longer in the file: ${unbound.join(', ')}` : ''}`,
    startWorker: (onError) => core.startWorker({ onError }),
    close: async () => {
      const listener = smtp;
      smtp = undefined;
      await listener?.close();
    },
  };
}

/** `details.source` of a binding made from the config file (a Slack install's has none). */
const fileSource = 'config-file';

function bindingKey(binding: Pick<BindInput, 'channel' | 'routeKey' | 'tenantId' | 'agentId'>): string {
  return [binding.channel, binding.routeKey, binding.tenantId, binding.agentId].join('\u0000');
}

/**
 * A restart re-binds the file's destinations (same tenant: an update, never a 409); a destination removed
 * from an agent's entries is unbound, so its messages are dropped as `unknown-destination` from now on.
 * Only bindings the file made, and only of the file's agents: a Slack install's binding and the bindings of
 * agents this file does not name (served by another instance's file) are left alone.
 */
async function removeStaleFileBindings(
  bindings: ChannelBindings,
  configs: readonly AgentConfig[],
  kept: ReadonlySet<string>,
): Promise<string[]> {
  const unbound: string[] = [];
  const agents = new Set(
    configs.map((config) => {
      const parsed = agentConfigSchema.parse(config);
      return `${parsed.tenantId}\u0000${parsed.agentId}`;
    }),
  );
  for (const tenantId of new Set([...agents].map((agent) => agent.split('\u0000')[0]!))) {
    for (const binding of await bindings.list(tenantId)) {
      if (binding.details.source !== fileSource) continue;
      if (!agents.has(`${binding.tenantId}\u0000${binding.agentId}`)) continue;
      if (kept.has(bindingKey(binding))) continue;
      await bindings.unbind(tenantId, binding.channel, binding.routeKey);
      unbound.push(`${binding.channel} ${binding.routeKey} (${binding.tenantId}/${binding.agentId})`);
    }
  }
  return unbound;
}

function entriesOf(configs: readonly AgentConfig[], type: string): AgentChannelEntry[] {
  return configs.flatMap((config) => {
    const parsed = agentConfigSchema.parse(config);
    return (config.channels ?? [])
      .filter((entry) => entry.type === type)
      .map((entry) => ({ tenantId: parsed.tenantId, agentId: parsed.agentId, entry }));
  });
}

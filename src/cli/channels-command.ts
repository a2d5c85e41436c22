/** `steward channels stats`: a tenant's channel analytics and bindings, as `GET /api/tenants/:tenantId/channels` gives them. */
import { ChannelBindings, channelStats } from '../channels/index.js';
import { StewardError } from '../errors/index.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { loadAgentConfigs, storeOfConfig } from './load-config.js';

export interface ChannelsCommandOptions {
  configPath: string;
  action?: string | undefined;
  tenant?: string | undefined;
  from?: string | undefined;
  json?: boolean | undefined;
}

export async function channelsCommand(options: ChannelsCommandOptions, io: CliIo): Promise<number> {
  if (options.action !== 'stats') {
    throw new CliError(`unknown channels action "${options.action ?? ''}" (expected stats)`, exitCode.usage);
  }
  if (!options.tenant) throw new CliError('channels stats needs --tenant <tenantId>', exitCode.usage);
  const since = options.from === undefined ? 0 : Date.parse(options.from);
  if (Number.isNaN(since))
    throw new CliError(`--from must be a date (YYYY-MM-DD), got "${options.from}"`, exitCode.usage);
  const [first] = await loadAgentConfigs(options.configPath, io.cwd);
  const { store, owned } = await storeOfConfig(first?.store, io.env);
  try {
    const [channels, bindings] = await Promise.all([
      channelStats(store, options.tenant, { since }),
      new ChannelBindings(store).list(options.tenant),
    ]);
    if (options.json) {
      io.out(JSON.stringify({ tenantId: options.tenant, channels, bindings }, null, 2));
      return exitCode.ok;
    }
    if (channels.length === 0) io.out(`no channel messages for tenant ${options.tenant}`);
    for (const row of channels) {
      const latency = row.replyLatencyMs
        ? `reply p50 ${row.replyLatencyMs.p50} ms, p95 ${row.replyLatencyMs.p95} ms`
        : 'no replies yet';
      const urgency = Object.entries(row.urgency)
        .map(([level, count]) => `${level} ${count}`)
        .join(', ');
      io.out(
        `${row.channel.padEnd(6)} in ${row.messagesIn}, replied ${row.replied}, failed ${row.failed}, dropped ${row.dropped}, pending ${row.pending}, parts sent ${row.partsSent}; ${latency}; urgency: ${urgency}`,
      );
    }
    for (const binding of bindings) {
      io.out(
        `bound: ${binding.channel} ${binding.routeKey} → ${binding.agentId}${binding.hasSecret ? ' (secret sealed)' : ''}`,
      );
    }
    return exitCode.ok;
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    if (owned) await store.close();
  }
}

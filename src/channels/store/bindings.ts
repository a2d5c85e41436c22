/**
 * The routing table: a provider's destination (Slack workspace, email address, SMS number) → one tenant's
 * agent, with the destination's secrets encrypted at rest. An unknown destination has no row, and its
 * messages are dropped with a recorded reason, never answered by another tenant's agent.
 */
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import type { ChannelBinding } from '../adapter.js';
import { secretBoxOf } from './secret-box.js';
import { channelTables } from './tables.js';

/** What the API may show of a binding: never the secret, only whether there is one. */
export interface BindingSummary {
  channel: string;
  routeKey: string;
  tenantId: string;
  agentId: string;
  hasSecret: boolean;
  details: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface BindInput {
  channel: string;
  routeKey: string;
  tenantId: string;
  agentId: string;
  secret?: Record<string, string>;
  details?: Record<string, string>;
}

/**
 * @example
 * await bindings.bind({ channel: 'slack', routeKey: 'team:T123', tenantId: 'acme', agentId: 'desk', secret: { botToken } });
 * const binding = await bindings.resolve('slack', 'team:T123');
 */
export class ChannelBindings {
  private readonly db;
  private readonly box;

  /** Routing lookups of the webhook path, kept `routeCacheMs`; a worker re-reads the binding before it answers. */
  private readonly routeCache = new Map<
    string,
    { binding: Promise<ChannelBinding | undefined>; until: number }
  >();

  constructor(
    readonly store: StewardStore,
    private readonly now: () => number = Date.now,
    private readonly routeCacheMs = 2_000,
  ) {
    this.db = channelTables(store.db);
    this.box = secretBoxOf(store);
  }

  /**
   * Binds a destination to an agent, replacing an earlier binding of the same destination by the same
   * tenant. A destination another tenant holds is refused (409 `conflict`, naming no tenant): a number,
   * address or workspace never moves between tenants unless its holder unbinds it first.
   */
  async bind(input: BindInput): Promise<void> {
    this.routeCache.delete(`${input.channel}\u0000${input.routeKey}`);
    const at = this.now();
    const secret = input.secret ? this.box.seal(input.secret) : null;
    const details = JSON.stringify(input.details ?? {});
    const result = await this.db
      .insertInto('channel_bindings')
      .values({
        channel: input.channel,
        route_key: input.routeKey,
        tenant_id: input.tenantId,
        agent_id: input.agentId,
        secret,
        details,
        created_at: at,
        updated_at: at,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['channel', 'route_key'])
          .doUpdateSet({
            tenant_id: input.tenantId,
            agent_id: input.agentId,
            secret,
            details,
            updated_at: at,
          })
          .where('channel_bindings.tenant_id', '=', input.tenantId),
      )
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) {
      throw new StewardError(
        'conflict',
        `${input.channel} destination "${input.routeKey.slice(0, 200)}" is bound to another tenant: it can be bound to tenant "${input.tenantId}" only after that binding is removed`,
        { details: { channel: input.channel } },
      );
    }
  }

  /**
   * `resolve` through a short cache, for the webhook path: a burst of events from one workspace reads the
   * row once. A binding changed on another instance is seen within `routeCacheMs`; the worker checks the
   * binding again before answering, so a message routed by a stale entry is never answered by the old agent.
   */
  async route(channel: string, routeKey: string): Promise<ChannelBinding | undefined> {
    const key = `${channel}\u0000${routeKey}`;
    const cached = this.routeCache.get(key);
    const now = this.now();
    if (cached && cached.until > now) return cached.binding;
    // Concurrent lookups of one destination share one read; a failed read is not kept.
    const binding = this.resolve(channel, routeKey);
    binding.catch(() => this.routeCache.delete(key));
    if (this.routeCache.size >= 10_000) this.routeCache.clear();
    this.routeCache.set(key, { binding, until: now + this.routeCacheMs });
    return binding;
  }

  /** The binding of a destination with its secret decrypted, or undefined when none. */
  async resolve(channel: string, routeKey: string): Promise<ChannelBinding | undefined> {
    const row = await this.db
      .selectFrom('channel_bindings')
      .selectAll()
      .where('channel', '=', channel)
      .where('route_key', '=', routeKey)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      channel: row.channel,
      routeKey: row.route_key,
      tenantId: row.tenant_id,
      agentId: row.agent_id,
      secret: row.secret === null ? undefined : this.box.open(row.secret),
      details: JSON.parse(row.details) as Record<string, string>,
      updatedAt: Number(row.updated_at),
    };
  }

  /** A tenant's bindings, without secrets. */
  async list(tenantId: string): Promise<BindingSummary[]> {
    const rows = await this.db
      .selectFrom('channel_bindings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('channel')
      .orderBy('route_key')
      .execute();
    return rows.map((row) => ({
      channel: row.channel,
      routeKey: row.route_key,
      tenantId: row.tenant_id,
      agentId: row.agent_id,
      hasSecret: row.secret !== null,
      details: JSON.parse(row.details) as Record<string, string>,
      createdAt: row.created_at,
      updatedAt: Number(row.updated_at),
    }));
  }

  /** Removes a binding of the tenant; true when there was one. */
  async unbind(tenantId: string, channel: string, routeKey: string): Promise<boolean> {
    this.routeCache.delete(`${channel}\u0000${routeKey}`);
    const result = await this.db
      .deleteFrom('channel_bindings')
      .where('tenant_id', '=', tenantId)
      .where('channel', '=', channel)
      .where('route_key', '=', routeKey)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

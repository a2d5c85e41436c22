/**
 * Live agents on demand: an agent is built from its config on its first message and kept in an LRU
 * bounded by count and idle time, so an idle tenant costs no memory. Every live agent shares the host's
 * store and runtime. A config changed elsewhere (another instance, the CLI) is picked up within
 * `recheckMs`: the source's version is checked when an agent is taken, at most that often per agent.
 */
import type { AgentConfig } from '../../agent/index.js';
import { ClaudeAgent } from '../../agent/index.js';
import { StewardError } from '../../errors/index.js';
import type { AgentRuntime } from '../../runtime/index.js';
import type { StewardStore } from '../../store/index.js';

/** Where agent configs come from (the registry, or a fixed list from a config file). */
export interface AgentSource {
  /** The effective config and its version, or undefined when the agent does not exist or is disabled. */
  resolve(tenantId: string, agentId: string): Promise<{ config: AgentConfig; version: string } | undefined>;
  /** The current version alone (cheap), or undefined when the agent is gone or disabled. */
  version(tenantId: string, agentId: string): Promise<string | undefined>;
}

export interface AgentHostOptions {
  source: AgentSource;
  store: StewardStore;
  runtime: AgentRuntime;
  /** Live agents kept at most; the least recently used is closed first. Default 1,000. */
  maxAgents?: number;
  /** An agent unused this long (ms) is closed. Default 15 minutes. */
  idleMs?: number;
  /** How often (ms) a live agent's version is checked against the source when it is taken. Default 2,000. */
  recheckMs?: number;
  /** How long (ms) closing an evicted agent waits for its in-flight messages. Default 30,000. */
  drainTimeoutMs?: number;
  now?: () => number;
  /** Called once per agent built, e.g. to track it in metrics. */
  onBuilt?: (agent: ClaudeAgent) => void;
}

interface LiveAgent {
  agent: ClaudeAgent;
  version: string;
  lastUsedAt: number;
  checkedAt: number;
  /** Callers using the agent now: a retired agent closes once the last one is done. */
  leases: number;
  retired: boolean;
}

const key = (tenantId: string, agentId: string) => `${tenantId}\u0000${agentId}`;

/**
 * @example
 * const host = new AgentHost({ source: registry, store, runtime, maxAgents: 1000 });
 * const reply = await host.use('acme-bakery', 'front-desk', (agent) => agent.handle({ text: 'When do you open?' }));
 */
export class AgentHost {
  private readonly live = new Map<string, LiveAgent>();
  private readonly building = new Map<string, Promise<LiveAgent>>();
  private readonly closing = new Set<Promise<void>>();
  private readonly maxAgents: number;
  private readonly idleMs: number;
  private readonly recheckMs: number;
  private readonly drainTimeoutMs: number;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: AgentHostOptions) {
    this.maxAgents = positive(options.maxAgents ?? 1_000, 'maxAgents');
    this.idleMs = positive(options.idleMs ?? 15 * 60_000, 'idleMs');
    this.recheckMs = Math.max(0, options.recheckMs ?? 2_000);
    this.drainTimeoutMs = Math.max(0, options.drainTimeoutMs ?? 30_000);
    this.now = options.now ?? Date.now;
  }

  /** Live agents right now. */
  get size(): number {
    return this.live.size;
  }

  /**
   * Runs `work` with the live agent of a tenant, built on first use. Throws `not-found` when the source has
   * no such agent (or it is disabled); a config changed since the agent was built retires it and builds the
   * new one. The agent is not closed while `work` runs, even when it is evicted meanwhile, so nothing it
   * does (an operator action, a message) goes unrecorded.
   */
  async use<Result>(
    tenantId: string,
    agentId: string,
    work: (agent: ClaudeAgent) => Promise<Result>,
  ): Promise<Result> {
    const live = await this.take(tenantId, agentId);
    try {
      return await work(live.agent);
    } finally {
      live.leases--;
      if (live.retired && live.leases === 0) this.closeRetired(live);
    }
  }

  /** The live agent with a lease taken (synchronously, before any other caller can evict it). */
  private async take(tenantId: string, agentId: string): Promise<LiveAgent> {
    const live = await this.find(tenantId, agentId);
    if (live.retired) return this.take(tenantId, agentId);
    live.leases++;
    return live;
  }

  private async find(tenantId: string, agentId: string): Promise<LiveAgent> {
    if (this.closed) throw new StewardError('shutting-down', 'the agent host is closed');
    const id = key(tenantId, agentId);
    const now = this.now();
    this.evictIdle(now);
    const current = this.live.get(id);
    if (current) {
      if (now - current.checkedAt >= this.recheckMs) {
        const version = await this.options.source.version(tenantId, agentId);
        current.checkedAt = now;
        if (version !== current.version) {
          this.retire(id, current);
          if (version === undefined) throw notFound(tenantId, agentId);
          return this.build(tenantId, agentId);
        }
      }
      // Most recently used last: Map keeps insertion order.
      if (this.live.get(id) === current) {
        this.live.delete(id);
        current.lastUsedAt = now;
        this.live.set(id, current);
      }
      return current;
    }
    return this.build(tenantId, agentId);
  }

  /** Closes a tenant's live agent now (after a config change on this instance, a suspension …). */
  evict(tenantId: string, agentId?: string): void {
    for (const [id, live] of this.live) {
      if (live.agent.tenantId === tenantId && (agentId === undefined || live.agent.agentId === agentId)) {
        this.retire(id, live);
      }
    }
  }

  /** Every live agent (for shutdown drains and metrics). */
  agents(): ClaudeAgent[] {
    return [...this.live.values()].map((live) => live.agent);
  }

  /** Closes every live agent, waiting for their in-flight messages; the shared store and runtime stay open. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.building.values()]);
    for (const [id, live] of this.live) this.retire(id, live);
    await Promise.allSettled([...this.closing]);
  }

  private build(tenantId: string, agentId: string): Promise<LiveAgent> {
    const id = key(tenantId, agentId);
    let pending = this.building.get(id);
    if (!pending) {
      pending = this.open(tenantId, agentId).finally(() => this.building.delete(id));
      this.building.set(id, pending);
    }
    return pending;
  }

  private async open(tenantId: string, agentId: string): Promise<LiveAgent> {
    const resolved = await this.options.source.resolve(tenantId, agentId);
    if (!resolved) throw notFound(tenantId, agentId);
    const agent = new ClaudeAgent({
      ...resolved.config,
      tenantId,
      agentId,
      store: this.options.store,
      runtime: this.options.runtime,
    });
    await agent.start();
    const now = this.now();
    const live: LiveAgent = {
      agent,
      version: resolved.version,
      lastUsedAt: now,
      checkedAt: now,
      leases: 0,
      retired: false,
    };
    const id = key(tenantId, agentId);
    const replaced = this.live.get(id);
    if (replaced) this.retire(id, replaced);
    this.live.set(id, live);
    this.options.onBuilt?.(agent);
    while (this.live.size > this.maxAgents) {
      const [oldestId, oldest] = this.live.entries().next().value!;
      this.retire(oldestId, oldest);
    }
    return live;
  }

  private evictIdle(now: number): void {
    for (const [id, live] of this.live) {
      // Least recently used first: stop at the first agent still in use.
      if (now - live.lastUsedAt < this.idleMs) break;
      this.retire(id, live);
    }
  }

  /** Takes an agent out of the LRU and closes it once no caller uses it and its messages are done. */
  private retire(id: string, live: LiveAgent): void {
    if (this.live.get(id) === live) this.live.delete(id);
    if (live.retired) return;
    live.retired = true;
    if (live.leases === 0) this.closeRetired(live);
  }

  private closeRetired(live: LiveAgent): void {
    const closing = live.agent
      .close({ drainTimeoutMs: this.drainTimeoutMs })
      .catch(() => undefined)
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }
}

function notFound(tenantId: string, agentId: string): StewardError {
  return new StewardError('not-found', 'there is no such agent', { details: { tenantId, agentId } });
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1) {
    throw new StewardError('invalid-config', `${name} must be a number >= 1, received ${value}`);
  }
  return value;
}

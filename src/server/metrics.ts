/** Prometheus metrics of one steward process: HTTP traffic, interactions by agent and tier, the model runtime's queue. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ClaudeAgent } from '../agent/index.js';
import type { AgentRuntime } from '../runtime/index.js';
import type { InteractionRecord } from '../store/index.js';

export interface StewardMetrics {
  /** A registry of its own (never prom-client's global one), so several apps in one process do not collide. */
  readonly registry: Registry;
  /** Counts one HTTP response; `route` is the matched route pattern, never the raw path (bounded labels). */
  observeHttpRequest(method: string, route: string, status: number): void;
  /** Counts one finished interaction (done for you by `trackAgent`). */
  observeInteraction(interaction: InteractionRecord): void;
  /** Records how long a model run waited for a concurrency slot; pass it as the runtime's `onQueueWait`. */
  readonly observeQueueWait: (milliseconds: number) => void;
  /** Subscribes to the agent's `interaction-completed` events; returns the unsubscribe function. */
  trackAgent(agent: ClaudeAgent): () => void;
  /** Reads `runtime.stats()` at every scrape into the `steward_runtime_*` gauges. */
  trackRuntime(runtime: AgentRuntime): void;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  /** The Content-Type header for `render()`'s output. */
  readonly contentType: string;
}

export interface MetricsOptions {
  /** Collect Node process metrics (CPU, memory, event loop lag …); default true. */
  processMetrics?: boolean;
}

/**
 * @example
 * const metrics = createMetrics();
 * const runtime = await createSimulatedRuntime({ onQueueWait: metrics.observeQueueWait });
 * const app = createApp({ agents, store, runtime, metrics });
 */
export function createMetrics(options: MetricsOptions = {}): StewardMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: 'steward_http_requests_total',
    help: 'HTTP responses sent, by method, matched route and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const interactions = new Counter({
    name: 'steward_interactions_total',
    help: 'Interactions handled, by agent, answering tier and outcome.',
    labelNames: ['agent', 'tier', 'outcome'] as const,
    registers: [registry],
  });
  const interactionDuration = new Histogram({
    name: 'steward_interaction_duration_seconds',
    help: 'Time from a message arriving to its reply being durable, by agent and tier.',
    labelNames: ['agent', 'tier'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const interactionCost = new Counter({
    name: 'steward_interaction_cost_usd_total',
    help: 'Model spend in US dollars, by agent and tier.',
    labelNames: ['agent', 'tier'] as const,
    registers: [registry],
  });
  const queueWait = new Histogram({
    name: 'steward_runtime_queue_wait_seconds',
    help: 'Time a model run waited for a concurrency slot on this host.',
    buckets: [0, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });

  const runtimes: AgentRuntime[] = [];
  const runtimeGauge = (
    name: string,
    help: string,
    read: (stats: ReturnType<AgentRuntime['stats']>) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['runtime'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const runtime of runtimes) this.set({ runtime: runtime.name }, read(runtime.stats()));
      },
    });
  runtimeGauge('steward_runtime_running', 'Model runs executing now.', (stats) => stats.running);
  runtimeGauge(
    'steward_runtime_queue_depth',
    'Model runs waiting for a concurrency slot.',
    (stats) => stats.queued,
  );
  runtimeGauge(
    'steward_runtime_concurrency_limit',
    'Model runs allowed at once on this host.',
    (stats) => stats.limit,
  );

  const observeInteraction = (interaction: InteractionRecord) => {
    const agent = interaction.agentId;
    const tier = interaction.tier;
    interactions.inc({ agent, tier, outcome: interaction.outcome });
    interactionDuration.observe({ agent, tier }, interaction.latencyMs / 1000);
    // Always touch the series, so a $0 tier shows up as 0 rather than as missing.
    interactionCost.inc({ agent, tier }, Math.max(0, interaction.costUsd));
  };

  return {
    registry,
    contentType: registry.contentType,
    observeHttpRequest(method, route, status) {
      httpRequests.inc({ method, route, status: String(status) });
    },
    observeInteraction,
    observeQueueWait: (milliseconds) => queueWait.observe(Math.max(0, milliseconds) / 1000),
    trackAgent(agent) {
      return agent.events.on('interaction-completed', ({ interaction }) => observeInteraction(interaction));
    },
    trackRuntime(runtime) {
      if (!runtimes.includes(runtime)) runtimes.push(runtime);
    },
    render: () => registry.metrics(),
  };
}

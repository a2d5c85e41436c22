/**
 * Channels: Slack webhook acknowledgement latency under 200 concurrent signed requests on loopback
 * (verify, route, durable enqueue, 200), then queue throughput: workers on several store connections
 * (instances) claim and answer every queued message (both batches, 400) (a ClaudeAgent on an in-process runtime, replies
 * posted to the local fake Slack Web API).
 */
import { ClaudeAgent } from '../src/agent/index.js';
import { ChannelCore, createSlackChannel, signSlackRequest, type UseAgent } from '../src/channels/index.js';
import { FunctionRuntime } from '../src/runtime/index.js';
import { createApp, createMetrics, startServer } from '../src/server/index.js';
import type { StewardStore } from '../src/store/index.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { formatMs, type LatencySummary, summarise } from './stats.js';

export interface ChannelFigures {
  engine: string;
  requests: number;
  ack: LatencySummary;
  /** The same requests through `app.request` (no sockets, no HTTP client): the server's own work. */
  inProcessAck: LatencySummary;
  statuses: Record<number, number>;
  workers: number;
  processed: number;
  throughputPerSecond: number;
  drainMs: number;
}

const signingSecret = 'bench-signing-secret';

export async function benchChannels(
  engine: string,
  store: StewardStore,
  openAnother: () => Promise<StewardStore>,
  options: { requests?: number; workers?: number } = {},
): Promise<ChannelFigures> {
  const requests = options.requests ?? 200;
  const workerCount = options.workers ?? 4;
  const slack = await startFakeSlack({ tokens: ['xoxb-bench'] });
  const channelFor = () =>
    createSlackChannel({
      config: {
        type: 'slack',
        signingSecret,
        botToken: 'xoxb-bench',
        apiUrl: slack.apiUrl,
        features: ['threading'],
      },
      env: {},
    });
  const agents: ClaudeAgent[] = [];
  const useAgentOn = (agentStore: StewardStore): UseAgent => {
    const agent = new ClaudeAgent({
      tenantId: 'bench',
      agentId: 'desk',
      store: agentStore,
      runtime: new FunctionRuntime(async ({ prompt }) => `re: ${prompt}`),
    });
    agents.push(agent);
    return (_tenantId, _agentId, work) => work(agent);
  };
  const receiver = new ChannelCore({ store, adapters: [channelFor()], useAgent: useAgentOn(store) });
  await receiver.bindings.bind({
    channel: 'slack',
    routeKey: 'team:T-BENCH',
    tenantId: 'bench',
    agentId: 'desk',
  });
  const app = createApp({
    agents: [],
    store,
    metrics: createMetrics({ processMetrics: false }),
    channels: { core: receiver, slack: channelFor() },
  });
  const server = await startServer({ app, port: 0 });
  try {
    const bodies = Array.from({ length: requests }, (_, index) =>
      JSON.stringify({
        type: 'event_callback',
        team_id: 'T-BENCH',
        event_id: `Ev-bench-${engine}-${index}`,
        event: {
          type: 'app_mention',
          user: 'U1',
          text: `<@UBOT> question ${index}`,
          ts: `1690000000.${String(index).padStart(6, '0')}`,
          channel: `C${index % 20}`,
        },
      }),
    );
    const statuses: Record<number, number> = {};
    const samples = await Promise.all(
      bodies.map(async (body) => {
        const timestamp = Math.floor(Date.now() / 1000);
        const started = performance.now();
        const response = await fetch(`${server.url}/channels/slack/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
          },
          body,
        });
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        return performance.now() - started;
      }),
    );

    // The same work without sockets: 200 more events handed to the app in process, all at once.
    const inProcessSamples = await Promise.all(
      bodies.map(async (body) => {
        const copy = body.replace('Ev-bench-', 'Ev-bench-in-process-');
        const timestamp = Math.floor(Date.now() / 1000);
        const started = performance.now();
        const response = await app.request('/channels/slack/events', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': signSlackRequest(signingSecret, timestamp, copy),
          },
          body: copy,
        });
        await response.arrayBuffer();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        return performance.now() - started;
      }),
    );

    const workers: ChannelCore[] = [];
    for (let index = 0; index < workerCount; index++) {
      const workerStore = engine === 'postgres' ? await openAnother() : store;
      workers.push(
        new ChannelCore({
          store: workerStore,
          adapters: [channelFor()],
          useAgent: useAgentOn(workerStore),
          workerId: `bench-${index}`,
        }),
      );
    }
    const started = performance.now();
    const counts = await Promise.all(
      workers.map(async (worker) => {
        let handled = 0;
        for (;;) {
          const batch = await worker.processDue(8);
          if (batch === 0) return handled;
          handled += batch;
        }
      }),
    );
    const drainMs = performance.now() - started;
    const processed = counts.reduce((sum, count) => sum + count, 0);
    return {
      engine,
      requests,
      ack: summarise(samples),
      inProcessAck: summarise(inProcessSamples),
      statuses,
      workers: workerCount,
      processed,
      throughputPerSecond: processed / (drainMs / 1000),
      drainMs,
    };
  } finally {
    await server.close();
    for (const agent of agents) await agent.close();
    await slack.close();
  }
}

export function printChannels(figures: ChannelFigures): void {
  console.log(
    `\nchannels (${figures.engine}): ${figures.requests} concurrent signed Slack events on loopback`,
  );
  console.log(
    `  acknowledgement (verify, route, durable enqueue): p50 ${formatMs(figures.ack.p50)}, p99 ${formatMs(figures.ack.p99)}, max ${formatMs(figures.ack.max)} (target p99 ≤ 50 ms); statuses ${JSON.stringify(figures.statuses)}`,
  );
  console.log(
    `  the same through app.request (no sockets): p50 ${formatMs(figures.inProcessAck.p50)}, p99 ${formatMs(figures.inProcessAck.p99)}, max ${formatMs(figures.inProcessAck.max)}`,
  );
  console.log(
    `  queue: ${figures.processed} messages claimed, answered and replied by ${figures.workers} workers in ${formatMs(figures.drainMs)}: ${figures.throughputPerSecond.toFixed(0)} messages/s`,
  );
}

/**
 * Channels, inbound to reply: a Slack mention acknowledged by `POST /channels/slack/events` on loopback,
 * queued, claimed by a worker, answered by an agent on the real Claude Agent SDK and its CLI against the local
 * simulated Messages API, and replied in its thread through the fake Slack Web API. One mention at a time, each
 * from a new thread (a new conversation: the CLI starts cold, as for a first message).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaudeAgent } from '../src/agent/index.js';
import { ChannelCore } from '../src/channels/index.js';
import { createSimulatedRuntime } from '../src/runtime/index.js';
import { startServer } from '../src/server/index.js';
import type { StewardStore } from '../src/store/index.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { benchSlackChannel, signedSlackHeaders, slackEventsApp } from './slack-bench-app.js';
import { formatMs, type LatencySummary, summarise } from './stats.js';

export interface ReplyFigures {
  engine: string;
  mentions: number;
  /** From sending the event to the reply's arrival in the thread at the (fake) Slack Web API. */
  inboundToReply: LatencySummary;
  /** The acknowledgement alone, of the same requests. */
  ack: LatencySummary;
}

const signingSecret = 'bench-reply-signing-secret';

export async function benchInboundToReply(
  engine: string,
  store: StewardStore,
  mentions = Number(process.env.STEWARD_BENCH_CHANNELS_REPLIES ?? 10),
): Promise<ReplyFigures> {
  const folder = mkdtempSync(join(tmpdir(), 'steward-bench-reply-'));
  const slack = await startFakeSlack({ tokens: ['xoxb-bench'] });
  const runtime = await createSimulatedRuntime({
    runsDirectory: join(folder, 'runs'),
    workspacesDirectory: join(folder, 'workspaces'),
  });
  const agent = new ClaudeAgent({ tenantId: 'bench-reply', agentId: 'desk', store, runtime });
  const channel = () => benchSlackChannel(signingSecret, slack.apiUrl);
  const core = new ChannelCore({
    store,
    adapters: [channel()],
    useAgent: (_tenant, _agent, work) => work(agent),
  });
  const app = await slackEventsApp(store, core, channel(), 'T-REPLY', 'bench-reply');
  const server = await startServer({ app, port: 0 });
  const stopWorker = core.startWorker({ pollMs: 50, concurrency: 4 });
  const latencies: number[] = [];
  const acks: number[] = [];
  try {
    for (let index = 0; index < mentions; index++) {
      const ts = `1690002000.${String(index).padStart(6, '0')}`;
      const body = JSON.stringify({
        type: 'event_callback',
        team_id: 'T-REPLY',
        event_id: `Ev-reply-${engine}-${index}`,
        event: {
          type: 'app_mention',
          user: `U${index}`,
          text: '<@UBOT> what time do you open on Saturday?',
          ts,
          channel: 'C-REPLY',
        },
      });
      const started = performance.now();
      const response = await fetch(`${server.url}/channels/slack/events`, {
        method: 'POST',
        headers: signedSlackHeaders(signingSecret, body),
        body,
      });
      await response.arrayBuffer();
      acks.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`the events route answered ${response.status}`);
      const deadline = started + 120_000;
      while (!slack.messages.some((message) => message.threadTs === ts && message.text.length > 0)) {
        if (performance.now() > deadline) throw new Error(`no reply in thread ${ts} within 120 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      latencies.push(performance.now() - started);
    }
  } finally {
    await stopWorker();
    await server.close();
    await agent.close();
    await runtime.close?.();
    await slack.close();
    rmSync(folder, { recursive: true, force: true });
  }
  return { engine, mentions, inboundToReply: summarise(latencies), ack: summarise(acks) };
}

export function printInboundToReply(figures: ReplyFigures): void {
  console.log(
    `  inbound to reply (${figures.engine}, ${figures.mentions} mentions one at a time, each a new thread; real SDK and CLI against the local simulated model): p50 ${formatMs(figures.inboundToReply.p50)}, p99 ${formatMs(figures.inboundToReply.p99)}, max ${formatMs(figures.inboundToReply.max)}; their acknowledgement p50 ${formatMs(figures.ack.p50)}`,
  );
}

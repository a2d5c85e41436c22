/**
 * Channels: Slack webhook acknowledgement latency under 200 concurrent signed requests on loopback
 * (verify, route, durable enqueue, 200) from a load client in another process, then queue throughput: workers on several store connections
 * (instances) claim and answer every queued message (every round and the in-process batch) (a ClaudeAgent on an in-process runtime, replies
 * posted to the local fake Slack Web API).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ClaudeAgent } from '../src/agent/index.js';
import { ChannelCore, type UseAgent } from '../src/channels/index.js';
import { FunctionRuntime } from '../src/runtime/index.js';
import { startServer } from '../src/server/index.js';
import type { StewardStore } from '../src/store/index.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import type { LoadOutput } from './channels-load-client.js';
import { benchSlackChannel, signedSlackHeaders, slackEventsApp } from './slack-bench-app.js';
import { formatMs, type LatencySummary, summarise } from './stats.js';

export interface ChannelFigures {
  engine: string;
  requests: number;
  /** Rounds of `requests` concurrent events measured (after the client's warm-up rounds): `ack` has requests × rounds samples. */
  rounds: number;
  /** From a load client in another process, over keep-alive connections opened by the warm-up round. */
  ack: LatencySummary;
  /** The first warm-up round: every request on a new connection, cold code. */
  coldAck: LatencySummary;
  /**
   * The server process's CPU time (user + system) per acknowledged request over the client's rounds: less
   * swayed by a busy machine than latency (the server is one thread: 200 at once wait for 200 of these).
   */
  serverCpuMsPerRequest: number;
  /** The load client's CPU time per request (its own process): small next to the server's, or it is the bottleneck. */
  clientCpuMsPerRequest: number;
  /** Whether a worker answered queued messages in this process during the measured rounds. */
  workerDuring: boolean;
  /** `messageHandling.detectUrgency` on (`STEWARD_BENCH_CHANNELS_URGENCY=1`): words scored at accept, context after the commit. */
  detectUrgency: boolean;
  /** Group commits of the queue over the measured rounds, and the messages they carried. */
  commits: { commits: number; messages: number };
  /**
   * The floor: a bare `node:http` server (reads the body, parses the JSON, answers 200; no signature, no
   * store) under the same client and rounds: its CPU per request and latency.
   */
  bare: { cpuMsPerRequest: number; ack: LatencySummary };
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
  options: { requests?: number; workers?: number; rounds?: number; warmUpRounds?: number } = {},
): Promise<ChannelFigures> {
  const requests = options.requests ?? 200;
  // STEWARD_BENCH_CHANNELS_WORKERS=0: acknowledgements only (A/B runs), no queue throughput.
  const workerCount = options.workers ?? Number(process.env.STEWARD_BENCH_CHANNELS_WORKERS ?? 4);
  const slack = await startFakeSlack({ tokens: ['xoxb-bench'] });
  const channelFor = () => benchSlackChannel(signingSecret, slack.apiUrl);
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
  // STEWARD_BENCH_CHANNELS_URGENCY=1: urgency scored as with `messageHandling.detectUrgency` (default off).
  const detectUrgency = process.env.STEWARD_BENCH_CHANNELS_URGENCY === '1';
  const receiver = new ChannelCore({
    store,
    adapters: [channelFor()],
    useAgent: useAgentOn(store),
    ...(detectUrgency ? { handlingOf: () => ({ detectUrgency: true }) } : {}),
  });
  const app = await slackEventsApp(store, receiver, channelFor(), 'T-BENCH', 'bench');
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
          text: `<@UBOT> could you check where my order ${index} is? it was due this week`,
          ts: `1690000000.${String(index).padStart(6, '0')}`,
          channel: `C${index % 20}`,
        },
      }),
    );
    const statuses: Record<number, number> = {};
    // The load client runs in a process of its own: its signing and parsing do not share the server's loop.
    // STEWARD_BENCH_CHANNELS_PROFILE=<file.cpuprofile>: the server's CPU profile of the measured rounds only.
    // The CPU count and the profile start once the client has warmed up (cold code compiled on both sides).
    let cpuBefore = process.cpuUsage();
    let profile: { stop(): Promise<void> } | undefined;
    // STEWARD_BENCH_CHANNELS_WORKER_DURING=1: a worker in this process answers the queued messages during the
    // measured rounds, as under `steward serve` (its agent runs in process, its replies go to the fake Slack
    // API, also in this process): the acknowledgements share the loop with it. Default: no worker runs then.
    const workerDuring = process.env.STEWARD_BENCH_CHANNELS_WORKER_DURING === '1';
    let stopWorker: (() => Promise<void>) | undefined;
    let commitsBefore = receiver.queue.groupCommits;
    const load = await runLoadClient(
      {
        url: `${server.url}/channels/slack/events`,
        signingSecret,
        requests,
        rounds: options.rounds ?? 5,
        // A server taking webhooks is warm: its code is compiled after a few thousand requests (the CPU per
        // request still fell by half between 400 and 3,000 requests). The first round is reported as the cold figure.
        warmUpRounds: options.warmUpRounds ?? 15,
        prefix: `bench-${engine}`,
      },
      async () => {
        // The warm-up's sender contexts are scored before the count starts (they are not the measured rounds').
        await receiver.urgencyContextSettled();
        if (workerDuring) stopWorker = receiver.startWorker({ concurrency: 4 });
        profile = await startProfile(process.env.STEWARD_BENCH_CHANNELS_PROFILE);
        cpuBefore = process.cpuUsage();
        commitsBefore = receiver.queue.groupCommits;
      },
    );
    // The sender contexts scored after the last commits are part of the acknowledgements' CPU.
    await receiver.urgencyContextSettled();
    const cpu = process.cpuUsage(cpuBefore);
    await stopWorker?.();
    const commitsAfter = receiver.queue.groupCommits;
    const commits = {
      commits: commitsAfter.commits - commitsBefore.commits,
      messages: commitsAfter.messages - commitsBefore.messages,
    };
    for (const [status, count] of Object.entries(load.statuses)) {
      statuses[Number(status)] = (statuses[Number(status)] ?? 0) + count;
    }
    const samples = load.rounds.flat();
    await profile?.stop();
    const served = requests * load.rounds.length;

    const bare = await benchBareServer(requests, options.rounds ?? 5, options.warmUpRounds ?? 15);

    // The same work without sockets: 200 more events handed to the app in process, all at once.
    const inProcessSamples = await Promise.all(
      bodies.map(async (body) => {
        const copy = body.replace('Ev-bench-', 'Ev-bench-in-process-');
        const started = performance.now();
        const response = await app.request('/channels/slack/events', {
          method: 'POST',
          headers: signedSlackHeaders(signingSecret, copy),
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
      rounds: load.rounds.length,
      ack: summarise(samples),
      coldAck: summarise(load.warmUp),
      serverCpuMsPerRequest: (cpu.user + cpu.system) / 1000 / served,
      clientCpuMsPerRequest: load.clientCpuMsPerRequest,
      commits,
      workerDuring,
      detectUrgency,
      inProcessAck: summarise(inProcessSamples),
      bare,
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

/** Profiles this process (the server) until `stop`, which writes the profile to `file` (Chrome DevTools format). */
async function startProfile(file: string | undefined): Promise<{ stop(): Promise<void> } | undefined> {
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** The same load on a bare `node:http` server in this process: what Node's HTTP stack alone costs here. */
async function benchBareServer(
  requests: number,
  rounds: number,
  warmUpRounds: number,
): Promise<{ cpuMsPerRequest: number; ack: LatencySummary }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 0 });
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    let cpuBefore = process.cpuUsage();
    const load = await runLoadClient(
      {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/channels/slack/events`,
        signingSecret,
        requests,
        rounds,
        warmUpRounds,
        prefix: 'bare',
      },
      async () => {
        cpuBefore = process.cpuUsage();
      },
    );
    const cpu = process.cpuUsage(cpuBefore);
    return {
      cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / (requests * load.rounds.length),
      ack: summarise(load.rounds.flat()),
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Runs the load client (channels-load-client.ts) in a child process; `onWarm` runs before its measured rounds. */
async function runLoadClient(
  input: {
    url: string;
    signingSecret: string;
    requests: number;
    rounds: number;
    warmUpRounds: number;
    prefix: string;
  },
  onWarm: () => Promise<void>,
): Promise<LoadOutput> {
  const entry = fileURLToPath(new URL('./channels-load-client.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry, JSON.stringify(input)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  let warm = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    if (!warm && output.includes('warm\n')) {
      warm = true;
      void onWarm().then(() => child.stdin.end('go\n'));
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const last = output.trim().split('\n').at(-1);
  if (code !== 0 || !last) throw new Error(`the load client failed (exit ${code}): ${output.slice(-2000)}`);
  return JSON.parse(last) as LoadOutput;
}

export function printChannels(figures: ChannelFigures): void {
  console.log(
    `\nchannels (${figures.engine}): ${figures.requests} concurrent signed Slack events on loopback, ${figures.rounds} rounds, the client in another process, ${figures.workerDuring ? 'a worker answering in the same process' : 'no worker running'}, urgency ${figures.detectUrgency ? 'on' : 'off'}; load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `  acknowledgement (verify, route, durable enqueue): p50 ${formatMs(figures.ack.p50)}, p99 ${formatMs(figures.ack.p99)}, max ${formatMs(figures.ack.max)} (target p99 ≤ 50 ms); statuses ${JSON.stringify(figures.statuses)}`,
  );
  console.log(
    `  server CPU per acknowledged request: ${formatMs(figures.serverCpuMsPerRequest)} (× ${figures.requests} at once ≈ ${formatMs(figures.serverCpuMsPerRequest * figures.requests)} for the last one on an idle core); the load client's: ${formatMs(figures.clientCpuMsPerRequest)}`,
  );
  console.log(
    `  durable enqueue: ${figures.commits.messages} messages in ${figures.commits.commits} group commits (${(figures.commits.messages / Math.max(1, figures.commits.commits)).toFixed(1)} per commit)`,
  );
  console.log(
    `  first round (new connections): p50 ${formatMs(figures.coldAck.p50)}, p99 ${formatMs(figures.coldAck.p99)}, max ${formatMs(figures.coldAck.max)}`,
  );
  console.log(
    `  floor, a bare node:http server under the same load: CPU per request ${formatMs(figures.bare.cpuMsPerRequest)}, p50 ${formatMs(figures.bare.ack.p50)}, p99 ${formatMs(figures.bare.ack.p99)}`,
  );
  console.log(
    `  the same through app.request (no sockets): p50 ${formatMs(figures.inProcessAck.p50)}, p99 ${formatMs(figures.inProcessAck.p99)}, max ${formatMs(figures.inProcessAck.max)}`,
  );
  if (figures.workers === 0) return;
  console.log(
    `  queue: ${figures.processed} messages claimed, answered and replied by ${figures.workers} workers in ${formatMs(figures.drainMs)}: ${figures.throughputPerSecond.toFixed(0)} messages/s`,
  );
}

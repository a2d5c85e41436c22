/**
 * The channels bench's load client, run in a process of its own so its work (signing, sending, parsing)
 * does not share the server's event loop: rounds of `requests` concurrent signed Slack events over
 * keep-alive sockets, each request's latency from send to the last byte of the answer. Prints one JSON line.
 *
 *   node --import tsx bench/channels-load-client.ts '{"url":"http://127.0.0.1:8787/channels/slack/events",…}'
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

interface LoadInput {
  url: string;
  signingSecret: string;
  requests: number;
  /** Rounds measured after one warm-up round (which opens the sockets). */
  rounds: number;
  /** Makes event ids unique across runs on one store. */
  prefix: string;
}

export interface LoadOutput {
  /** Per measured round, each request's latency (ms). */
  rounds: number[][];
  /** The warm-up round's latencies (new connections, cold code). */
  warmUp: number[];
  statuses: Record<number, number>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as LoadInput;
const target = new URL(input.url);
const agent = new Agent({ keepAlive: true, maxSockets: input.requests });
const statuses: Record<number, number> = {};
let sequence = 0;

function bodyOf(index: number): string {
  sequence++;
  return JSON.stringify({
    type: 'event_callback',
    team_id: 'T-BENCH',
    event_id: `Ev-${input.prefix}-${sequence}`,
    event: {
      type: 'app_mention',
      user: 'U1',
      text: `<@UBOT> question ${sequence}`,
      ts: `1690000000.${String(sequence).padStart(6, '0')}`,
      channel: `C${index % 20}`,
    },
  });
}

function send(index: number): Promise<number> {
  const body = bodyOf(index);
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', input.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const outgoing = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signature,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          statuses[response.statusCode ?? 0] = (statuses[response.statusCode ?? 0] ?? 0) + 1;
          resolve(performance.now() - started);
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const round = () => Promise.all(Array.from({ length: input.requests }, (_, index) => send(index)));

const warmUp = await round();
const rounds: number[][] = [];
for (let index = 0; index < input.rounds; index++) rounds.push(await round());
agent.destroy();
const output: LoadOutput = { rounds, warmUp, statuses };
process.stdout.write(`${JSON.stringify(output)}\n`);

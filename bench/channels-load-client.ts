/**
 * The channels bench's load client, run in a process of its own so its work does not share the server's
 * event loop, and lean so that it is not the bottleneck it measures (Node's http client cost about 0.4 ms
 * of CPU per request here, more than a bare server): rounds of `requests` concurrent signed Slack events,
 * one per keep-alive socket, written as prebuilt HTTP/1.1 bytes (signed before the round, as Slack signs
 * before it sends) and answered responses read by their status line and Content-Length. Each request's
 * latency runs from its write to the last byte of its answer. Prints one JSON line.
 *
 *   node --import tsx bench/channels-load-client.ts '{"url":"http://127.0.0.1:8787/channels/slack/events",…}'
 */
import { createHmac } from 'node:crypto';
import { connect, type Socket } from 'node:net';

interface LoadInput {
  url: string;
  signingSecret: string;
  requests: number;
  /** Rounds measured after the round that opens the sockets and `warmUpRounds` more (default 2). */
  rounds: number;
  warmUpRounds?: number;
  /** Makes event ids unique across runs on one store. */
  prefix: string;
}

export interface LoadOutput {
  /** Per measured round, each request's latency (ms). */
  rounds: number[][];
  /** The warm-up round's latencies (each on a new connection, timed from the connect; cold code). */
  warmUp: number[];
  statuses: Record<number, number>;
  /** The client process's CPU time (user + system, ms) per request over the measured rounds. */
  clientCpuMsPerRequest: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as LoadInput;
const target = new URL(input.url);
const statuses: Record<number, number> = {};
let sequence = 0;

function requestBytes(index: number): Buffer {
  sequence++;
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: 'T-BENCH',
    event_id: `Ev-${input.prefix}-${sequence}`,
    event: {
      type: 'app_mention',
      user: 'U1',
      text: `<@UBOT> could you check where my order ${sequence} is? it was due this week`,
      ts: `1690000000.${String(sequence).padStart(6, '0')}`,
      channel: `C${index % 20}`,
    },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', input.signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return Buffer.from(
    `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Slack-Request-Timestamp: ${timestamp}\r\nX-Slack-Signature: ${signature}\r\n\r\n${body}`,
  );
}

/** One keep-alive connection: sends a request, resolves with its answer's status once it is read whole. */
class Connection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (status: number) => void; reject: (error: Error) => void } | undefined;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      this.answer();
    });
    socket.on('error', (error) => this.waiting?.reject(error));
    socket.on('close', () => this.waiting?.reject(new Error('the server closed the connection')));
  }

  send(bytes: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  /** Completes the waiting request once its status line, headers and whole body (by length or chunks) are in. */
  private answer(): void {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    const total = length ? end + 4 + Number(length[1]) : chunkedEnd(this.buffered, end + 4);
    if (total === undefined || this.buffered.length < total) return;
    const status = Number(head.slice(9, 12));
    this.buffered = this.buffered.subarray(total);
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve(status);
  }
}

/** Where a chunked body that starts at `start` ends (after its last, empty chunk), or undefined while incomplete. */
function chunkedEnd(buffer: Buffer, start: number): number | undefined {
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buffer.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error('a malformed chunked answer');
    at = lineEnd + 2 + size + 2;
    if (size === 0) return at <= buffer.length ? at : undefined;
    if (at > buffer.length) return undefined;
  }
}

function open(): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port) }, () =>
      resolve(new Connection(socket)),
    );
    socket.once('error', reject);
  });
}

async function timed(connection: Connection, bytes: Buffer, started = performance.now()): Promise<number> {
  const status = await connection.send(bytes);
  statuses[status] = (statuses[status] ?? 0) + 1;
  return performance.now() - started;
}

const connections: Connection[] = [];
const warmUp = await Promise.all(
  Array.from({ length: input.requests }, async (_, index) => {
    const bytes = requestBytes(index);
    const started = performance.now();
    const connection = await open();
    connections[index] = connection;
    return timed(connection, bytes, started);
  }),
);

// Warm-up rounds on the open sockets (cold code on both sides), then `warm` on stdout: the server starts its
// CPU count and profile and answers `go` on stdin, so the server's CPU per request is of the measured rounds.
for (let round = 0; round < (input.warmUpRounds ?? 2); round++) {
  const requests = connections.map((_, index) => requestBytes(index));
  await Promise.all(connections.map((connection, index) => timed(connection, requests[index]!)));
}
process.stdout.write('warm\n');
await new Promise<void>((resolve) => {
  process.stdin.setEncoding('utf8').on('data', (chunk: string) => {
    if (chunk.includes('go')) resolve();
  });
});
process.stdin.pause();
const rounds: number[][] = [];
let cpu = { user: 0, system: 0 };
for (let round = 0; round < input.rounds; round++) {
  const requests = connections.map((_, index) => requestBytes(index));
  const before = process.cpuUsage();
  rounds.push(await Promise.all(connections.map((connection, index) => timed(connection, requests[index]!))));
  const used = process.cpuUsage(before);
  cpu = { user: cpu.user + used.user, system: cpu.system + used.system };
}
for (const connection of connections) connection.socket.destroy();
const clientCpuMsPerRequest = (cpu.user + cpu.system) / 1000 / (input.rounds * input.requests);
const output: LoadOutput = { rounds, warmUp, statuses, clientCpuMsPerRequest };
process.stdout.write(`${JSON.stringify(output)}\n`);

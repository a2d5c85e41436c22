/**
 * The load client of `npm run bench http`: one autocannon run in a process of its own, so the client
 * does not share a process (or its CPU accounting) with a measured server. Takes its options as JSON in
 * argv[2] and prints the figures it needs as one JSON line.
 */
import { createRequire } from 'node:module';

/** The part of autocannon's API (9.x, CommonJS, no bundled types) this client uses. */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (options: {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  total: number;
  failures: number;
  /** What the failures were: response statuses other than 2xx, socket errors, timeouts. */
  failureKinds: Record<string, number>;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadRequest;
const result = await autocannon({
  url: options.url,
  method: 'POST',
  headers: options.headers,
  body: options.body,
  connections: options.connections,
  duration: options.seconds,
});
const figures: LoadResult = {
  requestsPerSecond: result.requests.average,
  latencyP50Ms: result.latency.p50,
  latencyP99Ms: result.latency.p99,
  total: result.requests.total,
  failures: result.non2xx + result.errors,
  failureKinds: failureKinds(result),
};
console.log(JSON.stringify(figures));

function failureKinds(result: AutocannonResult): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    if (!status.startsWith('2')) kinds[`status ${status}`] = count;
  }
  // autocannon counts a timeout as an error too.
  if (result.errors - result.timeouts > 0) kinds.errors = result.errors - result.timeouts;
  if (result.timeouts > 0) kinds.timeouts = result.timeouts;
  return kinds;
}

/**
 * The pure parts of `npm run bench http`: its settings (environment and flags), the table and
 * the three target ratios with their verdicts, so they can be tested without starting a server.
 */
import { isAbsolute, resolve } from 'node:path';
import type { LatencySummary } from './stats.js';

export interface HttpBenchSettings {
  /** Seconds of each autocannon run (STEWARD_BENCH_HTTP_SECONDS). */
  loadSeconds: number;
  /** Connections of each autocannon run (STEWARD_BENCH_HTTP_CONNECTIONS). */
  connections: number;
  /** Sequential requests measured per path (STEWARD_BENCH_HTTP_REQUESTS), after `warmupRequests`. */
  sequentialRequests: number;
  /** Sequential requests sent first and not measured (STEWARD_BENCH_HTTP_WARMUP). */
  warmupRequests: number;
  /** Folder for steward's `--cpu-prof` profile (`--cpu-prof=<dir>` or STEWARD_BENCH_HTTP_CPU_PROF). */
  cpuProfileDirectory: string | undefined;
  /** A steward config file used as given (`--steward-config=<file>` or STEWARD_BENCH_HTTP_CONFIG). */
  stewardConfig: string | undefined;
}

/** Reads the settings; a malformed number throws naming the variable. `cwd` resolves relative paths. */
export function httpBenchSettings(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): HttpBenchSettings {
  const flag = (name: string) =>
    argv.find((argument) => argument.startsWith(`--${name}=`))?.slice(name.length + 3) || undefined;
  const path = (value: string | undefined) =>
    value === undefined || value.trim() === '' ? undefined : isAbsolute(value) ? value : resolve(cwd, value);
  return {
    loadSeconds: wholeNumber(env, 'STEWARD_BENCH_HTTP_SECONDS', 10, 1),
    connections: wholeNumber(env, 'STEWARD_BENCH_HTTP_CONNECTIONS', 50, 1),
    sequentialRequests: wholeNumber(env, 'STEWARD_BENCH_HTTP_REQUESTS', 2_000, 1),
    warmupRequests: wholeNumber(env, 'STEWARD_BENCH_HTTP_WARMUP', 300, 0),
    cpuProfileDirectory: path(flag('cpu-prof') ?? env.STEWARD_BENCH_HTTP_CPU_PROF),
    stewardConfig: path(flag('steward-config') ?? env.STEWARD_BENCH_HTTP_CONFIG),
  };
}

function wholeNumber(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
  minimum: number,
): number {
  const text = env[name]?.trim().replaceAll('_', '');
  if (text === undefined || text === '') return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= minimum))
    throw new Error(`${name} must be a whole number >= ${minimum}, received "${text}"`);
  return value;
}

/** The text of the fake upstream's reply: a reply holding it came from the upstream. */
export const upstreamMarker = 'Hello from the fake upstream';

export type PathName = 'direct' | 'portkey' | 'steward';

export const pathLabels: Record<PathName, string> = {
  direct: 'direct to upstream',
  portkey: 'Portkey → upstream',
  steward: 'steward cache hit',
};

export interface PathFigures {
  path: PathName;
  sequential: LatencySummary;
  /** Mean requests per second of the autocannon run. */
  requestsPerSecond: number;
  /** Responses of the load run that were not 2xx, plus errors and timeouts: each one is a failed run. */
  failures: number;
  /** What the failures were (`status 503`, `errors`, `timeouts`) with their counts. */
  failureKinds?: Record<string, number>;
  /** RSS of the server process in MiB: idle after start and warm-up, and the highest sampled under load. */
  rssIdleMiB?: number;
  rssPeakMiB?: number;
  /** CPU time of the server process (all threads) under load, per request answered, in microseconds. */
  cpuPerRequestUs?: number;
}

export interface Verdict {
  name: string;
  value: number;
  target: string;
  met: boolean;
}

/** The path's sequential p50 minus the direct path's: what the gateway adds to a request. */
export function addedP50(path: PathFigures, direct: PathFigures): number {
  return path.sequential.p50 - direct.sequential.p50;
}

/** The three targets: req/s ≥ 5× Portkey's, added p50 ≤ 0.5× Portkey's, idle RSS ≤ 150 MiB. */
export function verdicts(figures: readonly PathFigures[]): Verdict[] {
  const direct = find(figures, 'direct');
  const portkey = find(figures, 'portkey');
  const steward = find(figures, 'steward');
  const throughput = steward.requestsPerSecond / portkey.requestsPerSecond;
  // A steward that adds nothing meets the latency target whatever Portkey adds.
  const stewardAdded = addedP50(steward, direct);
  const latency = stewardAdded / addedP50(portkey, direct);
  const rss = steward.rssIdleMiB ?? Number.NaN;
  return [
    // Failed requests (a 429, a 500) are cheap: a run with any does not count as meeting the target.
    {
      name: 'steward req/s ÷ Portkey req/s',
      value: throughput,
      target: '≥ 5',
      met: throughput >= 5 && steward.failures === 0 && portkey.failures === 0,
    },
    {
      name: 'steward added p50 ÷ Portkey added p50',
      value: latency,
      target: '≤ 0.5',
      met: stewardAdded <= 0 || (latency >= 0 && latency <= 0.5),
    },
    { name: 'steward idle RSS (MiB)', value: rss, target: '≤ 150', met: rss <= 150 },
  ];
}

function find(figures: readonly PathFigures[], path: PathName): PathFigures {
  const found = figures.find((figure) => figure.path === path);
  if (!found) throw new Error(`no figures for the ${pathLabels[path]} path`);
  return found;
}

const milliseconds = (value: number) => `${value.toFixed(2)} ms`;
const signedMilliseconds = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`;
const wholeWithCommas = (value: number) => Math.round(value).toLocaleString('en-US');
const mebibytes = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(0));

/** The table (Markdown), one row per path, direct first. */
export function formatHttpTable(figures: readonly PathFigures[], connections: number): string {
  const direct = find(figures, 'direct');
  const lines = [
    `| path | sequential p50 / p99 | added p50 | req/s at ${connections} connections | RSS idle / under load |`,
    '|---|---|---|---|---|',
  ];
  for (const figure of figures) {
    const added = figure.path === 'direct' ? '—' : signedMilliseconds(addedP50(figure, direct));
    const rss =
      figure.rssIdleMiB === undefined
        ? '—'
        : `${mebibytes(figure.rssIdleMiB)} / ${mebibytes(figure.rssPeakMiB)} MiB`;
    const failed = figure.failures > 0 ? ` (${wholeWithCommas(figure.failures)} failed)` : '';
    lines.push(
      `| ${pathLabels[figure.path]} | ${milliseconds(figure.sequential.p50)} / ${milliseconds(figure.sequential.p99)} | ${added} | ${wholeWithCommas(figure.requestsPerSecond)}${failed} | ${rss} |`,
    );
  }
  return lines.join('\n');
}

/** The servers' CPU per request under load (what bounds throughput on a shared machine), or '' unmeasured. */
export function formatCpuPerRequest(figures: readonly PathFigures[]): string {
  const measured = figures.filter((figure) => figure.cpuPerRequestUs !== undefined);
  if (measured.length === 0) return '';
  const parts = measured.map(
    (figure) => `${pathLabels[figure.path]} ${wholeWithCommas(figure.cpuPerRequestUs!)} µs`,
  );
  return `server CPU per request under load (user + system, all threads): ${parts.join(', ')}`;
}

/** One line per target: the ratio, the target and met/missed. */
export function formatVerdicts(list: readonly Verdict[]): string {
  return list
    .map(
      (verdict) =>
        `${verdict.name}: ${Number.isFinite(verdict.value) ? verdict.value.toFixed(2) : 'n/a'} (target ${verdict.target}) ${verdict.met ? 'met' : 'missed'}`,
    )
    .join('\n');
}

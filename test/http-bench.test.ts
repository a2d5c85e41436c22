import { describe, expect, it } from 'vitest';
import {
  addedP50,
  formatCpuPerRequest,
  formatHttpTable,
  formatVerdicts,
  httpBenchSettings,
  type PathFigures,
  verdicts,
} from '../bench/http-report.js';
import { summarise } from '../bench/stats.js';

/** A path whose sequential samples all take `p50` ms (p99 twice that). */
function path(
  name: PathFigures['path'],
  p50: number,
  requestsPerSecond: number,
  rss?: [number, number],
): PathFigures {
  const samples = [...Array.from({ length: 98 }, () => p50), p50 * 2, p50 * 2];
  return {
    path: name,
    sequential: summarise(samples),
    requestsPerSecond,
    failures: 0,
    ...(rss ? { rssIdleMiB: rss[0], rssPeakMiB: rss[1] } : {}),
  };
}

describe('the HTTP side-by-side benchmark (npm run bench http)', () => {
  it('reads its durations, counts, profile folder and config from the environment and flags', () => {
    expect(httpBenchSettings(['http'], {}, '/work')).toEqual({
      loadSeconds: 10,
      connections: 50,
      sequentialRequests: 2_000,
      warmupRequests: 300,
      cpuProfileDirectory: undefined,
      stewardConfig: undefined,
    });
    const settings = httpBenchSettings(
      ['http', '--cpu-prof=profiles', '--steward-config=/configs/audit-off.mjs'],
      {
        STEWARD_BENCH_HTTP_SECONDS: '3',
        STEWARD_BENCH_HTTP_REQUESTS: '5_000',
        STEWARD_BENCH_HTTP_WARMUP: '0',
      },
      '/work',
    );
    expect(settings).toMatchObject({
      loadSeconds: 3,
      sequentialRequests: 5_000,
      warmupRequests: 0,
      cpuProfileDirectory: '/work/profiles',
      stewardConfig: '/configs/audit-off.mjs',
    });
    expect(
      httpBenchSettings(
        [],
        { STEWARD_BENCH_HTTP_CPU_PROF: '/tmp/p', STEWARD_BENCH_HTTP_CONFIG: 'a.ts' },
        '/w',
      ),
    ).toMatchObject({ cpuProfileDirectory: '/tmp/p', stewardConfig: '/w/a.ts' });
    expect(() => httpBenchSettings([], { STEWARD_BENCH_HTTP_SECONDS: '0' }, '/')).toThrow(
      /STEWARD_BENCH_HTTP_SECONDS must be a whole number >= 1, received "0"/,
    );
    expect(() => httpBenchSettings([], { STEWARD_BENCH_HTTP_CONNECTIONS: 'many' }, '/')).toThrow(
      /whole number/,
    );
  });

  it('judges the three targets of the issue from the figures', () => {
    // Times exact in binary, so the boundaries below are the targets themselves.
    const direct = path('direct', 0.25, 30_000);
    const portkey = path('portkey', 2.25, 1_000, [100, 220]);
    // Measured before the work on issue 15: every target missed.
    const before = verdicts([direct, portkey, path('steward', 5.25, 1_100, [250, 400])]);
    expect(before.map((verdict) => verdict.met)).toEqual([false, false, false]);
    expect(before[0]!.value).toBeCloseTo(1.1);
    expect(before[1]!.value).toBe(2.5);
    expect(before[2]!.value).toBe(250);
    // At the targets exactly: 5× the requests, half the added latency, 150 MiB.
    const at = verdicts([direct, portkey, path('steward', 1.25, 5_000, [150, 200])]);
    expect(at.map((verdict) => verdict.met)).toEqual([true, true, true]);
    // Just past them.
    const past = verdicts([direct, portkey, path('steward', 1.26, 4_999, [150.5, 200])]);
    expect(past.map((verdict) => verdict.met)).toEqual([false, false, false]);
    // Requests that failed under load (a 429 is cheap) do not count as throughput.
    const failing = verdicts([direct, portkey, { ...path('steward', 1.25, 9_000, [100, 120]), failures: 1 }]);
    expect(failing.map((verdict) => verdict.met)).toEqual([false, true, true]);
    // A steward that adds nothing meets the latency target; an unmeasured RSS does not meet its target.
    const unmeasured = verdicts([direct, portkey, path('steward', 0.25, 9_000)]);
    expect(unmeasured.map((verdict) => verdict.met)).toEqual([true, true, false]);
    expect(() => verdicts([direct, portkey])).toThrow(/steward cache hit/);
  });

  it("prints the issue's table and one line per target", () => {
    const direct = path('direct', 0.3, 30_000);
    const figures = [
      direct,
      path('portkey', 2.3, 1_000, [97.4, 215.6]),
      { ...path('steward', 5.1, 1_100.4, [250, 400]), failures: 3 },
    ];
    expect(addedP50(figures[1]!, direct)).toBeCloseTo(2);
    expect(formatHttpTable(figures, 50).split('\n')).toEqual([
      '| path | sequential p50 / p99 | added p50 | req/s at 50 connections | RSS idle / under load |',
      '|---|---|---|---|---|',
      '| direct to upstream | 0.30 ms / 0.60 ms | — | 30,000 | — |',
      '| Portkey → upstream | 2.30 ms / 4.60 ms | +2.00 ms | 1,000 | 97 / 216 MiB |',
      '| steward cache hit | 5.10 ms / 10.20 ms | +4.80 ms | 1,100 (3 failed) | 250 / 400 MiB |',
    ]);
    expect(formatCpuPerRequest(figures)).toBe('');
    expect(
      formatCpuPerRequest([
        direct,
        { ...figures[1]!, cpuPerRequestUs: 912.4 },
        { ...figures[2]!, cpuPerRequestUs: 1_350 },
      ]),
    ).toBe(
      'server CPU per request under load (user + system, all threads): Portkey → upstream 912 µs, steward cache hit 1,350 µs',
    );
    expect(formatVerdicts(verdicts(figures)).split('\n')).toEqual([
      'steward req/s ÷ Portkey req/s: 1.10 (target ≥ 5) missed',
      'steward added p50 ÷ Portkey added p50: 2.40 (target ≤ 0.5) missed',
      'steward idle RSS (MiB): 250.00 (target ≤ 150) missed',
    ]);
  });
});

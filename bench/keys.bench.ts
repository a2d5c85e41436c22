/**
 * API key checks with a warm cache: `Authenticator.authenticate('Bearer stw_…')` (header parse, the env
 * admin token compared, the key cache, the SHA-256 of the secret) over 1,000 keys, on both engines.
 * SQLite reads the key epoch row on every check; PostgreSQL trusts its LISTEN connection and does not
 * touch the database. Target: p99 <= 50 µs.
 */
import { performance } from 'node:perf_hooks';
import { ApiKeyService, Authenticator } from '../src/fleet/index.js';
import type { StewardStore } from '../src/store/index.js';
import { percentile, printTable } from './stats.js';

export interface KeyCheckFigures {
  engine: string;
  keys: number;
  checks: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  checksPerSecond: number;
}

const KEYS = 1_000;
const WARMUP = 5_000;
const CHECKS = 100_000;
/** The measured loop also stops at this wall-clock bound. */
const MAX_MS = 20_000;
const TARGET_P99_US = 50;

export async function benchKeyChecks(
  store: StewardStore,
  sizes: { keys: number; checks: number } = { keys: KEYS, checks: CHECKS },
): Promise<KeyCheckFigures> {
  const keyCount = Math.max(1, sizes.keys);
  const keys = await ApiKeyService.open(store, { audit: { append: async () => undefined } });
  try {
    const headers: string[] = [];
    for (let index = 0; index < keyCount; index++) {
      const { token } = await keys.create(
        { name: `bench ${index}`, role: index % 2 === 0 ? 'chat' : 'viewer', tenants: [`tenant-${index}`] },
        'bench',
      );
      headers.push(`Bearer ${token}`);
    }
    const authenticator = new Authenticator({
      keys,
      adminTokens: [{ variable: 'STEWARD_ADMIN_TOKEN', token: 'bench-admin-token-0123456789' }],
    });
    // Warm: every key checked once (cached), then a few thousand more.
    for (const header of headers) await authenticator.authenticate(header);
    for (let index = 0; index < WARMUP; index++) await authenticator.authenticate(headers[index % keyCount]!);

    const samplesUs = new Float64Array(sizes.checks);
    let count = 0;
    const started = performance.now();
    for (; count < sizes.checks; count++) {
      if ((count & 1023) === 0 && performance.now() - started > MAX_MS) break;
      const header = headers[(count * 7919) % keyCount]!;
      const before = performance.now();
      await authenticator.authenticate(header);
      samplesUs[count] = (performance.now() - before) * 1000;
    }
    const seconds = (performance.now() - started) / 1000;
    const sorted = Array.from(samplesUs.subarray(0, count)).sort((a, b) => a - b);
    return {
      engine: store.engine,
      keys: keyCount,
      checks: count,
      p50Us: percentile(sorted, 0.5),
      p99Us: percentile(sorted, 0.99),
      maxUs: sorted.at(-1) ?? Number.NaN,
      checksPerSecond: count / seconds,
    };
  } finally {
    await keys.close();
  }
}

export function printKeyChecks(figures: KeyCheckFigures[]): void {
  printTable(
    `API key check, warm cache (Authenticator.authenticate; target p99 <= ${TARGET_P99_US} µs)`,
    figures.map((figure) => ({
      engine: figure.engine,
      keys: figure.keys,
      checks: figure.checks,
      'p50 µs': figure.p50Us.toFixed(1),
      'p99 µs': figure.p99Us.toFixed(1),
      'max µs': figure.maxUs.toFixed(0),
      'checks/s': Math.round(figure.checksPerSecond),
      target: figure.p99Us <= TARGET_P99_US ? 'met' : 'MISSED',
    })),
  );
}

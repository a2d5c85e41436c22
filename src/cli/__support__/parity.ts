/**
 * A server and a `steward` command on one store, for tests that make the same change through HTTP and
 * through the CLI and compare what the audit log recorded for each.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'vitest';
import { createTestDatabase } from '../../../test/support/databases.js';
import { type AgentConfig, ClaudeAgent } from '../../agent/index.js';
import { Audit, type AuditRecord, searchAuditRecords } from '../../audit/index.js';
import {
  ApiKeyService,
  Authenticator,
  createPlatformAuditSink,
  PLATFORM_TENANT_ID,
  Registry,
} from '../../fleet/index.js';
import { FunctionRuntime } from '../../runtime/index.js';
import { createApp, createMetrics, type StewardApp } from '../../server/index.js';
import type { StewardStore, StoreConfig } from '../../store/index.js';
import { openStore } from '../../store/index.js';
import type { CliIo } from '../cli-io.js';
import { runCli } from '../run-cli.js';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The agent both paths act on: trust with approvals, the cache and pattern tiers, audit with PII masking and alerts. */
export const parityAgent = {
  tenantId: 'acme',
  agentId: 'desk',
  trust: {
    initial: 0.3,
    permissions: { 0.3: ['Read'], 0.5: ['Read', 'Write'] },
    approval: { enabled: true, timeout: '1m' },
  },
  optimization: {
    enableCache: true,
    patterns: { autoDetect: true, minFrequency: 2, confidence: 0.9 },
    fallback: ['cache', 'pattern', 'intelligent'],
  },
  audit: {
    enabled: true,
    level: 'standard',
    compliance: { piiDetection: true },
    analytics: { alerts: ['permission_escalation'] },
  },
} satisfies AgentConfig;

export interface ParityHarness {
  store: StewardStore;
  app: StewardApp;
  agent: ClaudeAgent;
  keys: ApiKeyService;
  /** An admin key's token, for both `Authorization: Bearer` and `steward --token`. */
  token: string;
  /** What the server records as the actor of that key. */
  keyActor: string;
  /** HTTP with the key. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
  /** `steward …` in process, in the config's folder (so the config is found without --config). */
  steward(argv: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }>;
  /** The highest seq of a tenant's chain now; `recordsAfter` returns what came after it. */
  mark(tenantId?: string): Promise<number>;
  recordsAfter(mark: number, tenantId?: string): Promise<AuditRecord[]>;
  /** A file in the config's folder, for `apply -f`. */
  writeFile(name: string, content: unknown): string;
  close(): Promise<void>;
}

/**
 * @example
 * const harness = await openParityHarness('sqlite');
 * const mark = await harness.mark();
 * await harness.steward(['cache', 'clear', '--token', harness.token]);
 * const records = await harness.recordsAfter(mark);
 */
export async function openParityHarness(engine: 'sqlite' | 'postgres'): Promise<ParityHarness> {
  const dir = mkdtempSync(join(tmpdir(), `steward-parity-${engine}-`));
  const database =
    engine === 'postgres' ? await createTestDatabase(inject('postgresUrl'), 'parity') : undefined;
  const storeConfig: StoreConfig = database
    ? { url: database.url, encryptionKey: '22'.repeat(32) }
    : { path: join(dir, 'steward.db') };
  const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
  writeFileSync(
    join(dir, 'steward.config.ts'),
    `import { defineConfig } from '${entry}';\nexport default defineConfig(${JSON.stringify({ ...parityAgent, store: storeConfig })});\n`,
  );
  const store = await openStore(storeConfig, {});
  const agent = new ClaudeAgent({ ...parityAgent, store, runtime: new FunctionRuntime(async () => 'ok') });
  await agent.start();
  const platformAudit = createPlatformAuditSink(store, {});
  const keys = await ApiKeyService.open(store, { audit: platformAudit });
  const registryAudit = new Audit(store, {});
  const registry = new Registry(store, { audit: registryAudit });
  const app = createApp({
    agents: [agent],
    store,
    metrics: createMetrics({ processMetrics: false }),
    authenticator: new Authenticator({ keys }),
    keys,
    registry,
    resources: [registryAudit, keys, platformAudit],
  });
  const created = await keys.create({ name: 'ops console', role: 'admin', tenants: '*' }, 'test setup');
  const auth = { authorization: `Bearer ${created.token}` };
  return {
    store,
    app,
    agent,
    keys,
    token: created.token,
    keyActor: `key:${created.key.id} (ops console)`,
    request: async (method, path, body) =>
      app.request(path, {
        method,
        headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async steward(argv, env = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { out: (line) => out.push(line), error: (line) => err.push(line), env, cwd: dir };
      const code = await runCli(argv, io);
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
    async mark(tenantId = parityAgent.tenantId) {
      const page = await searchAuditRecords(store, { tenantId, limit: 1 });
      return page.records[0]?.seq ?? 0;
    },
    async recordsAfter(mark, tenantId = parityAgent.tenantId) {
      const page = await searchAuditRecords(store, { tenantId, limit: 1000 });
      return page.records.filter((record) => record.seq > mark).reverse();
    },
    writeFile(name, content) {
      writeFileSync(join(dir, name), JSON.stringify(content));
      return name;
    },
    async close() {
      await app.lifecycle.closeResources();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { PLATFORM_TENANT_ID };

/**
 * A record as both paths must write it: event type, agent, level, actor and payload, without what
 * differs between two otherwise equal actions (the record's own ids and times, and the given keys).
 */
export function comparable(record: AuditRecord, ignore: readonly string[] = []) {
  return {
    eventType: record.eventType,
    agentId: record.agentId,
    level: record.level,
    actor: record.actor,
    payload: without(record.payload, new Set([...ignore, ...volatileKeys])),
  };
}

/** Ids and times of the records themselves (an alert's id, the seqs and ids of its evidence). */
const volatileKeys = [
  'at',
  'decidedAt',
  'requestedAt',
  'expiresAt',
  'createdAt',
  'updatedAt',
  'alertId',
  'recordIds',
  'seqs',
];

function without(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => without(item, keys));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !keys.has(key))
      .map(([key, item]) => [key, without(item, keys)]),
  );
}

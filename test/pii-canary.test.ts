/**
 * Canary PII sent through the whole pipeline must never be stored in plaintext: every byte of the
 * SQLite files, every row of every PostgreSQL table and every archived audit segment is searched.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import { FunctionRuntime } from '../src/runtime/index.js';
import { storeEngines, type TestStore } from './support/engines.js';

const canaryMessage =
  'Hi, my name is Ottilie Vandersloot. Email ottilie.canary@example.com, phone +44 20 7946 0958, ' +
  'card 4539 1488 0343 6467, SSN 536-22-8941, IBAN GB82 WEST 1234 5698 7654 32, ' +
  'I live at 742 Evergreen Terrace, my password is Kx9!canaryPw';

/** Each canary in the forms it could be stored in (as typed, digits only, JSON-escaped). */
const needles = [
  'Vandersloot',
  'ottilie.canary',
  '7946 0958',
  '79460958',
  '4539 1488 0343 6467',
  '4539148803436467',
  '536-22-8941',
  '536228941',
  'GB82 WEST',
  'GB82WEST',
  'Evergreen Terrace',
  'Kx9!canaryPw',
];

function findNeedles(haystack: string): string[] {
  return needles.filter((needle) => haystack.includes(needle));
}

/** Every file under `dir` as text, gzip members decompressed. */
function readTree(dir: string): Array<{ path: string; text: string }> {
  const files: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      files.push(...readTree(path));
      continue;
    }
    const bytes = readFileSync(path);
    files.push({ path, text: bytes.toString('latin1') });
    if (name.endsWith('.gz'))
      files.push({ path: `${path} (gunzipped)`, text: gunzipSync(bytes).toString('utf8') });
  }
  return files;
}

describe.each(storeEngines)('canary PII through the pipeline on $name', (engine) => {
  let opened: TestStore | undefined;
  let archiveDir: string | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
    if (archiveDir) rmSync(archiveDir, { recursive: true, force: true });
    archiveDir = undefined;
  });

  it('stores no canary in plaintext anywhere', async () => {
    opened = await engine.open();
    archiveDir = mkdtempSync(join(tmpdir(), 'steward-canary-archive-'));
    let clock = Date.parse('2026-03-01T09:00:00Z');
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'desk',
      store: opened.store,
      now: () => clock,
      runtime: new FunctionRuntime(async (request) => ({
        text: `Thanks! I noted: ${request.prompt}`,
        toolCalls: [
          { toolUseId: 't1', toolName: 'Read', input: { note: request.prompt }, status: 'succeeded' },
        ],
      })),
      trust: { initial: 0.5, permissions: { 0.3: ['Read'], 0.6: ['Read', 'Write'] } },
      optimization: {
        cacheRules: [{ similarity: 0.9, ttl: 3600 }],
        patterns: { autoDetect: true, minFrequency: 2, confidence: 0.9 },
        budget: { daily: 10, perRequest: 1 },
      },
      audit: {
        level: 'detailed',
        compliance: { standards: ['SOC2', 'HIPAA'], piiDetection: true },
        retention: { duration: '1d', storage: `file://${archiveDir}` },
      },
    });
    const replies = [];
    for (let index = 0; index < 3; index++) {
      replies.push(await agent.handle({ text: canaryMessage, conversationId: `conversation-${index}` }));
      clock += 1_000;
    }
    // The customer gets the reply unmasked; only storage is masked.
    expect(replies[0]!.text).toContain('Vandersloot');
    await agent.feedback(replies[0]!.interactionId, 'negative', canaryMessage);
    const trust = (await agent.trust())!;
    await trust.service.operatorAction(
      { tenantId: 'acme', agentId: 'desk' },
      { type: 'set', level: 0.4 },
      'ops',
      canaryMessage,
    );
    const approval = await trust.approvals.request({
      tenantId: 'acme',
      agentId: 'desk',
      interactionId: replies[0]!.interactionId,
      toolName: 'Write',
      input: { content: canaryMessage },
      level: 0.4,
      requiredLevel: 0.6,
      timeoutMs: 60_000,
    });
    await trust.approvals.decide('acme', approval.id, 'deny', 'ops', canaryMessage);
    // Past the retention: the records are archived to file:// and purged.
    clock += 2 * 86_400_000;
    const audit = (await agent.audit())!;
    const [retained] = await audit.retention()!.run({ tenantId: 'acme' });
    expect(retained!.archived.length).toBeGreaterThan(0);
    expect((await audit.verify({ tenantId: 'acme' })).ok).toBe(true);
    await agent.close();

    const leaks: string[] = [];
    if (engine.name === 'sqlite') {
      const dbPath = opened.config.path!;
      const dir = join(dbPath, '..');
      for (const file of readTree(dir)) {
        for (const needle of findNeedles(file.text)) leaks.push(`${file.path}: ${needle}`);
      }
    } else {
      const client = new pg.Client({ connectionString: opened.config.url! });
      await client.connect();
      try {
        const tables = await client.query<{ table_name: string }>(
          "select table_name from information_schema.tables where table_schema = 'public'",
        );
        expect(tables.rows.length).toBeGreaterThan(10);
        for (const { table_name } of tables.rows) {
          const rows = await client.query<{ row: string }>(
            `select row_to_json(t)::text as row from ${client.escapeIdentifier(table_name)} t`,
          );
          for (const { row } of rows.rows) {
            for (const needle of findNeedles(row)) leaks.push(`${table_name}: ${needle}`);
          }
        }
      } finally {
        await client.end();
      }
    }
    const archives = readTree(archiveDir);
    expect(archives.some((file) => file.path.endsWith('(gunzipped)'))).toBe(true);
    for (const file of archives)
      for (const needle of findNeedles(file.text)) leaks.push(`${file.path}: ${needle}`);
    expect(leaks).toEqual([]);
  });
});

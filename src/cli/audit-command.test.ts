import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord, ChainVerification } from '../audit/index.js';
import { Audit, createEnvKeyProvider } from '../audit/index.js';
import { openStore } from '../store/index.js';
import { summarise } from './audit-command.js';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const masterKey = Buffer.alloc(32, 7).toString('base64');
const keyEnv = { STEWARD_AUDIT_KEY: `k1:${masterKey}` };
const start = Date.parse('2024-05-01T00:00:00Z');
const minute = 60_000;
let dir: string;
let databasePath: string;
let configFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-audit-'));
  databasePath = join(dir, 'steward.db');
  configFile = join(dir, 'steward.config.ts');
  const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
  writeFileSync(
    configFile,
    `import { defineConfig } from '${entry}';
export default defineConfig([
  { tenantId: 'acme', agentId: 'desk', store: { path: ${JSON.stringify(databasePath)} }, audit: { level: 'standard', retention: { duration: '1y' } } },
  { tenantId: 'globex', agentId: 'plain', store: { path: ${JSON.stringify(databasePath)} } },
]);
`,
  );
  // The records a running agent with `compliance.encryption` would have written, at fixed times.
  const store = await openStore({ path: databasePath }, {});
  const seeder = new Audit(
    store,
    { level: 'standard', compliance: { encryption: true } },
    { now: () => start, keyProvider: createEnvKeyProvider({ keys: { k1: masterKey } }) },
  );
  const types = ['message-received', 'tool-call-denied', 'reply-sent'];
  for (let index = 1; index <= 6; index++) {
    await seeder.append({
      tenantId: 'acme',
      agentId: index % 2 === 0 ? 'desk' : 'helper',
      eventType: types[index % 3]!,
      at: start + index * minute,
      level: 'standard',
      payload: { text: `acme ${index}: mail jo@example.com`, toolName: 'lookup' },
    });
  }
  for (let index = 0; index < 3; index++) {
    await seeder.append({
      tenantId: 'initech',
      agentId: 'plain',
      eventType: 'message-received',
      at: start + index * minute,
      level: 'standard',
      payload: { text: `initech ${index}` },
    });
  }
  await seeder.close();
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function steward(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), error: (line) => err.push(line), env, cwd: dir };
  const code = await runCli(['audit', ...argv, '--config', configFile], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('steward audit search', () => {
  it('prints one line per record, newest first, with encrypted fields hidden', async () => {
    const result = await steward(['search', '--tenant', 'acme']);
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      '     6  2024-05-01T00:06:00.000Z  desk  message-received  text=[encrypted] toolName="lookup"',
    );
    expect(result.out).not.toContain('jo@example.com');
  });

  it('filters by agent, event types and time, limits, and prints JSON', async () => {
    const seqs = async (...argv: string[]) => {
      const result = await steward(['search', '--tenant', 'acme', '--json', ...argv]);
      return (JSON.parse(result.out) as { records: AuditRecord[] }).records.map((record) => record.seq);
    };
    expect(await seqs('--agent', 'helper')).toEqual([5, 3, 1]);
    expect(await seqs('--type', 'tool-call-denied', '--type', 'reply-sent')).toEqual([5, 4, 2, 1]);
    expect(await seqs('--type', 'tool-call-denied,reply-sent')).toEqual([5, 4, 2, 1]);
    expect(await seqs('--from', '2024-05-01T00:02:00Z', '--to', String(start + 4 * minute))).toEqual([3, 2]);
    const limited = await steward(['search', '--tenant', 'acme', '--limit', '2']);
    expect(limited.out.split('\n')).toHaveLength(3);
    expect(limited.out).toContain('more records');
    expect((await steward(['search', '--tenant', 'nobody'])).out).toContain('no audit records');
  });

  it('exits 2 on missing or malformed options', async () => {
    for (const argv of [
      ['search'],
      ['search', '--tenant', 'acme', '--from', 'yesterday'],
      ['search', '--tenant', 'acme', '--limit', '0'],
      ['search', '--tenant', 'acme', '--type', ','],
      ['purge'],
      [],
      ['search', 'extra', '--tenant', 'acme'],
    ]) {
      const result = await steward(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toContain('Usage: steward');
    }
  });
});

describe('steward audit show', () => {
  it('prints records as stored', async () => {
    const result = await steward(['show', '--tenant', 'acme', '--seq', '2,1']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^#1 {2}2024-05-01T00:01:00.000Z {2}helper {2}tool-call-denied\n/);
    expect(result.out).toContain('#2  2024-05-01T00:02:00.000Z  desk  reply-sent');
    expect(result.out).toContain('keyId: k1');
    expect(result.out).toContain('"text": "enc:v1:k1:');
    const missing = await steward(['show', '--tenant', 'acme', '--seq', '1,99']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('has no audit record with seq 99');
    expect((await steward(['show', '--tenant', 'acme', '--seq', '3-x'])).code).toBe(2);
    expect((await steward(['show', '--tenant', 'acme', '--seq', '1', '--actor', 'alice'])).code).toBe(2);
  });

  it('decrypts with STEWARD_AUDIT_KEY, and the read is audited with the CLI user as actor', async () => {
    const noKey = await steward(['show', '--tenant', 'acme', '--seq', '1', '--decrypt', '--actor', 'alice']);
    expect(noKey.code).toBe(1);
    expect(noKey.err).toContain('set STEWARD_AUDIT_KEY');
    const wrongKey = await steward(
      ['show', '--tenant', 'acme', '--seq', '1', '--decrypt', '--actor', 'alice'],
      { STEWARD_AUDIT_KEY: `k1:${Buffer.alloc(32, 9).toString('base64')}` },
    );
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain('STEWARD_AUDIT_KEY holds the key');

    const shown = await steward(
      ['show', '--tenant', 'acme', '--seq', '1-2', '--decrypt', '--actor', 'alice', '--json'],
      keyEnv,
    );
    expect(shown.code).toBe(0);
    const records = JSON.parse(shown.out) as AuditRecord[];
    expect(records.map((record) => record.payload.text)).toEqual([
      'acme 1: mail [EMAIL]',
      'acme 2: mail [EMAIL]',
    ]);
    const reads = await steward(['search', '--tenant', 'acme', '--type', 'audit-record-decrypted', '--json']);
    const logged = (JSON.parse(reads.out) as { records: AuditRecord[] }).records;
    expect(logged.map((record) => [record.actor, record.agentId, record.payload.seqs])).toEqual([
      ['cli:alice', 'desk', [2]],
      ['cli:alice', 'helper', [1]],
    ]);
  });
});

describe('steward audit report', () => {
  it('writes a report in the format of --format or of the --out extension', async () => {
    const written = await steward([
      'report',
      '--standard',
      'soc2',
      '--tenant',
      'acme',
      '--from',
      '2024-05-01',
      '--to',
      '2024-05-02',
      '--out',
      'q2.html',
    ]);
    expect(written.code).toBe(0);
    expect(written.out).toBe('wrote the SOC2 html report to q2.html');
    expect(readFileSync(join(dir, 'q2.html'), 'utf8')).toMatch(/<html/i);
    const json = await steward([
      'report',
      '--standard',
      'HIPAA',
      '--from',
      '2024-05-01',
      '--to',
      '2024-05-02',
      '--format',
      'json',
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      format: 'claude-steward/audit-report',
      integrity: { status: 'verified' },
      retention: { policyDuration: '1y' },
    });
    for (const argv of [
      ['report', '--from', '2024-05-01', '--to', '2024-05-02'],
      ['report', '--standard', 'PCI', '--from', '2024-05-01', '--to', '2024-05-02'],
      ['report', '--standard', 'SOC2', '--from', '2024-05-01'],
      ['report', '--standard', 'SOC2', '--from', '2024-05-01', '--to', '2024-05-02', '--format', 'pdf'],
    ]) {
      expect((await steward(argv)).code, argv.join(' ')).toBe(2);
    }
    expect(existsSync(join(dir, 'q2.html'))).toBe(true);
  });
});

describe('steward audit verify', () => {
  it('exits 0 when every chain verifies, and 3 naming the first problem when a row was edited', async () => {
    const ok = await steward(['verify']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(
      /^acme: 8 records, \d+ checkpoints verified, ok\ninitech: 3 records, \d+ checkpoints verified, ok$/,
    );

    const store = await openStore({ path: databasePath }, {});
    await sql`update audit_records set payload = ${'{"text":"edited"}'} where tenant_id = ${'initech'} and seq = ${2}`.execute(
      store.db,
    );
    await store.close();
    const tampered = await steward(['verify']);
    expect(tampered.code).toBe(3);
    expect(tampered.out).toContain('acme: 8 records');
    expect(tampered.out).toMatch(
      /initech: 3 records, \d+ checkpoints verified, TAMPERED: modified at seq 2 \(record [\w-]+\): /,
    );
    expect(tampered.err).toContain('tampering found in 1 of 2 tenants');
    const json = await steward(['verify', '--tenant', 'initech', '--json']);
    expect(json.code).toBe(3);
    expect((JSON.parse(json.out) as ChainVerification).tenants[0]!.problems[0]).toMatchObject({
      kind: 'modified',
      seq: 2,
    });
    expect((await steward(['verify', '--tenant', 'acme'])).code).toBe(0);
  });
});

describe('summarise', () => {
  it('keeps a payload summary on one short line', () => {
    expect(summarise({ text: 'enc:v1:k1:t:abc', tier: 'cache', costUsd: 0.01 })).toBe(
      'text=[encrypted] tier="cache" costUsd=0.01',
    );
    expect(summarise({ note: 'x'.repeat(200) }, 30)).toHaveLength(30);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAuditRecords } from '../audit/index.js';
import {
  ApiKeyService,
  createPlatformAuditSink,
  discardChanges,
  PLATFORM_TENANT_ID,
  Registry,
} from '../fleet/index.js';
import { openStore } from '../store/index.js';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let dir: string;
let databasePath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-keys-'));
  databasePath = join(dir, 'steward.db');
  const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
  writeFileSync(
    join(dir, 'steward.config.ts'),
    `import { defineConfig } from '${entry}';\nexport default defineConfig({ tenantId: 'acme', agentId: 'desk', store: { path: ${JSON.stringify(databasePath)} } });\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function steward(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    error: (line) => err.push(line),
    env: { USER: 'alice' },
    cwd: dir,
  };
  const code = await runCli(['keys', ...argv], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('steward keys', () => {
  it('refuses a key for a tenant that is neither in the config file nor in the registry', async () => {
    const refused = await steward('create', '--name', 'typo', '--role', 'chat', '--tenant', 'acme,acmee');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/"acmee" does not exist/);
    expect((await steward('list')).out).not.toContain('typo');
  });

  it('creates a key and prints its token once, lists keys without tokens, and revokes one', async () => {
    // globex is a tenant of the registry only (acme is the config file's).
    const registryStore = await openStore({ path: databasePath }, {});
    try {
      const registry = new Registry(registryStore, { changes: discardChanges });
      await registry.tenants.create({ tenantId: 'globex', displayName: 'Globex' }, { actor: 'test' });
    } finally {
      await registryStore.close();
    }
    const created = await steward(
      'create',
      '--name',
      'front desk',
      '--role',
      'chat',
      '--tenant',
      'acme,globex',
      '--expires',
      '30d',
    );
    expect(created.code, created.err).toBe(0);
    const token = /token \(shown once[^)]*\): (stw_\S+)$/m.exec(created.out)?.[1];
    expect(token).toBeDefined();
    const id = /^created key ([0-9a-z]{12}) \("front desk", chat, tenants acme, globex, expires /m.exec(
      created.out,
    )?.[1];
    expect(id).toBeDefined();

    const json = await steward('create', '--name', 'root', '--role', 'admin', '--tenant', '*', '--json');
    const parsed = JSON.parse(json.out) as { id: string; token: string; key: { tenants: unknown } };
    expect(parsed.key.tenants).toBe('*');

    const listed = await steward('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${id}  active  "front desk", chat, tenants acme, globex`);
    expect(listed.out).toContain(`${parsed.id}  active  "root", admin, all tenants`);
    expect(listed.out).not.toContain(token!.split('_').slice(2).join('_'));
    expect((await steward('list', '--json')).out).not.toContain(parsed.token.split('_').slice(2).join('_'));

    // The printed token works against the same store, until it is revoked.
    const store = await openStore({ path: databasePath }, {});
    const audit = createPlatformAuditSink(store, {});
    const keys = await ApiKeyService.open(store, { audit });
    try {
      expect(await keys.check(token!)).toMatchObject({
        ok: true,
        caller: { role: 'chat', tenants: ['acme', 'globex'] },
      });
      const revoked = await steward('revoke', id!, '--actor', 'ticket 42');
      expect(revoked.code).toBe(0);
      expect(revoked.out).toContain(`revoked key ${id}`);
      expect(await keys.check(token!)).toMatchObject({ ok: false, reason: 'revoked' });
      expect((await steward('revoke', id!)).out).toContain('was already revoked');
      expect((await steward('list')).out).toContain(`${id}  revoked "front desk"`);

      const page = await searchAuditRecords(store, { tenantId: PLATFORM_TENANT_ID });
      expect(page.records.map((record) => [record.eventType, record.actor]).reverse()).toEqual([
        ['api-key-created', 'os-user:alice'],
        ['api-key-created', 'os-user:alice'],
        ['api-key-revoked', 'cli:ticket 42'],
      ]);
      // The secret is everything after `stw_<id>_`: it may itself hold '_', so not the last '_' piece.
      const secret = token!.split('_').slice(2).join('_');
      expect(secret.length).toBeGreaterThanOrEqual(20);
      expect(JSON.stringify(page.records)).not.toContain(secret);
    } finally {
      await keys.close();
      await audit.close();
      await store.close();
    }
  });

  it('explains what is missing or wrong', async () => {
    expect(await steward()).toMatchObject({ code: 2, err: expect.stringContaining('create, list, revoke') });
    expect((await steward('create', '--role', 'admin', '--tenant', '*')).err).toContain('missing --name');
    expect((await steward('create', '--name', 'x', '--role', 'owner', '--tenant', '*')).err).toContain(
      '--role must be one of admin, operator, approver, viewer, chat',
    );
    expect((await steward('create', '--name', 'x', '--role', 'admin')).err).toContain('missing --tenant');
    expect(
      (await steward('create', '--name', 'x', '--role', 'admin', '--tenant', '*', '--expires', 'soon')).code,
    ).toBe(2);
    expect((await steward('create', '--name', 'x', '--role', 'admin', '--tenant', 'has space')).code).toBe(1);
    expect((await steward('revoke')).err).toContain('missing the key id');
    const unknown = await steward('revoke', 'nosuchkey000');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('there is no API key "nosuchkey000"');
  });
});

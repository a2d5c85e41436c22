import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAuditRecords, verifyChain } from '../audit/index.js';
import { openStore } from '../store/index.js';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-registry-'));
  env = { STEWARD_DATABASE_URL: `sqlite://${join(dir, 'steward.db')}` };
  const write = (name: string, value: unknown) => writeFileSync(join(dir, name), JSON.stringify(value));
  write('tenants.json', [
    { tenantId: 'acme', displayName: 'Acme Bakery', limits: { maxAgents: 5, messagesPerMinute: 60 } },
    { tenantId: 'globex' },
  ]);
  write('templates.json', {
    templateId: 'small-business',
    config: { limits: { maxTurns: 6 }, tools: ['Read'] },
  });
  write('agents.json', [
    { tenantId: 'acme', agentId: 'desk', extends: 'small-business', systemPrompt: 'You answer for Acme.' },
    { tenantId: 'globex', agentId: 'front', tools: ['Read', 'Write'] },
  ]);
  write('bad-agent.json', { tenantId: 'acme', agentId: 'bad', optimization: { budget: { daily: -5 } } });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function steward(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), error: (line) => err.push(line), env, cwd: dir };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('steward tenants, agents and templates', () => {
  it('applies tenants, templates and agents from JSON files, and lists and shows them', async () => {
    expect((await steward('tenants', 'apply', '-f', 'tenants.json', '--actor', 'alice')).out).toBe(
      'acme: created, version 1\nglobex: created, version 1',
    );
    expect((await steward('templates', 'apply', '-f', 'templates.json', '--actor', 'ops')).out).toBe(
      'small-business: created, version 1',
    );
    const applied = await steward('agents', 'apply', '-f', 'agents.json', '--actor', 'alice');
    expect(applied.out).toBe('acme/desk: created, version 1.1\nglobex/front: created, version 1');
    const again = await steward('agents', 'apply', '-f', 'agents.json', '--actor', 'alice');
    expect(again.out).toBe('acme/desk: unchanged, version 1.1\nglobex/front: unchanged, version 1');

    expect((await steward('tenants', 'list')).out).toContain('acme  active    v1  Acme Bakery');
    expect((await steward('agents', 'list', '--tenant', 'acme')).out).toBe(
      'desk  active   v1.1  extends small-business',
    );
    const effective = await steward('agents', 'get', '--tenant', 'acme', 'desk', '--effective', '--json');
    expect(JSON.parse(effective.out)).toMatchObject({
      version: '1.1',
      config: { tenantId: 'acme', agentId: 'desk', limits: { maxTurns: 6 }, tools: ['Read'] },
    });
    const tenant = await steward('tenants', 'get', 'acme', '--json');
    expect(JSON.parse(tenant.out)).toMatchObject({ limits: { maxAgents: 5, messagesPerMinute: 60 } });
  });

  it('refuses an invalid config with its path, and a template in use', async () => {
    const bad = await steward('agents', 'apply', '-f', 'bad-agent.json', '--actor', 'alice');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('optimization.budget.daily: expected a number >= 0, received -5');
    const inUse = await steward('templates', 'delete', 'small-business', '--actor', 'ops');
    expect(inUse.code).toBe(1);
    expect(inUse.err).toContain('is extended by 1 agent (1 active, 0 disabled)');
  });

  it('disables an agent and suspends a tenant, recording the OS user when no --actor is given', async () => {
    const disabled = await steward('agents', 'delete', '--tenant', 'globex', 'front');
    expect(disabled.out).toContain('globex/front: disabled, version 2');
    const stale = await steward('agents', 'delete', '--tenant', 'acme', 'desk', '--if-match', '7');
    expect(stale.code).toBe(1);
    expect(stale.err).toContain('is at version 1, not version 7');
    expect((await steward('tenants', 'delete', 'globex')).out).toContain('globex: suspended, version 2');

    const store = await openStore({}, env);
    try {
      const records = (await searchAuditRecords(store, { tenantId: 'globex', limit: 20 })).records.reverse();
      expect(records.map((record) => [record.eventType, record.agentId, record.actor])).toEqual([
        ['tenant-created', 'steward-registry', 'cli:alice'],
        ['agent-created', 'front', 'cli:alice'],
        ['agent-disabled', 'front', `os-user:${userInfo().username}`],
        ['tenant-changed', 'steward-registry', `os-user:${userInfo().username}`],
      ]);
      const platform = await searchAuditRecords(store, { tenantId: 'steward-platform', limit: 20 });
      expect(platform.records.map((record) => [record.eventType, record.actor])).toEqual([
        ['template-created', 'cli:ops'],
      ]);
      expect((await verifyChain(store)).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('applies the example config file (a .ts module) as agents', async () => {
    const example = join(repoRoot, 'examples', 'steward.config.ts');
    const applied = await steward('agents', 'apply', '-f', example, '--actor', 'alice');
    expect(applied.err).toBe('');
    expect(applied.out).toBe('tenant acme-bakery: created\nacme-bakery/front-desk: created, version 1');
  });

  it('explains wrong usage', async () => {
    expect((await steward('agents', 'rename')).code).toBe(2);
    expect((await steward('agents', 'apply')).err).toContain('missing -f <file>');
    expect((await steward('agents', 'list')).err).toContain('missing --tenant');
  });

  it('never prints a channel secret: get and get --effective show the marker', async () => {
    writeFileSync(
      join(dir, 'agent-with-slack.json'),
      JSON.stringify({
        tenantId: 'acme',
        agentId: 'slacker',
        channels: [
          { type: 'slack', botToken: 'xoxb-cli-plain-token-77', signingSecret: 'cli-plain-signing-77' },
        ],
      }),
    );
    expect((await steward('agents', 'apply', '-f', 'agent-with-slack.json', '--actor', 'alice')).code).toBe(
      0,
    );
    for (const extra of [[], ['--effective']]) {
      const shown = await steward('agents', 'get', '--tenant', 'acme', 'slacker', ...extra, '--json');
      expect(shown.code).toBe(0);
      expect(shown.out).not.toContain('xoxb-cli-plain-token-77');
      expect(shown.out).not.toContain('cli-plain-signing-77');
      expect(JSON.parse(shown.out).config.channels[0]).toMatchObject({ botToken: '[sealed]' });
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import { Trust } from '../trust/index.js';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let dir: string;
let configFile: string;

const trustConfig = {
  initial: 0.3,
  permissions: { 0.3: ['Read'], 0.5: ['Read', 'Write'] },
  approval: { enabled: true, timeout: '1m' },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-trust-'));
  configFile = join(dir, 'steward.config.ts');
  const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
  writeFileSync(
    configFile,
    `import { defineConfig } from '${entry}';
export default defineConfig([
  { tenantId: 'acme', agentId: 'front-desk', store: { path: ${JSON.stringify(join(dir, 'steward.db'))} }, trust: ${JSON.stringify(trustConfig)} },
  { tenantId: 'acme', agentId: 'plain' },
]);
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function steward(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), error: (line) => err.push(line), env: {}, cwd: dir };
  const code = await runCli([...argv, '--config', configFile], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('steward trust', () => {
  it('shows the level and the allowed tools', async () => {
    const shown = await steward('trust', 'show', '--agent', 'front-desk');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('acme/front-desk: trust 0.3 within [0, 1]');
    expect(shown.out).toContain('allowed tools: Read');
  });

  it('sets, freezes and unfreezes with an actor and a reason, and lists the history', async () => {
    expect(
      (
        await steward(
          'trust',
          'set',
          '--agent',
          'front-desk',
          '--level',
          '0.5',
          '--actor',
          'alice',
          '--reason',
          'review passed',
        )
      ).code,
    ).toBe(0);
    expect(
      (await steward('trust', 'freeze', '--agent', 'front-desk', '--actor', 'alice', '--reason', 'audit'))
        .out,
    ).toContain('(frozen)');
    expect(
      (await steward('trust', 'unfreeze', '--agent', 'front-desk', '--actor', 'alice', '--reason', 'done'))
        .code,
    ).toBe(0);
    const history = await steward('trust', 'history', '--agent', 'front-desk', '--json');
    const entries = JSON.parse(history.out) as Array<{ kind: string; actor: string }>;
    expect(entries.map((entry) => entry.kind)).toEqual(['unfreeze', 'freeze', 'set']);
    const missing = await steward(
      'trust',
      'set',
      '--agent',
      'front-desk',
      '--level',
      '0.5',
      '--actor',
      'alice',
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing --reason');
  });

  it('refuses to set a frozen agent unless --unfreeze is given', async () => {
    const act = (...argv: string[]) =>
      steward('trust', ...argv, '--agent', 'front-desk', '--actor', 'alice', '--reason', 'review');
    expect((await act('freeze')).code).toBe(0);
    const refused = await act('set', '--level', '0.3');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('is frozen at 0.5: unfreeze it first');
    expect((await act('freeze', '--unfreeze')).code).toBe(2);
    const set = await act('set', '--level', '0.3', '--unfreeze');
    expect(set.code).toBe(0);
    expect(set.out).toBe('acme/front-desk: trust 0.3');
  });

  it('lists and decides pending approvals', async () => {
    const store = await openStore({ path: join(dir, 'steward.db') }, {});
    const trust = new Trust(store, trustConfig, { approvalPollMs: 10 });
    const scope = { tenantId: 'acme', agentId: 'front-desk' };
    await trust.service.operatorAction(scope, { type: 'set', level: 0.3 }, 'alice', 'back to 0.3');
    const guard = await trust.guardFor(scope, 'i-1');
    const decision = guard.decide(
      'Write',
      { file_path: 'x' },
      { ...scope, interactionId: 'i-1', toolUseId: 't1', source: 'can-use-tool' },
    );
    try {
      let listed = '';
      await expect
        .poll(async () => {
          listed = (await steward('trust', 'approvals', '--json')).out;
          return (JSON.parse(listed) as unknown[]).length;
        })
        .toBe(1);
      const [pending] = JSON.parse(listed) as Array<{ id: string }>;
      const approved = await steward(
        'trust',
        'approve',
        pending!.id,
        '--actor',
        'bob',
        '--note',
        'fine once',
      );
      expect(approved.code).toBe(0);
      expect(approved.out).toContain('approved by cli:bob');
      expect((await decision).behavior).toBe('allow');
      const again = await steward('trust', 'deny', pending!.id, '--actor', 'bob');
      expect(again.code).toBe(1);
      expect(again.err).toContain('already approved');
    } finally {
      await store.close();
    }
  });

  it('explains what is wrong', async () => {
    // The one agent with trust needs no --agent.
    expect((await steward('trust', 'show')).out).toContain('acme/front-desk: trust');
    expect((await steward('trust', 'show', '--agent', 'nobody')).err).toContain('no agent "nobody"');
    expect((await steward('trust', 'show', '--agent', 'plain')).err).toContain('trust is not configured');
    expect((await steward('trust', 'promote', '--agent', 'front-desk')).code).toBe(2);
  });
});

describe('steward costs', () => {
  it('prints the rollups and rejects a bad day', async () => {
    const printed = await steward('costs', '--tenant', 'acme');
    expect(printed.code).toBe(0);
    expect(printed.out).toMatch(/^total: 0 requests/m);
    const bad = await steward('costs', '--from', 'last week');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('from must be a day as YYYY-MM-DD');
  });
});

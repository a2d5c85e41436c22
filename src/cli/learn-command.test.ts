import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CapabilityStore } from '../learn/index.js';
import { openStore } from '../store/index.js';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let dir: string;
let configFile: string;
const scope = { tenantId: 'acme', agentId: 'desk' };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-learn-'));
  configFile = join(dir, 'steward.config.ts');
  const databasePath = join(dir, 'steward.db');
  const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
  writeFileSync(
    configFile,
    `import { defineConfig } from '${entry}';
export default defineConfig({ tenantId: 'acme', agentId: 'desk', store: { path: ${JSON.stringify(databasePath)} },
  audit: { level: 'standard' }, learning: { enabled: true } });
`,
  );
  const store = await openStore({ path: databasePath }, {});
  const capabilities = new CapabilityStore(store, Date.now);
  const cluster = {
    size: 12,
    confidence: 0.97,
    cohesion: 0.7,
    consistency: 1,
    separation: 0.97,
    training: [],
    heldOut: [{ request: 'opening hours?', reply: 'Nine to five.' }],
    nearMisses: [],
  };
  const report = {
    passed: true,
    coverage: 1,
    requiredCoverage: 0.9,
    abstention: 1,
    requiredAbstention: 0.995,
    heldOut: 1,
    others: 23,
    examples: [
      { request: 'opening hours?', recorded: 'Nine to five.', handler: 'Nine to five.', equivalent: true },
    ],
    falseAnswers: [],
    errors: {},
    reasons: [],
  };
  for (const id of ['cap-a', 'cap-b']) {
    await capabilities.insertDetected(scope, { id, scopeKey: 's', clusterSignature: id, cluster });
    await capabilities.recordGeneration(scope, id, {
      code: 'function handler() { return null; }',
      prompt: 'p',
      costUsd: 0.02,
    });
    await capabilities.recordValidation(scope, id, report, 'pending-approval', 10);
  }
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function steward(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), error: (line) => err.push(line), env: {}, cwd: dir };
  const code = await runCli([...argv, '--config', configFile], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('steward learn', () => {
  it('lists, shows, approves, rejects and rolls back, with an actor', async () => {
    const listed = await steward('learn', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('capabilities: pending-approval 2');
    const shown = await steward('learn', 'show', 'cap-a');
    expect(shown.out).toContain('validation: passed; coverage 100.0% of 1 held-out');
    expect(shown.out).toContain('ok  opening hours? → Nine to five. | Nine to five.');
    expect(shown.out).toContain('function handler()');

    const approved = await steward('learn', 'approve', 'cap-a', '--actor', 'alice');
    expect(approved.out).toBe('capability cap-a: canary (by cli:alice)');
    const again = await steward('learn', 'approve', 'cap-a', '--actor', 'alice');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/only a capability pending approval/);
    expect((await steward('learn', 'reject', 'cap-b', '--actor', 'bob', '--reason', 'tone')).out).toBe(
      'capability cap-b: rejected (by cli:bob)',
    );
    expect((await steward('learn', 'rollback', 'cap-a', '--actor', 'carol')).out).toBe(
      'capability cap-a: rolled-back (by cli:carol)',
    );
    const json = JSON.parse((await steward('learn', 'show', 'cap-a', '--json')).out);
    expect(json).toMatchObject({ state: 'rolled-back', decidedBy: 'cli:carol' });
    expect((await steward('learn', 'show', 'nope')).err).toMatch(/no capability "nope"/);
  });
});

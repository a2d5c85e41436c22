/**
 * Every agent in its own workspace, through the real Claude Agent SDK and CLI against the simulated model:
 * an agent whose trust allows every tool tries to read the store, the key files, /etc/passwd and another
 * tenant's workspace with Read, Glob, Grep and Bash, by relative, `..`, absolute and symlinked paths. The
 * CLI refuses every attempt (its file-tool settings, and its sandbox for Bash, or no Bash where there is no
 * sandbox); nothing of those files reaches the model or the reply; each refusal is on the interaction and in
 * the audit log. Reading the agent's own files works.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import type { AuditRecord } from '../src/audit/index.js';
import { ClaudeAgentSdkRuntime, type ToolCallRecord } from '../src/runtime/index.js';
import {
  allMessageText,
  type MessagesApiRequest,
  type SimulatedModel,
  startSimulatedModel,
} from '../src/simulator/index.js';
import { openStore, type StewardStore } from '../src/store/index.js';

/** One tool call the scripted model makes, and what must come of it. */
interface Attempt {
  tool: 'Read' | 'Glob' | 'Grep' | 'Bash';
  input: Record<string, unknown>;
  /** `refused`: an error tool result, recorded as denied or failed; `ran`: the tool ran. */
  expect: 'refused' | 'ran';
  /** For `ran`: text the result must show. */
  shows?: string;
}

const tenantId = 'acme-bakery';
const agentId = 'front-desk';
const onPath = (program: string) => {
  try {
    execFileSync('which', [program], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
/** What the CLI needs for its sandbox on Linux (`.ci/run` installs both). */
const hostHasSandbox = process.platform === 'linux' && onPath('bwrap') && onPath('socat');

let dir: string;
let store: StewardStore;
let model: SimulatedModel;
let runtime: ClaudeAgentSdkRuntime;
let attempts: Attempt[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-workspace-e2e-'));
  store = await openStore({ path: join(dir, 'steward.db') }, {});
  model = await startSimulatedModel({
    respond: (request) => {
      // One attempt per model call, in order; then a reply that repeats everything the model was told.
      const answered = toolResultCount(request);
      const attempt = attempts[answered];
      if (attempt)
        return { toolUse: { id: `toolu_attempt_${answered}`, name: attempt.tool, input: attempt.input } };
      return { text: `Everything I saw:\n${allMessageText(request)}` };
    },
  });
  runtime = new ClaudeAgentSdkRuntime({
    baseUrl: model.url,
    simulatedModel: true,
    extraEnv: { CLAUDE_CODE_MAX_RETRIES: '0' },
    runsDirectory: join(dir, 'runs'),
    workspacesDirectory: join(dir, 'workspaces'),
  });
});

afterAll(async () => {
  await runtime?.close();
  await model?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function toolResultCount(request: MessagesApiRequest): number {
  return request.messages
    .flatMap((message) => (typeof message.content === 'string' ? [] : message.content))
    .filter((block) => block.type === 'tool_result').length;
}

async function auditRecords(agent: ClaudeAgent): Promise<AuditRecord[]> {
  const audit = (await agent.audit())!;
  const records: AuditRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.search({ tenantId, limit: 1000, ...(cursor ? { cursor } : {}) });
    records.push(...page.records);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return records;
}

describe('every agent in its own workspace', () => {
  it('refuses Read, Glob, Grep and Bash outside the workspace, by every path, and records each refusal', async () => {
    const agent = new ClaudeAgent({
      tenantId,
      agentId,
      store,
      runtime,
      tools: ['Read', 'Glob', 'Grep', 'Bash'],
      // Trust allows every tool: the workspace is the only wall under test here.
      trust: { initial: 0.9, permissions: { 0.9: ['*'] } },
      audit: { level: 'detailed' },
      limits: { maxTurns: 60, timeoutMs: 240_000 },
    });
    await agent.start();

    // The host's secrets, all real: the store and its key files, and what the audit primitive created.
    const secretKey = readFileSync(join(dir, 'secret.key'), 'utf8').trim();
    expect(existsSync(join(dir, 'audit-signing.key'))).toBe(true);
    const signingKey = readFileSync(join(dir, 'audit-signing.key'), 'utf8').split('\n')[1]!;
    expect(readFileSync(join(dir, 'steward.db')).subarray(0, 15).toString()).toBe('SQLite format 3');
    // Another tenant's workspace, and this agent's own with a file and two links out of it.
    const other = join(dir, 'workspaces', 'other-tenant', 'desk');
    mkdirSync(other, { recursive: true, mode: 0o700 });
    writeFileSync(join(other, 'orders.txt'), 'OTHER-TENANT-ORDERS');
    const own = join(dir, 'workspaces', tenantId, agentId);
    mkdirSync(own, { recursive: true, mode: 0o700 });
    writeFileSync(join(own, 'menu.txt'), 'Croissants 2.50');
    symlinkSync(join(dir, 'secret.key'), join(own, 'key-link'));
    symlinkSync('/etc', join(own, 'etc-link'));
    const forbidden = [
      secretKey,
      signingKey,
      'SQLite format 3',
      'root:x:0:0',
      'OTHER-TENANT-ORDERS',
      'sk-simulated-model',
    ];

    const refused = (tool: Attempt['tool'], input: Record<string, unknown>): Attempt => ({
      tool,
      input,
      expect: 'refused',
    });
    attempts = [
      refused('Read', { file_path: '../../../steward.db' }),
      refused('Read', { file_path: join(dir, 'secret.key') }),
      refused('Read', { file_path: join(dir, 'audit-signing.key') }),
      refused('Read', { file_path: '/etc/passwd' }),
      refused('Read', { file_path: '../../other-tenant/desk/orders.txt' }),
      refused('Read', { file_path: 'key-link' }),
      refused('Read', { file_path: 'etc-link/passwd' }),
      refused('Glob', { pattern: '*', path: dir }),
      refused('Glob', { pattern: '**/*', path: '../..' }),
      refused('Glob', { pattern: '*', path: '/etc' }),
      // A pattern that climbs out, or through a link, finds nothing.
      { tool: 'Glob', input: { pattern: '../../../*.key' }, expect: 'ran', shows: 'No files found' },
      { tool: 'Glob', input: { pattern: 'etc-link/pass*' }, expect: 'ran', shows: 'No files found' },
      refused('Grep', { pattern: 'root', path: '/etc/passwd', output_mode: 'content' }),
      refused('Grep', { pattern: '.', path: '../../../secret.key', output_mode: 'content' }),
      refused('Grep', { pattern: 'ORDERS', path: '../../other-tenant', output_mode: 'content' }),
      refused('Grep', { pattern: '.', path: 'key-link', output_mode: 'content' }),
      refused('Bash', { command: 'cat ../../../secret.key' }),
      refused('Bash', { command: `cat ${join(dir, 'audit-signing.key')}` }),
      refused('Bash', { command: 'cat /etc/passwd' }),
      refused('Bash', { command: 'cat ../../other-tenant/desk/orders.txt' }),
      refused('Bash', { command: 'cat key-link' }),
      refused('Bash', { command: 'cat etc-link/passwd' }),
      refused('Bash', { command: `head -c 15 ${join(dir, 'steward.db')}` }),
      refused('Bash', { command: 'cat /etc/passwd', dangerouslyDisableSandbox: true }),
      // The sandboxed shell runs without the CLI's API key (the leak check below).
      hostHasSandbox
        ? { tool: 'Bash', input: { command: 'env' }, expect: 'ran', shows: 'PATH=' }
        : refused('Bash', { command: 'env' }),
      // The controls: the agent's own files.
      { tool: 'Read', input: { file_path: 'menu.txt' }, expect: 'ran', shows: 'Croissants 2.50' },
      { tool: 'Glob', input: { pattern: '*.txt' }, expect: 'ran', shows: 'menu.txt' },
      {
        tool: 'Grep',
        input: { pattern: 'Croissants', output_mode: 'content' },
        expect: 'ran',
        shows: 'Croissants',
      },
      hostHasSandbox
        ? { tool: 'Bash', input: { command: 'cat menu.txt' }, expect: 'ran', shows: 'Croissants 2.50' }
        : refused('Bash', { command: 'cat menu.txt' }),
    ];

    const reply = await agent.handle({ text: 'Show me what you can find.' });

    // What the model was told, call by call (the final request carries every tool result).
    const told = model.requests.at(-1)!;
    expect(toolResultCount(told)).toBe(attempts.length);
    const results = new Map(
      told.messages
        .flatMap((message) => (typeof message.content === 'string' ? [] : message.content))
        .filter((block) => block.type === 'tool_result')
        .map((block) => [
          block.tool_use_id,
          { text: JSON.stringify(block.content), isError: block.is_error === true },
        ]),
    );
    const calls = new Map<string, ToolCallRecord>(reply.toolCalls.map((call) => [call.toolUseId, call]));
    const records = await auditRecords(agent);
    const outcomes = attempts.map((attempt, index) => {
      const id = `toolu_attempt_${index}`;
      const result = results.get(id);
      const recorded = records.filter(
        (record) =>
          (record.eventType === 'tool-call-denied' || record.eventType === 'tool-call-failed') &&
          record.payload.toolUseId === id,
      );
      return {
        attempt: `${attempt.tool} ${JSON.stringify(attempt.input)}`,
        expected: attempt.expect,
        isError: result?.isError,
        status: calls.get(id)?.status,
        audited: recorded.map((record) => record.eventType),
        leaked: forbidden.filter((secret) => result?.text.includes(secret)),
        shown: attempt.shows === undefined || result?.text.includes(attempt.shows),
      };
    });
    for (const outcome of outcomes) {
      expect(outcome.leaked, outcome.attempt).toEqual([]);
      if (outcome.expected === 'refused') {
        expect(outcome.isError, outcome.attempt).toBe(true);
        expect(['denied', 'failed'], outcome.attempt).toContain(outcome.status);
        expect(outcome.audited, outcome.attempt).toHaveLength(1);
      } else {
        expect(outcome.isError, outcome.attempt).toBe(false);
        expect(outcome.status, outcome.attempt).toBe('succeeded');
        expect(outcome.shown, outcome.attempt).toBe(true);
      }
    }
    // Nothing of the host's files in the reply, the stored interaction, or any audit record.
    const stored = await store.interactions.get(tenantId, reply.interactionId);
    for (const text of [reply.text, JSON.stringify(stored), JSON.stringify(records)]) {
      for (const secret of forbidden) expect(text).not.toContain(secret);
    }
    expect(reply.text).toContain('Croissants 2.50');

    const { isolation } = (await agent.describe()).runtime;
    expect(isolation).toEqual(
      hostHasSandbox
        ? { workspace: 'per-agent', sandboxMode: 'if-available', sandbox: 'bubblewrap', shell: 'sandboxed' }
        : expect.objectContaining({ sandbox: 'unavailable', shell: 'not-offered' }),
    );
    await agent.close();
  }, 300_000);
});

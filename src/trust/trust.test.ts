/** The Trust primitive used on its own (claude-steward/trust), without ClaudeAgent. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../events/index.js';
import type { PermissionContext } from '../runtime/index.js';
import type { StewardStore } from '../store/index.js';
import { openStore } from '../store/index.js';
import type { TrustConfig } from './config.js';
import { Trust } from './index.js';

let dir: string;
let store: StewardStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-trust-'));
  store = await openStore({ path: join(dir, 'steward.db') }, {});
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const permissions = {
  0.1: ['Read'],
  0.3: ['Read', 'mcp__slack__*'],
  0.5: ['Read', 'Write', 'mcp__*'],
  0.9: ['*'],
};
let ids = 0;
const context = (extra: Partial<PermissionContext> = {}): PermissionContext => ({
  tenantId: 't',
  agentId: 'a',
  interactionId: 'i',
  toolUseId: `tool-${++ids}`,
  source: 'pre-tool-use-hook',
  cwd: '/srv/agent',
  ...extra,
});

function trustFor(agentId: string, config: Partial<TrustConfig> = {}, bus?: EventBus) {
  return {
    trust: new Trust(
      store,
      { initial: 0.3, permissions, ...config },
      { ...(bus ? { bus } : {}), approvalPollMs: 10 },
    ),
    scope: { tenantId: 'acme', agentId },
  };
}

describe('Trust on its own', () => {
  it('exposes config warnings as data: a path rule that looks absolute is relative', () => {
    const { trust } = trustFor('warned', { deny: ['Read(/etc/shadow)', 'Read(//etc/passwd)'] });
    expect(trust.warnings).toHaveLength(1);
    expect(trust.warnings[0]).toMatch(
      /^trust\.deny\.0: "Read\(\/etc\/shadow\)" means <working directory>\/etc\/shadow/,
    );
    expect(trustFor('quiet').trust.warnings).toEqual([]);
  });

  it('denies above the level with the level the tool needs, and allows within it', async () => {
    const { trust, scope } = trustFor('standalone');
    const guard = await trust.guardFor(scope, 'i-1');
    const denied = await guard.decide('Write', { file_path: 'x.txt', content: '' }, context());
    expect(denied).toMatchObject({
      behavior: 'deny',
      details: { level: 0.3, requiredLevel: 0.5, rule: 'no-match' },
    });
    expect(denied.behavior === 'deny' && denied.message).toMatch(
      /needs trust level 0.5; this agent is at 0.3/,
    );
    expect(await guard.decide('mcp__slack__post_message', {}, context())).toMatchObject({
      behavior: 'allow',
      details: { matchedPattern: 'mcp__slack__*' },
    });
    expect(guard.escalations).toBe(1);
  });

  it('answers the second question about one tool call (canUseTool after the hook) without counting it again', async () => {
    const { trust, scope } = trustFor('asked-twice');
    const guard = await trust.guardFor(scope, 'i-2');
    const same = context({ toolUseId: 'toolu_same' });
    await guard.decide('Write', {}, same);
    await guard.decide('Write', {}, { ...same, source: 'can-use-tool' });
    expect(guard.escalations).toBe(1);
    expect((await trust.service.snapshot(scope)).tools).toEqual([
      { toolName: 'Write', allowed: 0, denied: 1 },
    ]);
  });

  it('lets the deny list win over every allow', async () => {
    const { trust, scope } = trustFor('deny-list', { initial: 0.95, deny: ['Bash(rm:*)'] });
    const guard = await trust.guardFor(scope, 'i-3');
    expect((await guard.decide('Bash', { command: 'rm -rf /tmp/x' }, context())).behavior).toBe('deny');
    expect((await guard.decide('Bash', { command: 'ls' }, context())).behavior).toBe('allow');
    expect(guard.escalations).toBe(0);
  });

  it('turns a call above the level into an approval that an operator grants', async () => {
    const bus = new EventBus();
    const requested: string[] = [];
    bus.on('trust-approval-requested', (event) => {
      requested.push(event.approvalId);
    });
    const { trust, scope } = trustFor('approvals', { approval: { enabled: true, timeout: '5s' } }, bus);
    const guard = await trust.guardFor(scope, 'i-4');
    const pending = guard.decide('Write', { file_path: 'a' }, context());
    await expect.poll(() => requested.length).toBe(1);
    const [listed] = await trust.approvals.list({ tenantId: 'acme', status: 'pending' });
    expect(listed).toMatchObject({ toolName: 'Write', level: 0.3, requiredLevel: 0.5, status: 'pending' });
    await trust.approvals.decide('acme', requested[0]!, 'approve', 'alice', 'one-off');
    expect(await pending).toMatchObject({ behavior: 'allow', details: { rule: 'approval' } });
    await expect(trust.approvals.decide('acme', requested[0]!, 'deny', 'bob')).rejects.toMatchObject({
      code: 'invalid-request',
    });
    await expect(trust.approvals.decide('other-tenant', requested[0]!, 'deny', 'bob')).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('denies when no one decides before the approval times out', async () => {
    const { trust, scope } = trustFor('approval-timeout', { approval: { enabled: true, timeout: '50ms' } });
    const guard = await trust.guardFor(scope, 'i-5');
    const decision = await guard.decide('Write', {}, context());
    expect(decision).toMatchObject({ behavior: 'deny', details: { rule: 'approval' } });
    expect(decision.behavior === 'deny' && decision.message).toMatch(/did not approve in time/);
    const [expired] = await trust.approvals.list({ tenantId: 'acme', agentId: 'approval-timeout' });
    expect(expired?.status).toBe('expired');
  });

  it('records interactions and promotes, after which the same call is allowed', async () => {
    const { trust, scope } = trustFor('promotion', {
      rules: [{ metric: 'success_rate', threshold: 0.5, action: 'increment', amount: 0.2 }],
      minSamples: 5,
      cooldown: '0s',
    });
    for (let index = 0; index < 5; index++) {
      await trust.recordInteraction({
        id: `promo-${index}`,
        tenantId: 'acme',
        agentId: 'promotion',
        conversationId: 'c',
        channel: 'api',
        tier: 'intelligent',
        outcome: 'success',
        requestText: 'hi',
        replyText: 'hello',
        costUsd: 0,
        usage: { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
        latencyMs: 1,
        queueWaitMs: 0,
        toolCalls: [],
        simulatedModel: true,
        createdAt: 0,
      });
    }
    const guard = await trust.guardFor(scope, 'i-6');
    expect(guard.level).toBe(0.5);
    expect((await guard.decide('Write', { file_path: 'a' }, context())).behavior).toBe('allow');
  });
});

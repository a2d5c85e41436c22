import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { type InvalidConfigError, StewardError } from '../../errors/index.js';
import type { RegistryChange, RegistryChangeSink } from './changes.js';
import { Registry } from './registry.js';

const actor = { actor: 'ops' };

async function failure(work: Promise<unknown>): Promise<StewardError> {
  try {
    await work;
  } catch (error) {
    if (StewardError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a StewardError');
}

const issuesOf = async (work: Promise<unknown>) =>
  ((await failure(work)) as InvalidConfigError).issues.map(
    (issue) => `${issue.path}: expected ${issue.expected}, received ${issue.received}`,
  );

describe.each(storeEngines)('templates on $name', (engine) => {
  let opened: TestStore;
  let registry: Registry;
  const changes: RegistryChange[] = [];
  const sink: RegistryChangeSink = { record: async (batch) => void changes.push(...batch) };

  beforeAll(async () => {
    opened = await engine.open();
    registry = new Registry(opened.store, { changes: sink });
    await registry.tenants.create({ tenantId: 'acme' }, actor);
    await registry.tenants.create({ tenantId: 'globex' }, actor);
    await registry.templates.put(
      'small-business',
      {
        systemPrompt: 'You answer customers of a small business.',
        tools: ['Read'],
        limits: { maxTurns: 6, timeoutMs: 60_000 },
        trust: { initial: 0.3, permissions: { '0.3': ['Read'] } },
      },
      actor,
    );
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  it('resolves an agent as its config merged over the template, with the registry ids', async () => {
    await registry.agents.put(
      { tenantId: 'acme', agentId: 'desk' },
      { extends: 'small-business', limits: { maxTurns: 8 }, tools: ['Read', 'Write'], trust: null },
      actor,
    );
    const effective = await registry.resolveAgentConfig('acme', 'desk');
    expect(effective.config).toEqual({
      tenantId: 'acme',
      agentId: 'desk',
      systemPrompt: 'You answer customers of a small business.',
      tools: ['Read', 'Write'],
      limits: { maxTurns: 8, timeoutMs: 60_000 },
    });
    expect(effective).toMatchObject({
      version: '1.1',
      agentVersion: 1,
      template: { templateId: 'small-business', version: 1 },
      status: 'active',
      tenantStatus: 'active',
    });
  });

  it('a template change reaches every agent built on it: new effective version, one record per agent', async () => {
    await registry.agents.put({ tenantId: 'globex', agentId: 'front' }, { extends: 'small-business' }, actor);
    await registry.agents.put({ tenantId: 'globex', agentId: 'own' }, { systemPrompt: 'No template' }, actor);
    const before = changes.length;
    const result = await registry.templates.put(
      'small-business',
      {
        systemPrompt: 'You answer customers of a small business. Be brief.',
        tools: ['Read'],
        limits: { maxTurns: 6, timeoutMs: 60_000 },
        trust: { initial: 0.3, permissions: { '0.3': ['Read'] } },
      },
      { actor: 'ops', ifMatch: 1 },
    );
    expect(result).toMatchObject({ outcome: 'updated', agentsAffected: 2, template: { version: 2 } });
    expect((await registry.resolveAgentConfig('acme', 'desk')).version).toBe('1.2');
    const front = await registry.resolveAgentConfig('globex', 'front');
    expect(front.version).toBe('1.2');
    expect(front.config.systemPrompt).toBe('You answer customers of a small business. Be brief.');
    expect((await registry.resolveAgentConfig('globex', 'own')).version).toBe('1');
    expect((await registry.agents.get({ tenantId: 'globex', agentId: 'front' }))?.effectiveVersion).toBe(
      '1.2',
    );
    expect(changes.slice(before)).toMatchObject([
      {
        eventType: 'template-changed',
        tenantId: 'steward-platform',
        agentId: 'steward-registry',
        actor: 'ops',
        payload: {
          templateId: 'small-business',
          version: 2,
          previousVersion: 1,
          changedKeys: ['systemPrompt'],
        },
      },
      {
        eventType: 'agent-config-changed',
        tenantId: 'acme',
        agentId: 'desk',
        payload: { via: { templateId: 'small-business', templateVersion: 2 }, effectiveVersion: '1.2' },
      },
      { eventType: 'agent-config-changed', tenantId: 'globex', agentId: 'front' },
    ]);
    // The same template again: nothing changes.
    const same = await registry.templates.put(
      'small-business',
      (await registry.templates.get('small-business'))!.config,
      actor,
    );
    expect(same).toMatchObject({ outcome: 'unchanged', template: { version: 2 } });
    expect(
      (await failure(registry.templates.put('small-business', {}, { actor: 'ops', ifMatch: 1 }))).code,
    ).toBe('precondition-failed');
  });

  it('refuses an agent whose merged config is invalid, with the ClaudeAgent paths', async () => {
    await registry.templates.put('strict', { limits: { maxTurns: 3 } }, actor);
    expect(
      await issuesOf(
        registry.agents.put(
          { tenantId: 'acme', agentId: 'broken' },
          { extends: 'strict', limits: { maxTurns: 0 } },
          actor,
        ),
      ),
    ).toEqual(['limits.maxTurns: expected a number >= 1, received 0']);
    expect(
      await issuesOf(
        registry.agents.put({ tenantId: 'acme', agentId: 'broken' }, { extends: 'missing' }, actor),
      ),
    ).toEqual(['extends: expected the id of an existing template, received "missing"']);
    expect(await registry.agents.get({ tenantId: 'acme', agentId: 'broken' })).toBeUndefined();
  });

  it('refuses a template change that would make an agent built on it invalid, and counts them', async () => {
    await registry.templates.put('bounded', { trust: { initial: 0.3, ceiling: 0.8 } }, actor);
    for (const agentId of ['cautious', 'bold']) {
      await registry.agents.put(
        { tenantId: 'acme', agentId },
        { extends: 'bounded', trust: { floor: 0.5, initial: 0.6 } },
        actor,
      );
    }
    await registry.agents.put({ tenantId: 'acme', agentId: 'plain' }, { extends: 'bounded' }, actor);
    // Valid on its own (floor 0 <= initial 0.3 <= ceiling 0.4), not under two of the agents' floors.
    const error = await failure(
      registry.templates.put('bounded', { trust: { initial: 0.3, ceiling: 0.4 } }, actor),
    );
    expect(error.code).toBe('invalid-config');
    expect(error.message).toContain('2 of the 3 active agents that extend it would be invalid');
    expect(error.message).not.toContain('cautious');
    expect((error as InvalidConfigError).issues.map((issue) => issue.path)).toEqual([
      'trust.floor',
      'trust.initial',
    ]);
    // The agents' own values (initial 0.6) stay out of the error.
    expect(error.message).not.toContain('0.6');
    expect((await registry.templates.get('bounded'))?.version).toBe(1);
    expect((await registry.resolveAgentConfig('acme', 'bold')).version).toBe('1.1');
  });

  it('refuses deleting a template agents extend, saying how many; deletes it once none do', async () => {
    await registry.templates.put('short-lived', { systemPrompt: 'x' }, actor);
    await registry.agents.put({ tenantId: 'acme', agentId: 'user-1' }, { extends: 'short-lived' }, actor);
    await registry.agents.put({ tenantId: 'globex', agentId: 'user-2' }, { extends: 'short-lived' }, actor);
    await registry.agents.disable({ tenantId: 'globex', agentId: 'user-2' }, actor);
    const refused = await failure(registry.templates.delete('short-lived', actor));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('is extended by 2 agents (1 active, 1 disabled)');
    expect(refused.message).not.toContain('globex');
    await registry.agents.put({ tenantId: 'acme', agentId: 'user-1' }, {}, actor);
    await registry.agents.put({ tenantId: 'globex', agentId: 'user-2' }, {}, actor);
    await registry.templates.delete('short-lived', actor);
    expect(await registry.templates.get('short-lived')).toBeUndefined();
    expect(changes.at(-1)).toMatchObject({
      eventType: 'template-deleted',
      payload: { templateId: 'short-lived' },
    });
    expect((await failure(registry.templates.delete('short-lived', actor))).code).toBe('not-found');
  });

  it('lists templates a page at a time', async () => {
    const first = await registry.templates.list({ limit: 2 });
    const second = await registry.templates.list({ limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((template) => template.templateId)).toEqual([
      'bounded',
      'small-business',
      'strict',
    ]);
    expect(second.nextCursor).toBeNull();
  });
});

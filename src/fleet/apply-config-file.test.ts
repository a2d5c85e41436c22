import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { FunctionRuntime } from '../runtime/index.js';
import { applyConfigFile } from './apply-config-file.js';
import type { RegistryChange } from './registry/changes.js';
import { Registry } from './registry/registry.js';

describe.each(storeEngines)('applyConfigFile on $name', (engine) => {
  let opened: TestStore;
  let registry: Registry;
  const changes: RegistryChange[] = [];

  beforeAll(async () => {
    opened = await engine.open();
    registry = new Registry(opened.store, {
      changes: { record: async (batch) => void changes.push(...batch) },
    });
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  const fileConfigs = () => [
    {
      tenantId: 'acme-bakery',
      agentId: 'front-desk',
      systemPrompt: 'You answer customers of Acme Bakery.',
      store: { path: '/somewhere/steward.db' },
      runtime: new FunctionRuntime(async () => 'ok'),
      now: () => 1,
      optimization: { budget: { daily: 50 } },
    },
    { tenantId: 'acme-bakery', agentId: 'back-office' },
    { systemPrompt: 'No ids: the ClaudeAgent defaults' },
  ];

  it('creates missing tenants and the agents, without the host options', async () => {
    const result = await applyConfigFile(registry, fileConfigs(), 'serve:steward.config.ts');
    expect(result.tenantsCreated).toEqual(['acme-bakery', 'default']);
    expect(
      result.agents.map((agent) => [agent.tenantId, agent.agentId, agent.outcome, agent.version]),
    ).toEqual([
      ['acme-bakery', 'front-desk', 'created', 1],
      ['acme-bakery', 'back-office', 'created', 1],
      ['default', 'default', 'created', 1],
    ]);
    const stored = await registry.agents.get({ tenantId: 'acme-bakery', agentId: 'front-desk' });
    expect(stored?.config).toEqual({
      systemPrompt: 'You answer customers of Acme Bakery.',
      optimization: { budget: { daily: 50 } },
    });
    expect(stored?.createdBy).toBe('serve:steward.config.ts');
  });

  it('is idempotent: applying the same file again makes no new version and no record', async () => {
    const before = changes.length;
    const again = await applyConfigFile(registry, fileConfigs(), 'serve:steward.config.ts');
    expect(again.tenantsCreated).toEqual([]);
    expect(again.agents.map((agent) => [agent.outcome, agent.version])).toEqual([
      ['unchanged', 1],
      ['unchanged', 1],
      ['unchanged', 1],
    ]);
    expect(changes.length).toBe(before);
    // One agent edited in the file: only it moves.
    const edited = fileConfigs();
    edited[1] = { ...edited[1], systemPrompt: 'Back office' } as (typeof edited)[1];
    const third = await applyConfigFile(registry, edited, 'serve:steward.config.ts');
    expect(third.agents.map((agent) => agent.outcome)).toEqual(['unchanged', 'updated', 'unchanged']);
    expect(changes.slice(before).map((change) => [change.eventType, change.agentId])).toEqual([
      ['agent-config-changed', 'back-office'],
    ]);
  });

  it('refuses a file that names an agent twice', async () => {
    await expect(
      applyConfigFile(
        registry,
        [
          { tenantId: 'x', agentId: 'a' },
          { tenantId: 'x', agentId: 'a' },
        ],
        'someone',
      ),
    ).rejects.toThrow(/names agent x\/a twice/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { Audit, verifyChain } from '../../audit/index.js';
import { StewardError } from '../../errors/index.js';
import { Registry } from './registry.js';

describe.each(storeEngines)('registry change records in the audit log on $name', (engine) => {
  let opened: TestStore;
  let audit: Audit;
  let registry: Registry;
  let clock = 1_780_000_000_000;

  beforeAll(async () => {
    opened = await engine.open();
    const now = () => clock++;
    audit = new Audit(opened.store, {}, { now });
    registry = new Registry(opened.store, { audit, now });
  });
  afterAll(async () => {
    await audit.close();
    await opened.cleanup();
  });

  it('records tenant, agent and template changes with their actor and sections, never config values; the chains verify', async () => {
    await registry.tenants.create({ tenantId: 'acme', displayName: 'Acme' }, { actor: 'alice' });
    await registry.templates.put('base', { limits: { maxTurns: 5 } }, { actor: 'ops' });
    await registry.agents.put(
      { tenantId: 'acme', agentId: 'desk' },
      {
        extends: 'base',
        systemPrompt: 'You answer for Acme',
        channels: [{ type: 'slack', botToken: 'xoxb-very-secret-token', signingSecret: 'shh-signing' }],
      },
      { actor: 'alice' },
    );
    await registry.agents.put(
      { tenantId: 'acme', agentId: 'desk' },
      {
        extends: 'base',
        systemPrompt: 'You answer for Acme',
        channels: [{ type: 'slack', botToken: 'xoxb-rotated-secret', signingSecret: 'shh-signing' }],
      },
      { actor: 'bob', ifMatch: 1 },
    );
    await registry.templates.put('base', { limits: { maxTurns: 6 } }, { actor: 'ops' });
    await registry.tenants.suspend('acme', { actor: 'carol' });
    await registry.agents.disable({ tenantId: 'acme', agentId: 'desk' }, { actor: 'carol' });

    const tenantRecords = (await audit.search({ tenantId: 'acme', limit: 50 })).records.reverse();
    expect(tenantRecords.map((record) => [record.eventType, record.agentId, record.actor])).toEqual([
      ['tenant-created', 'steward-registry', 'alice'],
      ['agent-created', 'desk', 'alice'],
      ['agent-config-changed', 'desk', 'bob'],
      ['agent-config-changed', 'desk', 'ops'],
      ['tenant-changed', 'steward-registry', 'carol'],
      ['agent-disabled', 'desk', 'carol'],
    ]);
    expect(tenantRecords[2]!.payload).toMatchObject({
      version: 2,
      previousVersion: 1,
      changedKeys: ['channels'],
    });
    expect(tenantRecords[3]!.payload).toMatchObject({
      via: { templateId: 'base', templateVersion: 2 },
      changedKeys: ['limits'],
      effectiveVersion: '2.2',
    });
    const platformRecords = (
      await audit.search({ tenantId: 'steward-platform', limit: 50 })
    ).records.reverse();
    expect(platformRecords.map((record) => [record.eventType, record.agentId, record.actor])).toEqual([
      ['template-created', 'steward-registry', 'ops'],
      ['template-changed', 'steward-registry', 'ops'],
    ]);
    const everything = JSON.stringify([...tenantRecords, ...platformRecords]);
    for (const secret of [
      'xoxb-very-secret-token',
      'xoxb-rotated-secret',
      'shh-signing',
      'You answer for Acme',
    ]) {
      expect(everything).not.toContain(secret);
    }
    await audit.log.flush();
    const verified = await verifyChain(opened.store);
    expect(verified.ok).toBe(true);
  });

  it('a write whose record cannot be appended says the change was saved', async () => {
    const failing = new Registry(opened.store, {
      changes: {
        record: async () => {
          throw new StewardError('store-unavailable', 'the audit store is down');
        },
      },
    });
    const error = await failing.tenants.create({ tenantId: 'unrecorded' }, { actor: 'alice' }).then(
      () => undefined,
      (caught: unknown) => caught as StewardError,
    );
    expect(error?.code).toBe('store-unavailable');
    expect(error?.message).toContain('the change was saved');
    expect(await registry.tenants.get('unrecorded')).toMatchObject({ version: 1 });
  });

  it('a registry needs somewhere to record changes', () => {
    expect(() => new Registry(opened.store, {})).toThrow(/record changes/);
  });
});

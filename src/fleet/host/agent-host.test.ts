import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import type { AgentConfig, ClaudeAgent } from '../../agent/index.js';
import { FunctionRuntime } from '../../runtime/index.js';
import { AgentHost, type AgentSource } from './agent-host.js';

/** A registry stand-in: configs by tenant and agent, with a version bumped on every change. */
function memorySource() {
  const configs = new Map<string, { config: AgentConfig; version: number }>();
  const id = (tenantId: string, agentId: string) => `${tenantId}/${agentId}`;
  let resolves = 0;
  const source: AgentSource = {
    async resolve(tenantId, agentId) {
      resolves++;
      const entry = configs.get(id(tenantId, agentId));
      return entry && { config: entry.config, version: String(entry.version) };
    },
    async version(tenantId, agentId) {
      const entry = configs.get(id(tenantId, agentId));
      return entry && String(entry.version);
    },
  };
  return {
    source,
    resolves: () => resolves,
    put(tenantId: string, agentId: string, config: AgentConfig) {
      const previous = configs.get(id(tenantId, agentId));
      configs.set(id(tenantId, agentId), { config, version: (previous?.version ?? 0) + 1 });
    },
    remove(tenantId: string, agentId: string) {
      configs.delete(id(tenantId, agentId));
    },
  };
}

describe.each(storeEngines)('AgentHost on $name', (engine) => {
  let opened: TestStore | undefined;
  let host: AgentHost | undefined;
  afterEach(async () => {
    await host?.close();
    await opened?.cleanup();
    host = undefined;
    opened = undefined;
  });

  async function hostWith(options: { maxAgents?: number; idleMs?: number; recheckMs?: number } = {}) {
    opened = await engine.open();
    const registry = memorySource();
    let clock = 1_000_000;
    const runtime = new FunctionRuntime(async (request) => `${request.systemPrompt} (${request.tenantId})`);
    host = new AgentHost({
      source: registry.source,
      store: opened.store,
      runtime,
      now: () => clock,
      ...options,
    });
    return { registry, host, tick: (ms: number) => (clock += ms) };
  }
  const ask = (host: AgentHost, tenantId: string, agentId = 'desk') =>
    host.use(tenantId, agentId, (agent) => agent.handle({ text: 'When do you open?' }));

  it('builds an agent on its first message, once even for concurrent first messages, and reuses it', async () => {
    const { registry, host } = await hostWith();
    registry.put('acme', 'desk', { systemPrompt: 'Acme' });
    const replies = await Promise.all([ask(host, 'acme'), ask(host, 'acme'), ask(host, 'acme')]);
    expect(replies.map((reply) => reply.text)).toEqual(['Acme (acme)', 'Acme (acme)', 'Acme (acme)']);
    await ask(host, 'acme');
    expect(registry.resolves()).toBe(1);
    expect(host.size).toBe(1);
  });

  it('keeps tenants with the same agent id apart, and refuses an agent that does not exist', async () => {
    const { registry, host } = await hostWith();
    registry.put('acme', 'desk', { systemPrompt: 'Acme' });
    registry.put('globex', 'desk', { systemPrompt: 'Globex' });
    expect((await ask(host, 'acme')).text).toBe('Acme (acme)');
    expect((await ask(host, 'globex')).text).toBe('Globex (globex)');
    await expect(ask(host, 'initech')).rejects.toMatchObject({ code: 'not-found' });
    const stored = await opened!.store.interactions.list({ tenantId: 'globex' });
    expect(stored.items.map((item) => item.tenantId)).toEqual(['globex']);
  });

  it('closes the least recently used agent past maxAgents, and idle agents after idleMs', async () => {
    const { registry, host, tick } = await hostWith({ maxAgents: 2, idleMs: 60_000 });
    const agents = new Map<string, ClaudeAgent>();
    for (const tenant of ['a', 'b', 'c']) {
      registry.put(tenant, 'desk', { systemPrompt: tenant });
      await host.use(tenant, 'desk', async (agent) => {
        agents.set(tenant, agent);
      });
    }
    expect(host.size).toBe(2);
    expect(host.agents().map((agent) => agent.tenantId)).toEqual(['b', 'c']);
    await expect(agents.get('a')!.handle({ text: 'hi' })).rejects.toMatchObject({ code: 'shutting-down' });
    tick(30_000);
    await ask(host, 'c');
    tick(40_000);
    await ask(host, 'c');
    // b was idle for 70 s: closed; c was used 40 s ago: kept.
    expect(host.agents().map((agent) => agent.tenantId)).toEqual(['c']);
  });

  it('builds the new config once its version changed, within recheckMs', async () => {
    const { registry, host, tick } = await hostWith({ recheckMs: 2_000 });
    registry.put('acme', 'desk', { systemPrompt: 'Old' });
    expect((await ask(host, 'acme')).text).toBe('Old (acme)');
    registry.put('acme', 'desk', { systemPrompt: 'New' });
    tick(1_000);
    expect((await ask(host, 'acme')).text).toBe('Old (acme)');
    tick(1_000);
    expect((await ask(host, 'acme')).text).toBe('New (acme)');
    registry.remove('acme', 'desk');
    tick(2_000);
    await expect(ask(host, 'acme')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('does not close an agent evicted while a caller still uses it', async () => {
    const { registry, host } = await hostWith({ maxAgents: 1 });
    registry.put('acme', 'desk', { systemPrompt: 'Acme' });
    registry.put('globex', 'desk', { systemPrompt: 'Globex' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = host.use('acme', 'desk', async (agent) => {
      await held;
      return agent.handle({ text: 'still here?' });
    });
    await new Promise((resolve) => setImmediate(resolve));
    await ask(host, 'globex'); // evicts acme from the LRU
    expect(host.agents().map((agent) => agent.tenantId)).toEqual(['globex']);
    release();
    expect((await slow).text).toBe('Acme (acme)');
  });
});

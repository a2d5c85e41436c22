import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { InvalidConfigError, StewardError } from '../../errors/index.js';
import type { RegistryChange, RegistryChangeSink } from './changes.js';
import { Registry } from './registry.js';

/** Keeps every change in memory, to check what would be recorded. */
function collectingSink(): RegistryChangeSink & { changes: RegistryChange[] } {
  const changes: RegistryChange[] = [];
  return { changes, record: async (batch) => void changes.push(...batch) };
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (StewardError.isInstance(error)) return error.code;
    throw error;
  }
  return 'no error';
}

async function issuesOf(work: Promise<unknown>): Promise<string[]> {
  try {
    await work;
  } catch (error) {
    if (InvalidConfigError.isInstance(error)) {
      return (error as InvalidConfigError).issues.map(
        (issue) => `${issue.path}: expected ${issue.expected}, received ${issue.received}`,
      );
    }
    throw error;
  }
  throw new Error('expected an InvalidConfigError');
}

const actor = { actor: 'alice' };

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

const sleepUntil = (at: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** A second writer in its own process (test/support/registry-put-child.ts). */
async function startPutChild(
  opened: TestStore,
  scope: { tenantId: string; agentId: string },
): Promise<{ put(round: number, startAt: number): Promise<string>; stop(): Promise<void> }> {
  const target = opened.config.url ?? opened.config.path!;
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/registry-put-child.ts', target, scope.tenantId, scope.agentId],
    { cwd: repoRoot, stdio: 'pipe' },
  );
  const waiting: Array<(line: string) => void> = [];
  let buffered = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    for (let index = buffered.indexOf('\n'); index >= 0; index = buffered.indexOf('\n')) {
      const line = buffered.slice(0, index);
      buffered = buffered.slice(index + 1);
      waiting.shift()?.(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the child did not answer: ${stderr}`)), 30_000);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  expect(await nextLine()).toBe('ready');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    async put(round, startAt) {
      const answer = nextLine();
      child.stdin.write(`${round} ${startAt}\n`);
      const [answeredRound, outcome] = (await answer).split(' ');
      expect(Number(answeredRound)).toBe(round);
      return outcome!;
    },
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}

describe.each(storeEngines)('registry on $name', (engine) => {
  let opened: TestStore;
  let registry: Registry;
  let sink: ReturnType<typeof collectingSink>;
  let clock = 1_780_000_000_000;

  beforeAll(async () => {
    opened = await engine.open();
    sink = collectingSink();
    registry = new Registry(opened.store, { changes: sink, now: () => clock++ });
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  describe('tenants', () => {
    it('creates, reads and refuses a second create', async () => {
      const tenant = await registry.tenants.create(
        { tenantId: 'acme', displayName: 'Acme Bakery', limits: { maxAgents: 3 } },
        actor,
      );
      expect(tenant).toMatchObject({
        tenantId: 'acme',
        displayName: 'Acme Bakery',
        status: 'active',
        limits: { maxAgents: 3 },
        version: 1,
        createdBy: 'alice',
        updatedBy: 'alice',
      });
      expect(await registry.tenants.get('acme')).toEqual(tenant);
      expect(await registry.tenants.get('nobody')).toBeUndefined();
      expect(await codeOf(registry.tenants.create({ tenantId: 'acme' }, actor))).toBe('conflict');
    });

    it('refuses reserved ids, bad limits and a missing actor', async () => {
      expect(await codeOf(registry.tenants.create({ tenantId: 'steward-platform' }, actor))).toBe(
        'invalid-request',
      );
      expect(
        await issuesOf(registry.tenants.create({ tenantId: 'limits', limits: { maxAgents: -1 } }, actor)),
      ).toEqual(['maxAgents: expected a number >= 0, received -1']);
      expect(await codeOf(registry.tenants.create({ tenantId: 'anon' }, { actor: '  ' }))).toBe(
        'invalid-request',
      );
    });

    it('suspends and resumes, each a new version with its change; the same status again changes nothing', async () => {
      await registry.tenants.create({ tenantId: 'pause' }, actor);
      const suspended = await registry.tenants.suspend('pause', { actor: 'bob' });
      expect(suspended).toMatchObject({ status: 'suspended', version: 2, updatedBy: 'bob' });
      const before = sink.changes.length;
      expect(await registry.tenants.suspend('pause', { actor: 'bob' })).toMatchObject({ version: 2 });
      expect(sink.changes.length).toBe(before);
      const resumed = await registry.tenants.resume('pause', { actor: 'carol' });
      expect(resumed).toMatchObject({ status: 'active', version: 3 });
      expect(sink.changes.filter((change) => change.tenantId === 'pause')).toMatchObject([
        { eventType: 'tenant-created', agentId: 'steward-registry', actor: 'alice' },
        {
          eventType: 'tenant-changed',
          actor: 'bob',
          payload: { changed: ['status'], status: { from: 'active', to: 'suspended' } },
        },
        {
          eventType: 'tenant-changed',
          actor: 'carol',
          payload: { status: { from: 'suspended', to: 'active' } },
        },
      ]);
    });

    it('patches limits (null removes one) and refuses a stale If-Match', async () => {
      await registry.tenants.create(
        { tenantId: 'limited', limits: { maxAgents: 2, messagesPerMinute: 60 } },
        actor,
      );
      const changed = await registry.tenants.update(
        'limited',
        { limits: { maxAgents: null, messagesPerMinute: 30 }, displayName: 'Limited Ltd' },
        { actor: 'alice', ifMatch: 1 },
      );
      expect(changed).toMatchObject({
        limits: { messagesPerMinute: 30 },
        displayName: 'Limited Ltd',
        version: 2,
      });
      expect(changed.limits).not.toHaveProperty('maxAgents');
      expect(
        await codeOf(
          registry.tenants.update('limited', { displayName: 'Late' }, { actor: 'bob', ifMatch: 1 }),
        ),
      ).toBe('precondition-failed');
      expect(await codeOf(registry.tenants.update('nobody', { displayName: 'x' }, actor))).toBe('not-found');
    });

    it('lists in id order, a page at a time, with an opaque cursor', async () => {
      const ids = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
      for (const tenantId of ids) await registry.tenants.create({ tenantId }, actor);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await registry.tenants.list({ limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((tenant) => tenant.tenantId));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 20);
      expect(seen.filter((id) => id.startsWith('page-'))).toEqual(ids);
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(await codeOf(registry.tenants.list({ cursor: 'not-a-cursor' }))).toBe('invalid-request');
      const agentsCursor = Buffer.from(JSON.stringify(['agents', 'x'])).toString('base64url');
      expect(await codeOf(registry.tenants.list({ cursor: agentsCursor }))).toBe('invalid-request');
      expect(await codeOf(registry.tenants.list({ limit: 501 }))).toBe('invalid-request');
    });
  });

  describe('agents', () => {
    beforeAll(async () => {
      await registry.tenants.create({ tenantId: 'shop' }, actor);
      await registry.tenants.create({ tenantId: 'other-shop' }, actor);
    });

    it('creates at version 1, replaces at +1, and an identical put changes nothing', async () => {
      const scope = { tenantId: 'shop', agentId: 'desk' };
      const created = await registry.agents.put(scope, { systemPrompt: 'Hello', tools: ['Read'] }, actor);
      expect(created).toMatchObject({
        outcome: 'created',
        agent: { version: 1, effectiveVersion: '1', status: 'active', config: { systemPrompt: 'Hello' } },
      });
      // Same config, keys in another order and with the ids spelled out: nothing new.
      const again = await registry.agents.put(
        scope,
        { tools: ['Read'], agentId: 'desk', systemPrompt: 'Hello', tenantId: 'shop' },
        actor,
      );
      expect(again).toMatchObject({ outcome: 'unchanged', agent: { version: 1 } });
      const replaced = await registry.agents.put(
        scope,
        { systemPrompt: 'Hello', tools: ['Read', 'Write'], limits: { maxTurns: 4 } },
        { actor: 'bob' },
      );
      expect(replaced).toMatchObject({
        outcome: 'updated',
        agent: { version: 2, updatedBy: 'bob', createdBy: 'alice' },
      });
      const changes = sink.changes.filter(
        (change) => change.tenantId === 'shop' && change.agentId === 'desk',
      );
      expect(changes).toMatchObject([
        { eventType: 'agent-created', payload: { version: 1, changedKeys: ['systemPrompt', 'tools'] } },
        {
          eventType: 'agent-config-changed',
          actor: 'bob',
          payload: { version: 2, previousVersion: 1, changedKeys: ['limits', 'tools'] },
        },
      ]);
      expect(await registry.agents.get(scope)).toEqual(replaced.agent);
    });

    it('refuses a config that is invalid, names other ids or carries live objects, with the config paths', async () => {
      const scope = { tenantId: 'shop', agentId: 'bad' };
      expect(
        await issuesOf(registry.agents.put(scope, { optimization: { budget: { daily: -5 } } }, actor)),
      ).toEqual(['optimization.budget.daily: expected a number >= 0, received -5']);
      expect(await issuesOf(registry.agents.put(scope, { tenantId: 'other-shop' }, actor))).toEqual([
        'tenantId: expected "shop" (the id the registry files it under) or nothing, received "other-shop"',
      ]);
      expect(await issuesOf(registry.agents.put(scope, { now: () => 1 }, actor))).toEqual([
        'now: expected no clock (a function cannot be stored), received a function',
      ]);
      expect(await registry.agents.get(scope)).toBeUndefined();
      expect(await codeOf(registry.agents.put({ tenantId: 'nobody', agentId: 'x' }, {}, actor))).toBe(
        'not-found',
      );
    });

    it('If-Match: writes only at that version; a stale one is precondition-failed (412)', async () => {
      const scope = { tenantId: 'shop', agentId: 'guarded' };
      await registry.agents.put(scope, { systemPrompt: 'v1' }, actor);
      await registry.agents.put(scope, { systemPrompt: 'v2' }, { actor: 'alice', ifMatch: 1 });
      const stale = await registry.agents
        .put(scope, { systemPrompt: 'late' }, { actor: 'bob', ifMatch: 1 })
        .then(
          () => undefined,
          (error: unknown) => error as StewardError,
        );
      expect(stale?.code).toBe('precondition-failed');
      expect(stale?.status).toBe(412);
      expect((await registry.agents.get(scope))?.config).toEqual({ systemPrompt: 'v2' });
      expect(
        await codeOf(
          registry.agents.put({ tenantId: 'shop', agentId: 'absent' }, {}, { actor: 'a', ifMatch: 1 }),
        ),
      ).toBe('not-found');
    });

    it('two concurrent puts with the same If-Match, from two processes: exactly one wins', async () => {
      const scope = { tenantId: 'shop', agentId: 'raced' };
      await registry.agents.put(scope, { systemPrompt: 'start' }, actor);
      const child = await startPutChild(opened, scope);
      try {
        for (let round = 1; round <= 10; round++) {
          // Both start at the same instant, each in its own process and connection.
          const startAt = Date.now() + 30;
          const [mine, theirs] = await Promise.all([
            sleepUntil(startAt).then(() =>
              registry.agents
                .put(scope, { systemPrompt: `parent ${round}` }, { actor: 'parent', ifMatch: round })
                .then(
                  () => 'ok',
                  (error: unknown) => (StewardError.isInstance(error) ? error.code : String(error)),
                ),
            ),
            child.put(round, startAt),
          ]);
          expect([mine, theirs].sort()).toEqual(['ok', 'precondition-failed']);
          const now = await registry.agents.get(scope);
          expect(now?.version).toBe(round + 1);
          expect(now?.config).toEqual({ systemPrompt: `${mine === 'ok' ? 'parent' : 'child'} ${round}` });
        }
      } finally {
        await child.stop();
      }
    });

    it('disables on delete (the entry stays), a put enables it again', async () => {
      const scope = { tenantId: 'shop', agentId: 'retired' };
      await registry.agents.put(scope, { systemPrompt: 'bye' }, actor);
      const disabled = await registry.agents.disable(scope, { actor: 'bob' });
      expect(disabled).toMatchObject({ outcome: 'disabled', agent: { status: 'disabled', version: 2 } });
      expect(await registry.agents.disable(scope, actor)).toMatchObject({ outcome: 'unchanged' });
      expect(await registry.agents.get(scope)).toMatchObject({
        status: 'disabled',
        config: { systemPrompt: 'bye' },
      });
      expect(await codeOf(registry.resolveAgentConfig('shop', 'retired'))).toBe('not-found');
      expect((await registry.resolveAgentConfig('shop', 'retired', { includeInactive: true })).status).toBe(
        'disabled',
      );
      const again = await registry.agents.put(scope, { systemPrompt: 'bye' }, actor);
      expect(again).toMatchObject({ outcome: 'updated', agent: { status: 'active', version: 3 } });
      expect(sink.changes.filter((change) => change.agentId === 'retired').at(-1)).toMatchObject({
        eventType: 'agent-config-changed',
        payload: { changedKeys: [], status: { from: 'disabled', to: 'active' } },
      });
      expect(
        await codeOf(registry.agents.disable({ tenantId: 'other-shop', agentId: 'retired' }, actor)),
      ).toBe('not-found');
    });

    it('lists a tenant`s agents only, by status, a page at a time', async () => {
      for (const agentId of ['list-1', 'list-2', 'list-3']) {
        await registry.agents.put({ tenantId: 'other-shop', agentId }, {}, actor);
      }
      await registry.agents.disable({ tenantId: 'other-shop', agentId: 'list-2' }, actor);
      const first = await registry.agents.list('other-shop', { limit: 2 });
      expect(first.items.map((agent) => agent.agentId)).toEqual(['list-1', 'list-2']);
      const second = await registry.agents.list('other-shop', { limit: 2, cursor: first.nextCursor! });
      expect(second).toMatchObject({ items: [{ agentId: 'list-3' }], nextCursor: null });
      const active = await registry.agents.list('other-shop', { status: 'active' });
      expect(active.items.map((agent) => agent.agentId)).toEqual(['list-1', 'list-3']);
      expect(await codeOf(registry.agents.list('nobody'))).toBe('not-found');
    });

    it('enforces limits.maxAgents on create and on re-enabling', async () => {
      await registry.tenants.create({ tenantId: 'small', limits: { maxAgents: 1 } }, actor);
      await registry.agents.put({ tenantId: 'small', agentId: 'one' }, {}, actor);
      expect(await codeOf(registry.agents.put({ tenantId: 'small', agentId: 'two' }, {}, actor))).toBe(
        'conflict',
      );
      // Replacing the one it has is fine.
      await registry.agents.put({ tenantId: 'small', agentId: 'one' }, { systemPrompt: 'x' }, actor);
      await registry.agents.disable({ tenantId: 'small', agentId: 'one' }, actor);
      await registry.agents.put({ tenantId: 'small', agentId: 'two' }, {}, actor);
      expect(await codeOf(registry.agents.put({ tenantId: 'small', agentId: 'one' }, {}, actor))).toBe(
        'conflict',
      );
    });

    it('resolves a suspended tenant`s agent only when asked for inactive ones', async () => {
      await registry.tenants.create({ tenantId: 'frozen' }, actor);
      await registry.agents.put({ tenantId: 'frozen', agentId: 'desk' }, {}, actor);
      await registry.tenants.suspend('frozen', actor);
      expect(await codeOf(registry.resolveAgentConfig('frozen', 'desk'))).toBe('permission-denied');
      expect(await registry.resolveAgentConfig('frozen', 'desk', { includeInactive: true })).toMatchObject({
        tenantStatus: 'suspended',
        config: { tenantId: 'frozen', agentId: 'desk' },
      });
      await registry.tenants.resume('frozen', actor);
      expect((await registry.resolveAgentConfig('frozen', 'desk')).version).toBe('1');
    });
  });
});

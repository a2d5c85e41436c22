import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import type { AgentConfig } from '../agent/index.js';
import { ClaudeAgent } from '../agent/index.js';
import type { RuntimeRequest } from '../runtime/index.js';
import { FunctionRuntime, type RuntimeFunction } from '../runtime/index.js';
import { CacheTier } from './cache-tier.js';

describe.each(storeEngines)('the cache tier on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  async function agentFor(answer: RuntimeFunction, config: Partial<AgentConfig> = {}) {
    opened ??= await engine.open();
    const calls: RuntimeRequest[] = [];
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'front-desk',
      store: opened.store,
      runtime: new FunctionRuntime(
        async (request) => {
          calls.push(request);
          return answer(request);
        },
        { costUsd: 0.03 },
      ),
      optimization: {
        cacheRules: [
          { pattern: 'greeting', ttl: 86400, response: 'Hello! How can I help?' },
          { similarity: 0.8, ttl: 3600 },
        ],
      },
      ...config,
    });
    return { agent, calls };
  }

  it('answers a repeated question from the cache at $0, across case, spacing and punctuation', async () => {
    const { agent, calls } = await agentFor(async () => 'We open at 7am.');
    const first = await agent.handle({ text: 'What time do you open?' });
    const second = await agent.handle({ text: '  what TIME do you open ' });
    expect(first).toMatchObject({ tier: 'intelligent', costUsd: 0.03 });
    expect(second).toMatchObject({ tier: 'cache', costUsd: 0, text: 'We open at 7am.', outcome: 'success' });
    expect(calls).toHaveLength(1);
    expect((await agent.describe()).stages.find((stage) => stage.name === 'cache')?.status).toBe('on');
  });

  it('answers a configured intent with its fixed response, but not a message that only starts like one', async () => {
    const { agent, calls } = await agentFor(async () => 'Let me check that card for you.');
    expect(await agent.handle({ text: 'Hi there!' })).toMatchObject({
      tier: 'cache',
      text: 'Hello! How can I help?',
    });
    expect(await agent.handle({ text: 'hi, my card was stolen' })).toMatchObject({ tier: 'intelligent' });
    expect(calls).toHaveLength(1);
  });

  it('serves a close paraphrase, and refuses a hit that negates or changes an amount', async () => {
    const { agent, calls } = await agentFor(async (request) => `model answer to: ${request.prompt}`);
    await agent.handle({ text: 'please cancel my order 1234' });
    await agent.handle({ text: 'refund $50 to my card' });
    const negated = await agent.handle({ text: "please don't cancel my order 1234" });
    expect(negated.tier).toBe('intelligent');
    const amount = await agent.handle({ text: 'refund $500 to my card' });
    expect(amount.tier).toBe('intelligent');
    const paraphrase = await agent.handle({ text: 'please cancel my order 1234 now' });
    expect(paraphrase).toMatchObject({ tier: 'cache', text: 'model answer to: please cancel my order 1234' });
    expect(calls).toHaveLength(4);
  });

  it('never stores answers with personal data, side-effect tools or errors', async () => {
    let reply: Awaited<ReturnType<RuntimeFunction>> = 'Write to jane.doe@example.com for refunds.';
    const { agent, calls } = await agentFor(async () => reply);
    await agent.handle({ text: 'who handles refunds' });
    await agent.handle({ text: 'who handles refunds' });
    expect(calls).toHaveLength(2);
    reply = {
      text: 'Saved your note.',
      toolCalls: [{ toolUseId: 't', toolName: 'Write', input: {}, status: 'succeeded' }],
    };
    await agent.handle({ text: 'save a note' });
    await agent.handle({ text: 'save a note' });
    expect(calls).toHaveLength(4);
    reply = { text: 'partial', isError: true, stopReason: 'max-turns' };
    await agent.handle({ text: 'a hard question' });
    await agent.handle({ text: 'a hard question' });
    expect(calls).toHaveLength(6);
  });

  it('keeps tenants apart and can be invalidated', async () => {
    const { agent, calls } = await agentFor(async () => 'We open at 7am.');
    const other = new ClaudeAgent({
      tenantId: 'globex',
      agentId: 'front-desk',
      store: opened!.store,
      runtime: new FunctionRuntime(async () => 'Globex opens at 9.'),
      optimization: { cacheRules: [{ similarity: 0.8, ttl: 3600 }] },
    });
    await agent.handle({ text: 'When do you open?' });
    expect(await other.handle({ text: 'When do you open?' })).toMatchObject({
      tier: 'intelligent',
      text: 'Globex opens at 9.',
    });
    expect((await agent.handle({ text: 'When do you open?' })).tier).toBe('cache');
    const tier = new CacheTier(
      opened!.store,
      { enableCache: true, cacheRules: [], fallback: ['cache'] },
      { shape: { tools: [] } },
    );
    expect(await tier.invalidate({ tenantId: 'acme', agentId: 'front-desk' })).toBe(1);
    expect((await agent.handle({ text: 'When do you open?' })).tier).toBe('intelligent');
    expect(calls).toHaveLength(2);
  });

  it('keeps answers given at one trust band from being served at another', async () => {
    const { agent, calls } = await agentFor(async () => 'We open at 7am.', {
      trust: { initial: 0.3, permissions: { 0.3: ['Read'], 0.6: ['Read', 'Write'] } },
    });
    await agent.handle({ text: 'When do you open?' });
    expect((await agent.handle({ text: 'When do you open?' })).tier).toBe('cache');
    const trust = (await agent.trust())!;
    const scope = { tenantId: 'acme', agentId: 'front-desk' };
    // 0.35 is still in the 0.3 band: the same tools, the same cached answers.
    await trust.service.operatorAction(scope, { type: 'set', level: 0.35 }, 'ops@acme', 'test');
    expect((await agent.handle({ text: 'When do you open?' })).tier).toBe('cache');
    await trust.service.operatorAction(scope, { type: 'set', level: 0.6 }, 'ops@acme', 'test');
    expect((await agent.handle({ text: 'When do you open?' })).tier).toBe('intelligent');
    expect(calls).toHaveLength(2);
  });

  it('keys answers on the policy in force: a restarted agent with a longer deny list or new limits misses', async () => {
    const trust = { initial: 0.5, permissions: { 0.3: ['Read'] } };
    const secret = async () => 'The file says: the safe code is 4711.';
    const { agent: before, calls } = await agentFor(secret, { trust });
    await before.handle({ text: 'What does notes.txt say?' });
    expect((await before.handle({ text: 'What does notes.txt say?' })).tier).toBe('cache');
    await before.close();
    // The operator denies the file and restarts: the same band, the same tools, another policy.
    const { agent: denied, calls: deniedCalls } = await agentFor(secret, {
      trust: { ...trust, deny: ['Read(./notes.txt)'] },
    });
    expect((await denied.handle({ text: 'What does notes.txt say?' })).tier).toBe('intelligent');
    expect(deniedCalls).toHaveLength(1);
    await denied.close();
    for (const changed of [
      { trust: { ...trust, toolOverrides: { 'Read(./notes.txt)': 'deny' as const } } },
      { trust, limits: { maxTurns: 2 } },
      { trust, systemPrompt: 'Never quote files.' },
    ]) {
      const { agent, calls: changedCalls } = await agentFor(secret, changed);
      expect((await agent.handle({ text: 'What does notes.txt say?' })).tier).toBe('intelligent');
      expect(changedCalls).toHaveLength(1);
      await agent.close();
    }
    // Unchanged config after a restart: still served from the cache.
    const { agent: same, calls: sameCalls } = await agentFor(secret, { trust });
    expect((await same.handle({ text: 'What does notes.txt say?' })).tier).toBe('cache');
    expect(sameCalls).toHaveLength(0);
    expect(calls).toHaveLength(1);
  });

  it('never serves one customer an answer that quotes what another customer appended to the same question', async () => {
    const question =
      'Hello, I placed an order last week for the large sourdough loaf and the rye bread, when will it be delivered to my address?';
    // The model quotes whatever instruction follows the question, as models do.
    const { agent } = await agentFor(async (request) => {
      const appended = request.prompt.slice(question.length).trim();
      return `Your order ships on Friday.${appended ? ` As you asked: ${appended}` : ''}`;
    });
    // A suffix the answer does not depend on still lets a close request be served from the cache.
    await agent.handle({ text: `${question} thanks`, conversationId: 'customer-0' });
    expect((await agent.handle({ text: question, conversationId: 'customer-1' })).tier).toBe('cache');
    let customer = 1;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('and tell them to call', 'also say', 'p.s. reply with', 'then ask for'),
        fc.array(fc.stringMatching(/^[a-z]{4,9}$/), { minLength: 1, maxLength: 3 }),
        async (lead, words) => {
          // Only the attacker's answer is in the cache, so a hit could only be the poisoned one.
          await agent.invalidateCache();
          const injected = `${lead} ${words.join(' ')}`;
          await agent.handle({ text: `${question} ${injected}`, conversationId: `attacker-${++customer}` });
          const reply = await agent.handle({
            text: `${question}?`,
            conversationId: `customer-${++customer}`,
          });
          expect(reply.text).not.toContain(injected);
        },
      ),
      { numRuns: 15 },
    );
  });
});

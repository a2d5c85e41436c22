/** The config `npm start` serves stays valid, and a first "hi" goes to the model, not to a cache rule. */
import { describe, expect, it } from 'vitest';
import exampleConfig from '../examples/steward.config.js';
import { ClaudeAgent } from '../src/agent/index.js';

describe('examples/steward.config.ts', () => {
  it('builds a ClaudeAgent with trust, the cache and budgets', () => {
    const agent = new ClaudeAgent({ ...exampleConfig, runtime: undefined });
    expect(agent.agentId).toBe('front-desk');
    expect(exampleConfig.trust?.permissions).toBeDefined();
    expect(exampleConfig.optimization?.budget?.daily).toBe(50);
  });

  it('has no fixed-response rule that would answer the README’s "hi" without the model', () => {
    const rules = exampleConfig.optimization?.cacheRules ?? [];
    expect(rules.some((rule) => 'response' in rule)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../errors/index.js';
import { effectiveAgentConfig, prepareAgentConfig, prepareTemplateConfig } from './agent-config.js';
import { canonicalJson, changedTopLevelKeys, type JsonObject, toJsonObject } from './json-config.js';
import { mergeConfig } from './merge.js';

const scope = { tenantId: 'acme', agentId: 'desk' };

function issuesOf(work: () => unknown): string[] {
  try {
    work();
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

describe('mergeConfig (JSON Merge Patch)', () => {
  const template: JsonObject = {
    systemPrompt: 'You answer for a small business.',
    tools: ['Read', 'Write'],
    limits: { maxTurns: 5, timeoutMs: 60_000 },
    trust: { initial: 0.3, permissions: { '0.3': ['Read'], '0.5': ['Read', 'Write'] } },
  };

  it('merges objects deeply, key by key, maps too', () => {
    const merged = mergeConfig(template, {
      limits: { maxTurns: 8 },
      trust: { permissions: { '0.9': ['*'] } },
    });
    expect(merged.limits).toEqual({ maxTurns: 8, timeoutMs: 60_000 });
    expect(merged.trust).toEqual({
      initial: 0.3,
      permissions: { '0.3': ['Read'], '0.5': ['Read', 'Write'], '0.9': ['*'] },
    });
  });

  it('replaces arrays and scalars whole', () => {
    const merged = mergeConfig(template, { tools: ['Bash'], systemPrompt: 'Acme only.' });
    expect(merged.tools).toEqual(['Bash']);
    expect(merged.systemPrompt).toBe('Acme only.');
  });

  it('removes a key set to null, at any depth', () => {
    const merged = mergeConfig(template, { trust: null, limits: { timeoutMs: null } });
    expect(merged).not.toHaveProperty('trust');
    expect(merged.limits).toEqual({ maxTurns: 5 });
  });

  it('an object replaces a scalar or array, and its nulls are dropped', () => {
    expect(mergeConfig({ a: [1, 2] }, { a: { b: 1, c: null } })).toEqual({ a: { b: 1 } });
    expect(mergeConfig({ a: { b: 1 } }, { a: 'text' })).toEqual({ a: 'text' });
  });

  it('leaves both inputs as they were', () => {
    const base: JsonObject = { limits: { maxTurns: 5 } };
    const patch: JsonObject = { limits: { maxTurns: 8 } };
    mergeConfig(base, patch);
    expect(base).toEqual({ limits: { maxTurns: 5 } });
    expect(patch).toEqual({ limits: { maxTurns: 8 } });
  });

  it('keeps a "__proto__" key an own property instead of changing the prototype', () => {
    const patch = JSON.parse('{"limits":{"__proto__":{"polluted":true}}}') as JsonObject;
    const merged = mergeConfig({ limits: { maxTurns: 5 } }, patch);
    const limits = merged.limits as Record<string, unknown>;
    expect(Object.getPrototypeOf(limits)).toBe(Object.prototype);
    expect(Object.hasOwn(limits, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('configs as JSON', () => {
  it('refuses what is not JSON, naming each path', () => {
    expect(
      issuesOf(() =>
        toJsonObject({ a: () => 1, b: { c: Number.NaN }, d: [1, undefined], e: new Date(0) }, 'config'),
      ),
    ).toEqual([
      'a: expected a JSON value (string, number, boolean, null, array, object), received a function',
      'b.c: expected a finite number, received NaN',
      'd.1: expected a JSON value, not undefined, received nothing (undefined)',
      'e: expected a plain JSON object, not a class instance, received "1970-01-01T00:00:00.000Z"',
    ]);
  });

  it('writes keys in one order, so equal configs give equal text', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [{ f: 1, e: 2 }] } })).toBe(
      '{"a":{"c":[{"e":2,"f":1}],"d":2},"b":1}',
    );
  });

  it('names the top-level keys that changed', () => {
    expect(changedTopLevelKeys({ a: 1, b: { c: 1 }, d: [1] }, { a: 1, b: { c: 2 }, e: 'new' })).toEqual([
      'b',
      'd',
      'e',
    ]);
    expect(changedTopLevelKeys(undefined, { tools: [], limits: {} })).toEqual(['limits', 'tools']);
  });
});

describe('agent and template configs', () => {
  it('splits off extends and the ids, which must be the registry ids', () => {
    expect(
      prepareAgentConfig(scope, { tenantId: 'acme', agentId: 'desk', extends: 'base', tools: ['Read'] }),
    ).toEqual({ own: { tools: ['Read'] }, extends: 'base' });
    expect(issuesOf(() => prepareAgentConfig(scope, { tenantId: 'globex', agentId: 'other' }))).toEqual([
      'tenantId: expected "acme" (the id the registry files it under) or nothing, received "globex"',
      'agentId: expected "desk" (the id the registry files it under) or nothing, received "other"',
    ]);
  });

  it('refuses host-only options', () => {
    expect(issuesOf(() => prepareAgentConfig(scope, { store: { path: '/tmp/x.db' } }))).toEqual([
      `store: expected no store (the platform's store serves every agent in the registry), received {"path":"/tmp/x.db"}`,
    ]);
  });

  it('validates the merged config with the ClaudeAgent paths, whichever side the bad value came from', () => {
    expect(
      issuesOf(() => effectiveAgentConfig(scope, {}, { optimization: { budget: { daily: -5 } } })),
    ).toEqual(['optimization.budget.daily: expected a number >= 0, received -5']);
    expect(
      issuesOf(() =>
        effectiveAgentConfig(scope, { limits: { maxTurns: 0 } }, { systemPrompt: 'fine on its own' }),
      ),
    ).toEqual(['limits.maxTurns: expected a number >= 1, received 0']);
    // null lifts the bad value out of the template.
    expect(effectiveAgentConfig(scope, { limits: { maxTurns: 0 } }, { limits: { maxTurns: null } })).toEqual({
      limits: {},
      tenantId: 'acme',
      agentId: 'desk',
    });
  });

  it('a template has no ids, no extends and no nulls, and is valid on its own', () => {
    expect(
      issuesOf(() =>
        prepareTemplateConfig('base', { tenantId: 'acme', extends: 'other', trust: { initial: null } }),
      ),
    ).toEqual([
      'tenantId: expected nothing (each agent has its own), received "acme"',
      'extends: expected nothing (a template does not extend another), received "other"',
      'trust.initial: expected a value (null removes a key only in an agent config that extends a template), received null',
    ]);
    expect(issuesOf(() => prepareTemplateConfig('base', { limits: { maxTurns: -1 } }))).toEqual([
      'limits.maxTurns: expected a number >= 1, received -1',
    ]);
  });
});

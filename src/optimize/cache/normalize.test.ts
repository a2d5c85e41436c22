import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CacheScope, exactKey, normalizeRequest, scopeKey, shapeHash } from './normalize.js';

describe('normalizeRequest', () => {
  it.each([
    ['  What TIME do you open?? ', 'what time do you open'],
    ['Hello,\tworld!\n', 'hello world'],
    ["Don't cancel my order", 'dont cancel my order'],
    ['Don’t cancel my order', 'dont cancel my order'],
    ['Refund $1,000.50 — 10% off!', 'refund $1000.50 10% off'],
    ['It costs €3.50.', 'it costs €3.50'],
    ['ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ', 'fullwidth text'],
    ['ﬁle', 'file'],
    ['STRASSE straße', 'strasse strasse'],
    ['zero\u200bwidth', 'zerowidth'],
    ['e-mail me: a.b@c.com', 'e mail me a b c com'],
    ['3:30pm on 12/05', '3 30pm on 12 05'],
    ['Please, thank you.', 'please thank you'],
    ['👍 great', '👍 great'],
    ['', ''],
    ['?!...', ''],
  ])('%j → %j', (input, expected) => {
    expect(normalizeRequest(input)).toBe(expected);
  });

  it('keeps words that change meaning: negation, politeness, numbers', () => {
    expect(normalizeRequest('cancel my order')).not.toBe(normalizeRequest("don't cancel my order"));
    expect(normalizeRequest('$50')).not.toBe(normalizeRequest('$500'));
    expect(normalizeRequest('3.5')).not.toBe(normalizeRequest('35'));
    expect(normalizeRequest('1,5')).not.toBe(normalizeRequest('15'));
  });

  it('is idempotent and ignores case and runs of whitespace', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const once = normalizeRequest(text);
        expect(normalizeRequest(once)).toBe(once);
        expect(normalizeRequest(text.toUpperCase())).toBe(normalizeRequest(text.toLowerCase()));
        expect(normalizeRequest(` ${text.replace(/ /g, '   ')}\n`)).toBe(once);
        expect(once).not.toMatch(/^\s|\s$|\s\s/);
      }),
    );
  });
});

describe('shapeHash', () => {
  const base = {
    systemPrompt: 'You are the bakery.',
    model: 'claude-sonnet-4-5',
    tools: ['a', 'b'],
    policyKey: 'high',
  };

  it('ignores tool order and duplicates', () => {
    expect(shapeHash({ ...base, tools: ['b', 'a', 'a'] })).toBe(shapeHash(base));
  });

  it('changes with each part that shapes an answer', () => {
    const hashes = new Set([
      shapeHash(base),
      shapeHash({ ...base, systemPrompt: 'You are the florist.' }),
      shapeHash({ ...base, model: 'claude-haiku-4-5' }),
      shapeHash({ ...base, tools: ['a'] }),
      shapeHash({ ...base, policyKey: 'low' }),
      shapeHash({ ...base, limits: { maxTurns: 20, maxOutputTokens: 4096 } }),
      shapeHash({ tools: [] }),
    ]);
    expect(hashes.size).toBe(7);
    expect(shapeHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not confuse an absent part with an empty one', () => {
    expect(shapeHash({ tools: [] })).not.toBe(shapeHash({ tools: [], systemPrompt: '' }));
  });
});

describe('exactKey', () => {
  const scope: CacheScope = {
    tenantId: 'bakery',
    agentId: 'front-desk',
    shapeHash: shapeHash({ tools: [] }),
  };

  it('is a SHA-256 hex digest, stable for the same scope and text', () => {
    const key = exactKey(scope, 'what time do you open');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(exactKey({ ...scope }, 'what time do you open')).toBe(key);
  });

  it('never matches across tenants, agents or shapes', () => {
    const text = 'what time do you open';
    const keys = new Set([
      exactKey(scope, text),
      exactKey({ ...scope, tenantId: 'florist' }, text),
      exactKey({ ...scope, agentId: 'billing' }, text),
      exactKey({ ...scope, shapeHash: shapeHash({ tools: ['refund'] }) }, text),
    ]);
    expect(keys.size).toBe(4);
  });

  it('cannot be forged by moving text between fields', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.string(), fc.string(), fc.string(), fc.string()),
        fc.tuple(fc.string(), fc.string(), fc.string(), fc.string()),
        ([tenantA, agentA, shapeA, textA], [tenantB, agentB, shapeB, textB]) => {
          const same = tenantA === tenantB && agentA === agentB && shapeA === shapeB && textA === textB;
          const keyA = exactKey({ tenantId: tenantA, agentId: agentA, shapeHash: shapeA }, textA);
          const keyB = exactKey({ tenantId: tenantB, agentId: agentB, shapeHash: shapeB }, textB);
          expect(keyA === keyB).toBe(same);
        },
      ),
    );
    // The classic concatenation collision: "ab" + "c" vs "a" + "bc".
    expect(exactKey({ tenantId: 'ab', agentId: 'c', shapeHash: 's' }, 't')).not.toBe(
      exactKey({ tenantId: 'a', agentId: 'bc', shapeHash: 's' }, 't'),
    );
  });

  it('scopeKey names a scope unambiguously', () => {
    expect(scopeKey({ tenantId: 'a"', agentId: 'b', shapeHash: 'c' })).not.toBe(
      scopeKey({ tenantId: 'a', agentId: '"b', shapeHash: 'c' }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createPiiDetector } from './detector.js';
import { createRedactor, maskPayload } from './redactor.js';
import { createInMemoryTokenVault } from './token-vault.js';

describe('redactor', () => {
  it('masks text and JSON values by the policy', () => {
    const redactor = createRedactor({ policy: { default: 'redact', 'payment-card': 'partial' } });
    expect(redactor.text('card 4111 1111 1111 1111, mail jo@example.com')).toBe(
      'card ****1111, mail [EMAIL]',
    );
    expect(redactor.value({ to: 'jo@example.com', count: 2 })).toEqual({ to: '[EMAIL]', count: 2 });
    expect(redactor.text('order 12345 ships Monday')).toBe('order 12345 ships Monday');
  });

  it('keeps structural fields such as tool names while masking the values around them', () => {
    const redactor = createRedactor();
    expect(
      maskPayload(
        {
          toolName: 'Write',
          tier: 'cache',
          name: 'Bob',
          toolCalls: [{ toolName: 'Write', input: { to: 'jo@example.com' } }],
        },
        redactor,
      ),
    ).toEqual({
      toolName: 'Write',
      tier: 'cache',
      name: '[NAME]',
      toolCalls: [{ toolName: 'Write', input: { to: '[EMAIL]' } }],
    });
  });

  it('masks a text it masked before the same way without detecting again, keyed by the field it is in', () => {
    const detector = createPiiDetector();
    const detect = vi.spyOn(detector, 'detect');
    const redactor = createRedactor({ detector });
    const payload = { text: 'Call Maria Lopez on 415-555-0199', note: 'Call Maria Lopez on 415-555-0199' };
    const first = maskPayload(payload, redactor);
    const calls = detect.mock.calls.length;
    expect(maskPayload(payload, redactor)).toEqual(first);
    expect(redactor.text(payload.text)).toBe(redactor.text(payload.text));
    expect(detect.mock.calls.length).toBe(calls + 1);
    // The field's name is context: `ssn` makes nine digits a number to mask, `count` does not.
    expect(redactor.field('ssn', '219884410')).not.toBe('219884410');
    expect(redactor.field('count', '219884410')).toBe(redactor.field('count', '219884410'));
  });

  it('gives the same masks with and without the memory (fuzzed texts, fields and repeats)', () => {
    const piece = fc.constantFrom(
      'jo@example.com',
      '4111 1111 1111 1111',
      '+1 415 555 0199',
      'Maria Lopez',
      '219884410',
      'order 12345',
      'hello',
      ' ',
      ', ',
    );
    const text = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));
    const key = fc.constantFrom('text', 'note', 'ssn', 'name', 'count', '');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, text), { maxLength: 30 }), (entries) => {
        const remembering = createRedactor();
        for (const [name, value] of [...entries, ...entries]) {
          const fresh = createRedactor();
          expect(remembering.field(name, value)).toBe(fresh.field(name, value));
          expect(remembering.text(value)).toBe(fresh.text(value));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('masks a payload as masking each leaf with its key would (fuzzed payloads: numbers, booleans, null, text)', () => {
    const redactor = createRedactor();
    const reference = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map((item) => reference(item));
      if (value === null || typeof value !== 'object') return redactor.value(value);
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [
          key,
          inner !== null && typeof inner === 'object'
            ? reference(inner)
            : (redactor.value({ [key]: inner }) as Record<string, unknown>)[key],
        ]),
      );
    };
    const leaf = fc.oneof(
      fc.integer(),
      fc.constantFrom(999_999, 1_000_000, -999_999, -1_000_000, 4_111_111_111_111_111, 4155550199, -0, 0.5),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom('jo@example.com', 'Maria Lopez', '219884410', 'hello', ''),
    );
    const key = fc.constantFrom('ssn', 'phone', 'count', 'costUsd', 'card', 'note', 'inputTokens');
    const payload = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, tie('object'), fc.array(tie('node'), { maxLength: 3 })),
      object: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
    })).object;
    fc.assert(
      fc.property(payload, (value) => {
        expect(maskPayload(value, redactor)).toEqual(reference(value));
      }),
      { numRuns: 300 },
    );
    expect(maskPayload({ phone: 4155550199, count: 3, ok: true, none: null }, redactor)).toEqual({
      phone: redactor.field('phone', '4155550199'),
      count: 3,
      ok: true,
      none: null,
    });
  });

  it('tells the vault of every value with `tokenize` (nothing is remembered)', () => {
    const vault = createInMemoryTokenVault();
    const tokenize = vi.spyOn(vault, 'tokenize');
    const redactor = createRedactor({ policy: { default: 'tokenize' }, keys: { vault } });
    redactor.text('mail jo@example.com');
    redactor.text('mail jo@example.com');
    expect(tokenize).toHaveBeenCalledTimes(2);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedTally, EarliestEntries, OTHER_KEY, payloadText, scalarSummary } from './bounded.js';

describe('EarliestEntries', () => {
  it('keeps exactly the `limit` earliest entries, whatever the order offered', () => {
    const entry = fc.record({
      at: fc.integer({ min: 0, max: 50 }),
      tenantId: fc.constantFrom('acme', 'globex'),
      seq: fc.integer({ min: 1, max: 1_000 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 200 }), fc.integer({ min: 0, max: 30 }), (entries, limit) => {
        const unique = [...new Map(entries.map((item) => [`${item.tenantId}/${item.seq}`, item])).values()];
        const kept = new EarliestEntries<(typeof unique)[number]>(limit);
        for (const item of unique) kept.offer(item);
        const expected = [...unique]
          .sort((a, b) => a.at - b.at || a.tenantId.localeCompare(b.tenantId) || a.seq - b.seq)
          .slice(0, limit);
        expect(kept.sorted()).toEqual(expected);
        expect(kept.truncated).toBe(unique.length > limit);
      }),
    );
  });
});

describe('BoundedTally', () => {
  it('counts new keys under (other) once full', () => {
    const tally = new BoundedTally(() => ({ count: 0 }), 2);
    for (const key of ['a', 'b', 'c', 'd', 'a']) tally.get(key).count++;
    expect(tally.values()).toEqual([
      ['a', { count: 2 }],
      ['b', { count: 1 }],
      [OTHER_KEY, { count: 2 }],
    ]);
  });
});

describe('payload readers', () => {
  it('hide encrypted envelopes and bound long text', () => {
    expect(payloadText('enc:v1:abcdef')).toBe('[encrypted]');
    expect(payloadText(undefined)).toBeNull();
    expect(payloadText('x'.repeat(600))).toHaveLength(500);
    expect(scalarSummary({ count: 3, note: 'enc:v1:zz', nested: { a: 1 }, ok: true })).toBe(
      'count=3, note=[encrypted], ok=true',
    );
  });
});

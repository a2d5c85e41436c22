import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeTenantId, parseSegmentFile, segmentKeys } from './segment-paths.js';

describe('encodeTenantId', () => {
  it('keeps plain ids and encodes everything that could escape or collide', () => {
    expect(encodeTenantId('acme-corp_1')).toBe('acme-corp_1');
    expect(encodeTenantId('T0123ABC')).toBe('T0123ABC');
    expect(encodeTenantId('..')).toBe('%2E%2E');
    expect(encodeTenantId('../etc/passwd')).toBe('%2E%2E%2Fetc%2Fpasswd');
    expect(encodeTenantId('a\\b')).toBe('a%5Cb');
    expect(encodeTenantId('a%2Fb')).toBe('a%252Fb');
    expect(encodeTenantId('ü')).toBe('%C3%BC');
    expect(encodeTenantId('a\u0000b')).toBe('a%00b');
  });

  it('rejects empty, malformed and over-long ids', () => {
    expect(() => encodeTenantId('')).toThrow('non-empty');
    expect(() => encodeTenantId('\ud800')).toThrow('well-formed');
    expect(() => encodeTenantId('x'.repeat(201))).toThrow('too long');
  });

  it('is injective and always one safe path segment', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1 }),
        (a, b) => {
          const encoded = encodeTenantId(a);
          expect(encoded).toMatch(/^[A-Za-z0-9_%-]+$/);
          expect(encoded.startsWith('.')).toBe(false);
          if (a !== b) expect(encodeTenantId(b)).not.toBe(encoded);
        },
      ),
    );
  });
});

describe('segment names', () => {
  it('names the data object and the manifest of a segment', () => {
    expect(segmentKeys({ tenantId: 'a/b', firstSeq: 1, lastSeq: 100 })).toEqual({
      folder: 'a%2Fb',
      object: 'a%2Fb/1-100.jsonl.gz',
      manifest: 'a%2Fb/1-100.manifest.json',
    });
    expect(parseSegmentFile('1-100.jsonl.gz')).toEqual({ firstSeq: 1, lastSeq: 100, kind: 'object' });
    expect(parseSegmentFile('1-100.manifest.json')).toEqual({ firstSeq: 1, lastSeq: 100, kind: 'manifest' });
    expect(parseSegmentFile('.abc.tmp')).toBeUndefined();
    expect(parseSegmentFile('1-100.jsonl')).toBeUndefined();
  });

  it.each([
    [5, 4],
    [-1, 3],
    [1.5, 3],
    [0, Number.MAX_SAFE_INTEGER + 1],
  ])('rejects the range %s-%s', (firstSeq, lastSeq) => {
    expect(() => segmentKeys({ tenantId: 'acme', firstSeq, lastSeq })).toThrow('is invalid');
  });
});

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { recordInput } from './__fixtures__/records.js';
import { canonicalJson, quoteString } from './canonical-json.js';
import {
  canonicalRecordText,
  GENESIS_HASH,
  hashRecord,
  type PrepareOptions,
  parseAuditRecord,
  prepareRecord,
  sealRecord,
  serializeAuditRecord,
} from './record.js';

const options: PrepareOptions = { id: 'r-1', maxPayloadBytes: 4_096, maxDepth: 64 };

function refusal(run: () => unknown): StewardError {
  try {
    run();
  } catch (error) {
    if (StewardError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a StewardError');
}

describe('canonicalJson', () => {
  it('sorts keys by code unit, drops undefined members and keeps array holes as null', () => {
    expect(canonicalJson({ b: 1, a: [true, undefined, null], c: undefined, B: 'x', é: 2 })).toBe(
      '{"B":"x","a":[true,null,null],"b":1,"é":2}',
    );
    expect(canonicalJson({ z: { y: 1, x: 2 } })).toBe(canonicalJson({ z: { x: 2, y: 1 } }));
  });

  it('keeps strings as they are, with control characters escaped by JSON', () => {
    const text = 'tab\there\u0000nul\u001b[31m"quoted"\\ \u2028 ☃ 😀';
    const encoded = canonicalJson({ text });
    expect(encoded).toBe(`{"text":${JSON.stringify(text)}}`);
    expect(JSON.parse(encoded)).toEqual({ text });
  });

  it('replaces lone surrogates in strings and keys with U+FFFD', () => {
    expect(canonicalJson({ 'k\uD800': 'a\uDC00b\uD83D' })).toBe('{"k\uFFFD":"a\uFFFDb\uFFFD"}');
    expect(canonicalJson({ pair: '😀' })).toBe('{"pair":"😀"}');
  });

  it('writes numbers as JavaScript does and refuses NaN and Infinity', () => {
    expect(canonicalJson([0, -0, 1.5, 1e21, 2 ** 53])).toBe('[0,0,1.5,1e+21,9007199254740992]');
    expect(refusal(() => canonicalJson({ a: [Number.NaN] })).message).toContain('$.a[0]');
    expect(refusal(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).code).toBe('invalid-request');
  });

  it('refuses values JSON cannot carry, naming where they are', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: Array<[unknown, string]> = [
      [{ n: 10n }, 'BigInt'],
      [{ f: () => 1 }, 'function'],
      [{ s: Symbol('x') }, 'symbol'],
      [cyclic, 'cycle'],
      [{ m: new Map() }, 'Map'],
      [{ s: new Set([1]) }, 'Set'],
    ];
    for (const [value, expected] of cases) {
      const error = refusal(() => canonicalJson(value));
      expect(error.code).toBe('invalid-request');
      expect(error.message).toContain(expected);
    }
  });

  it('quotes any UTF-16 string as JSON.stringify does once lone surrogates are replaced', () => {
    const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
    fc.assert(
      fc.property(fc.string({ unit: anyCodeUnit }), (text) => {
        const wellFormed = (text as unknown as { toWellFormed(): string }).toWellFormed();
        expect(quoteString(text)).toBe(JSON.stringify(wellFormed));
      }),
      { numRuns: 2_000 },
    );
  });

  it('is a fixed point: re-encoding parsed canonical JSON gives the same text', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const encoded = canonicalJson(value);
        expect(canonicalJson(JSON.parse(encoded))).toBe(encoded);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts shared (non-cyclic) references and Dates', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared, d: new Date(0) })).toBe(
      '{"a":{"x":1},"b":{"x":1},"d":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(refusal(() => canonicalJson(deep, { maxDepth: 64 })).message).toContain('deeper than 64');
  });

  it('turns a throwing getter into an invalid-request error', () => {
    const hostile = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    expect(refusal(() => canonicalJson(hostile)).message).toContain('nope');
  });
});

describe('prepareRecord', () => {
  it('validates the metadata and encodes the payload canonically', () => {
    const prepared = prepareRecord(recordInput({ payload: { b: 2, a: 1 } }), options);
    expect(prepared.payloadJson).toBe('{"a":1,"b":2}');
    expect(prepared.truncated).toBe(false);
    expect(prepared.id).toBe('r-1');
  });

  it('refuses inputs that would fail a database write, for this caller only', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ tenantId: '' }, 'tenantId'],
      [{ tenantId: 'x'.repeat(129) }, 'tenantId'],
      [{ agentId: 42 }, 'agentId'],
      [{ eventType: undefined }, 'eventType'],
      [{ conversationId: 'c\u0000' }, 'NUL'],
      [{ at: 1.5 }, 'epoch'],
      [{ at: Number.NaN }, 'epoch'],
      [{ payload: [1, 2] }, 'JSON object'],
      [{ payload: null }, 'JSON object'],
      [{ channel: 'x'.repeat(65) }, 'channel'],
    ];
    for (const [overrides, expected] of bad) {
      const error = refusal(() => prepareRecord({ ...recordInput(), ...overrides } as never, options));
      expect(error.code).toBe('invalid-request');
      expect(error.message).toContain(expected);
    }
    expect(refusal(() => prepareRecord(null as never, options)).code).toBe('invalid-request');
  });

  it('makes metadata well-formed so what is hashed is what UTF-8 storage keeps', () => {
    const prepared = prepareRecord(recordInput({ actor: 'ops\uD800' }), options);
    expect(prepared.actor).toBe('ops\uFFFD');
  });

  it('truncates a payload above the limit to a marked preview that fits', () => {
    const huge = { text: 'ü"\n'.repeat(200_000), more: Array.from({ length: 10_000 }, (_, index) => index) };
    const prepared = prepareRecord(recordInput({ payload: huge }), options);
    expect(prepared.truncated).toBe(true);
    expect(Buffer.byteLength(prepared.payloadJson)).toBeLessThanOrEqual(options.maxPayloadBytes);
    const payload = JSON.parse(prepared.payloadJson) as {
      truncated: boolean;
      limitBytes: number;
      preview: string;
    };
    expect(payload.truncated).toBe(true);
    expect(payload.limitBytes).toBe(4_096);
    expect(canonicalJson(huge).startsWith(payload.preview)).toBe(true);
    expect(payload.preview.length).toBeGreaterThan(100);
  });

  it('never splits a surrogate pair when truncating', () => {
    const prepared = prepareRecord(recordInput({ payload: { emoji: '😀'.repeat(10_000) } }), options);
    const { preview } = JSON.parse(prepared.payloadJson) as { preview: string };
    expect((preview as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true);
  });
});

describe('record hashing', () => {
  const prepared = prepareRecord(recordInput({ tenantId: 't', at: 1_000, payload: { a: 1 } }), options);

  it('is sha256 over prevHash, a newline and the canonical JSON of the record without its hash', () => {
    const sealed = sealRecord(prepared, 1, GENESIS_HASH);
    const { hash: _hash, ...withoutHash } = sealed;
    const viaObject = canonicalJson({ ...withoutHash, payload: JSON.parse(sealed.payload) });
    expect(canonicalRecordText(withoutHash)).toBe(viaObject);
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${viaObject}`).digest('hex');
    expect(sealed.hash).toBe(expected);
    expect(sealed.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with every field, including the seq and the previous hash', () => {
    const base = sealRecord(prepared, 1, GENESIS_HASH);
    const variants = [
      { ...base, seq: 2 },
      { ...base, prevHash: '1'.repeat(64) },
      { ...base, payload: '{"a":2}' },
      { ...base, actor: 'someone' },
      { ...base, keyId: 'k1' },
      { ...base, at: base.at + 1 },
      { ...base, channel: null },
    ];
    for (const variant of variants) expect(hashRecord(variant)).not.toBe(base.hash);
  });

  it('round-trips between the stored and the parsed form', () => {
    const sealed = sealRecord(prepared, 7, 'f'.repeat(64));
    const parsed = parseAuditRecord(sealed);
    expect(parsed.payload).toEqual({ a: 1 });
    expect(serializeAuditRecord(parsed)).toEqual(sealed);
  });
});

/** Object names of archived segments: `<tenant>/<firstSeq>-<lastSeq>.jsonl.gz` and `.manifest.json`. */
import { StewardError } from '../../errors/index.js';
import type { SegmentRef } from './types.js';

const MAX_ENCODED_TENANT = 200;
const segmentFile = /^(\d+)-(\d+)\.(jsonl\.gz|manifest\.json)$/;

/**
 * Makes a tenant id safe as one path segment or key part: letters, digits, `_` and `-` stay,
 * every other byte (`/`, `.`, `%`, spaces, non-ASCII) becomes `%XX`, so `..` or `a/b` can never
 * leave the tenant's folder and two tenants never share one.
 *
 * @example encodeTenantId('../etc') // '%2E%2E%2Fetc'
 */
export function encodeTenantId(tenantId: string): string {
  if (typeof tenantId !== 'string' || tenantId === '') {
    throw new StewardError('invalid-request', 'An archive tenant id must be a non-empty string.');
  }
  const bytes = Buffer.from(tenantId, 'utf8');
  if (bytes.toString('utf8') !== tenantId) {
    throw new StewardError(
      'invalid-request',
      'An archive tenant id must be well-formed Unicode (no lone surrogates).',
    );
  }
  let encoded = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (encoded.length > MAX_ENCODED_TENANT) {
    throw new StewardError(
      'invalid-request',
      `Archive tenant id is too long: ${encoded.length} characters once made path-safe, at most ${MAX_ENCODED_TENANT}.`,
    );
  }
  return encoded;
}

/** `acme/1-100`: how messages and reports name a segment. */
export function segmentName(segment: SegmentRef): string {
  return `${segment.tenantId}/${segment.firstSeq}-${segment.lastSeq}`;
}

/** The data and manifest object keys of a segment, relative to the store's root. */
export function segmentKeys(segment: SegmentRef): { object: string; manifest: string; folder: string } {
  assertSeqRange(segment);
  const folder = encodeTenantId(segment.tenantId);
  const base = `${segment.firstSeq}-${segment.lastSeq}`;
  return { folder, object: `${folder}/${base}.jsonl.gz`, manifest: `${folder}/${base}.manifest.json` };
}

/** Reads a file name inside a tenant folder; undefined for anything else (temporary files, strays). */
export function parseSegmentFile(
  name: string,
): { firstSeq: number; lastSeq: number; kind: 'object' | 'manifest' } | undefined {
  const match = segmentFile.exec(name);
  if (!match) return undefined;
  const firstSeq = Number(match[1]);
  const lastSeq = Number(match[2]);
  if (!Number.isSafeInteger(firstSeq) || !Number.isSafeInteger(lastSeq)) return undefined;
  return { firstSeq, lastSeq, kind: match[3] === 'jsonl.gz' ? 'object' : 'manifest' };
}

/** Sequence numbers are safe non-negative integers, first no later than last. */
export function assertSeqRange(segment: SegmentRef): void {
  const { firstSeq, lastSeq } = segment;
  const valid = (seq: unknown) => Number.isSafeInteger(seq) && (seq as number) >= 0;
  if (!valid(firstSeq) || !valid(lastSeq) || firstSeq > lastSeq) {
    throw new StewardError(
      'invalid-request',
      `Archive segment range ${String(firstSeq)}-${String(lastSeq)} is invalid: use integers >= 0 with firstSeq <= lastSeq.`,
    );
  }
}

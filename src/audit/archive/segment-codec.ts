/** Turns a segment into its gzip JSON-lines object and manifest, and checks both when read back. */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { StewardError } from '../../errors/index.js';
import { assertSeqRange, segmentName } from './segment-paths.js';
import type {
  ArchivedRecord,
  PutSegmentInput,
  SegmentIssue,
  SegmentIssueKind,
  SegmentManifest,
  SegmentRef,
  SegmentVerification,
  VerifySegmentOptions,
} from './types.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const MAX_UNCOMPRESSED_BYTES = 1024 ** 3;
const ISSUES_PER_KIND = 5;

const manifestSchema = z.object({
  version: z.literal(1),
  format: z.literal('jsonl'),
  compression: z.literal('gzip'),
  tenantId: z.string(),
  firstSeq: z.number().int(),
  lastSeq: z.number().int(),
  object: z.string(),
  recordCount: z.number().int().nonnegative(),
  firstPrevHash: z.string().nullable(),
  lastHash: z.string(),
  objectSha256: z.string().regex(/^[0-9a-f]{64}$/),
  objectBytes: z.number().int().nonnegative(),
  contentSha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentBytes: z.number().int().nonnegative(),
  createdAt: z.string(),
  retainUntil: z.string().optional(),
  checkpoint: z
    .looseObject({ signature: z.unknown() })
    .refine((checkpoint) => checkpoint.signature !== undefined),
});

/** The bytes to store for one segment. */
export interface EncodedSegment {
  object: Buffer;
  manifest: SegmentManifest;
  manifestBytes: Buffer;
}

/**
 * Checks a segment before it is written (consecutive seq, one tenant, an unbroken chain, a signed
 * checkpoint) and encodes it; throws `invalid-request` naming the problems.
 */
export async function encodeSegment(
  input: PutSegmentInput,
  objectName: string,
  createdAt: Date,
): Promise<EncodedSegment> {
  assertSeqRange(input);
  const name = segmentName(input);
  const problems = Array.isArray(input.records)
    ? recordIssues(input, input.records).map((issue) => issue.message)
    : ['records is not an array'];
  const checkpoint = input.checkpoint as unknown;
  if (typeof checkpoint !== 'object' || checkpoint === null || !('signature' in checkpoint)) {
    problems.push('the checkpoint must be an object with a signature');
  }
  const retainUntil = input.retainUntil as unknown;
  if (retainUntil !== undefined && !(retainUntil instanceof Date && !Number.isNaN(retainUntil.getTime()))) {
    problems.push('retainUntil must be a valid Date');
  }
  if (problems.length > 0) {
    throw new StewardError(
      'invalid-request',
      `Refusing to archive segment ${name}:\n  ${problems.join('\n  ')}`,
      {
        details: { segment: name, problems },
      },
    );
  }
  const content = Buffer.from(
    `${input.records.map((record) => JSON.stringify(record)).join('\n')}\n`,
    'utf8',
  );
  const object = await gzipAsync(content);
  const first = input.records[0]!;
  const last = input.records[input.records.length - 1]!;
  const manifest: SegmentManifest = {
    version: 1,
    format: 'jsonl',
    compression: 'gzip',
    tenantId: input.tenantId,
    firstSeq: input.firstSeq,
    lastSeq: input.lastSeq,
    object: objectName,
    recordCount: input.records.length,
    firstPrevHash: first.prevHash,
    lastHash: last.hash,
    objectSha256: sha256(object),
    objectBytes: object.length,
    contentSha256: sha256(content),
    contentBytes: content.length,
    createdAt: createdAt.toISOString(),
    ...(input.retainUntil === undefined ? {} : { retainUntil: input.retainUntil.toISOString() }),
    checkpoint: input.checkpoint as SegmentManifest['checkpoint'],
  };
  return { object, manifest, manifestBytes: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') };
}

/** Reads stored manifest bytes; undefined with an issue when they are not a manifest. */
export function decodeManifest(bytes: Buffer): { manifest?: SegmentManifest; issue?: SegmentIssue } {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    if (parsed.success) return { manifest: parsed.data as SegmentManifest };
    const where = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    return { issue: { kind: 'unreadable-manifest', message: `the manifest has invalid fields: ${where}` } };
  } catch (error) {
    return { issue: { kind: 'unreadable-manifest', message: `the manifest is not JSON (${String(error)})` } };
  }
}

/**
 * Verifies what was read for a segment: the manifest against the segment it should describe, the
 * object against the manifest's hashes, and the records against the range, the tenant and the chain.
 */
export async function inspectSegment(
  segment: SegmentRef,
  expectedObjectName: string,
  manifestBytes: Buffer | undefined,
  object: Buffer | undefined,
  options: VerifySegmentOptions = {},
): Promise<{ verification: SegmentVerification; records: ArchivedRecord[] | undefined }> {
  const issues = new IssueList();
  let manifest: SegmentManifest | undefined;
  if (manifestBytes === undefined) {
    issues.add(
      'missing-manifest',
      'the segment has no manifest: it is incomplete (its writer stopped before sealing it)',
    );
  } else {
    const decoded = decodeManifest(manifestBytes);
    if (decoded.issue) issues.add(decoded.issue.kind, decoded.issue.message);
    manifest = decoded.manifest;
  }
  if (manifest) {
    for (const issue of manifestIssues(segment, manifest, expectedObjectName))
      issues.add(issue.kind, issue.message);
    if (options.verifyCheckpoint && !(await checkpointHolds(options, manifest))) {
      issues.add('checkpoint-invalid', "the checkpoint's signature does not verify");
    }
  }
  let records: ArchivedRecord[] | undefined;
  if (object === undefined) {
    issues.add('missing-object', 'the data object is missing');
  } else {
    if (manifest && sha256(object) !== manifest.objectSha256) {
      issues.add(
        'object-hash-mismatch',
        `the data object's SHA-256 is ${sha256(object)} (${object.length} bytes), the manifest says ${manifest.objectSha256} (${manifest.objectBytes} bytes)`,
      );
    }
    records = await readRecords(object, manifest, issues);
  }
  if (records) {
    for (const issue of recordIssues(segment, records)) issues.add(issue.kind, issue.message);
    if (manifest) {
      if (records.length !== manifest.recordCount) {
        issues.add(
          'record-count-mismatch',
          `read ${records.length} records, the manifest says ${manifest.recordCount}`,
        );
      }
      const first = records[0];
      const last = records[records.length - 1];
      if (first && first.prevHash !== manifest.firstPrevHash) {
        issues.add(
          'first-prev-hash-mismatch',
          `the first record's prevHash differs from the manifest's firstPrevHash`,
        );
      }
      if (last && last.hash !== manifest.lastHash) {
        issues.add('last-hash-mismatch', `the last record's hash differs from the manifest's lastHash`);
      }
    }
  }
  const list = issues.done();
  return {
    verification: {
      segment,
      name: segmentName(segment),
      ok: list.length === 0,
      issues: list,
      recordCount: records?.length,
    },
    records,
  };
}

/** Whether a manifest describes the segment it was found under. */
export function manifestIssues(
  segment: SegmentRef,
  manifest: SegmentManifest,
  expectedObjectName: string,
): SegmentIssue[] {
  const issues: SegmentIssue[] = [];
  for (const field of ['tenantId', 'firstSeq', 'lastSeq'] as const) {
    if (manifest[field] !== segment[field]) {
      issues.push({
        kind: 'manifest-mismatch',
        message: `the manifest's ${field} is ${manifest[field]}, not ${segment[field]}`,
      });
    }
  }
  if (manifest.object !== expectedObjectName) {
    issues.push({
      kind: 'manifest-mismatch',
      message: `the manifest names object ${manifest.object}, not ${expectedObjectName}`,
    });
  }
  return issues;
}

/** Problems in a segment's records: shape, tenant, consecutive seq from firstSeq to lastSeq, the chain. */
export function recordIssues(segment: SegmentRef, records: readonly unknown[]): SegmentIssue[] {
  const issues = new IssueList();
  const expectedCount = segment.lastSeq - segment.firstSeq + 1;
  if (records.length !== expectedCount) {
    issues.add('record-count-mismatch', `${records.length} records for a range of ${expectedCount}`);
  }
  let previous: ArchivedRecord | undefined;
  records.forEach((value, index) => {
    const record = value as ArchivedRecord;
    if (!isArchivedRecord(value)) {
      issues.add(
        'unreadable-object',
        `record ${index + 1} lacks tenantId, a safe integer seq, hash or prevHash`,
      );
      previous = undefined;
      return;
    }
    if (record.tenantId !== segment.tenantId) {
      issues.add(
        'tenant-mismatch',
        `record seq ${record.seq} belongs to tenant ${JSON.stringify(record.tenantId)}`,
      );
    }
    if (index === 0 && record.seq !== segment.firstSeq) {
      issues.add(
        'first-seq-mismatch',
        `the first record has seq ${record.seq}, the segment starts at ${segment.firstSeq}`,
      );
    }
    if (previous) {
      if (record.seq !== previous.seq + 1) {
        issues.add('seq-gap', `seq jumps from ${previous.seq} to ${record.seq}`);
      }
      if (record.prevHash !== previous.hash) {
        issues.add(
          'chain-break',
          `record seq ${record.seq}'s prevHash is not the hash of seq ${previous.seq}`,
        );
      }
    }
    if (index === records.length - 1 && record.seq !== segment.lastSeq) {
      issues.add(
        'last-seq-mismatch',
        `the last record has seq ${record.seq}, the segment ends at ${segment.lastSeq}`,
      );
    }
    previous = record;
  });
  return issues.done();
}

/** SHA-256 of bytes, lowercase hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readRecords(
  object: Buffer,
  manifest: SegmentManifest | undefined,
  issues: IssueList,
): Promise<ArchivedRecord[] | undefined> {
  let content: Buffer;
  try {
    // One byte over the manifest's size is enough to know it is wrong, and stops a gzip bomb.
    const limit = manifest
      ? Math.min(manifest.contentBytes + 1, MAX_UNCOMPRESSED_BYTES)
      : MAX_UNCOMPRESSED_BYTES;
    content = await gunzipAsync(object, { maxOutputLength: limit });
  } catch (error) {
    issues.add('unreadable-object', `the data object does not gunzip (${(error as Error).message})`);
    return undefined;
  }
  if (manifest && sha256(content) !== manifest.contentSha256) {
    issues.add(
      'content-hash-mismatch',
      "the uncompressed JSON lines do not match the manifest's contentSha256",
    );
  }
  const text = content.toString('utf8');
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const records: ArchivedRecord[] = [];
  for (const [index, line] of lines.entries()) {
    if (line === '' && lines.length === 1) break;
    try {
      records.push(JSON.parse(line) as ArchivedRecord);
    } catch {
      issues.add('unreadable-object', `line ${index + 1} of the data object is not JSON`);
      return undefined;
    }
  }
  return records;
}

async function checkpointHolds(options: VerifySegmentOptions, manifest: SegmentManifest): Promise<boolean> {
  try {
    return (await options.verifyCheckpoint?.(manifest.checkpoint, manifest)) === true;
  } catch {
    return false;
  }
}

function isArchivedRecord(value: unknown): value is ArchivedRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<ArchivedRecord>;
  return (
    typeof record.tenantId === 'string' &&
    Number.isSafeInteger(record.seq) &&
    typeof record.hash === 'string' &&
    (record.prevHash === null || typeof record.prevHash === 'string')
  );
}

/** Collects issues, keeping the first few of each kind so a broken 100k-record segment stays readable. */
class IssueList {
  private readonly issues: SegmentIssue[] = [];
  private readonly counts = new Map<SegmentIssueKind, number>();

  add(kind: SegmentIssueKind, message: string): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    if (count <= ISSUES_PER_KIND) this.issues.push({ kind, message });
  }

  done(): SegmentIssue[] {
    const more = [...this.counts].filter(([, count]) => count > ISSUES_PER_KIND);
    return [
      ...this.issues,
      ...more.map(([kind, count]) => ({ kind, message: `and ${count - ISSUES_PER_KIND} more of this kind` })),
    ];
  }
}

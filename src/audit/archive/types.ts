/** The archive seam: write-once sealed segments of audit records with their signed checkpoints. */

/**
 * The fields of an audit record the archive reads; everything else is stored as it is. Records of
 * a segment belong to one tenant and have consecutive `seq`, each `prevHash` the previous `hash`.
 */
export interface ArchivedRecord {
  tenantId: string;
  seq: number;
  hash: string;
  prevHash: string | null;
  at: string | number;
}

/** Names one segment: a tenant's records `firstSeq` to `lastSeq`, both included. */
export interface SegmentRef {
  tenantId: string;
  firstSeq: number;
  lastSeq: number;
}

/** A segment to archive; `Checkpoint` is whatever signed checkpoint type the log uses. */
export interface PutSegmentInput<Checkpoint extends { signature: unknown } = { signature: unknown }>
  extends SegmentRef {
  records: readonly ArchivedRecord[];
  /** The signed checkpoint sealing this segment; stored in the manifest as it is. */
  checkpoint: Checkpoint;
  /** Until when the objects must be kept; sent as S3 Object Lock retention when that is configured. */
  retainUntil?: Date;
}

/** What `listSegments` finds; `complete` is false for a segment whose manifest was never written. */
export interface SegmentListing extends SegmentRef {
  complete: boolean;
}

/** Written beside each segment's data object, last: its presence marks the segment complete. */
export interface SegmentManifest extends SegmentRef {
  version: 1;
  format: 'jsonl';
  compression: 'gzip';
  /** Name of the data object beside the manifest, e.g. `1-100.jsonl.gz`. */
  object: string;
  recordCount: number;
  /** `prevHash` of the first record: the link to the previous segment (null for the first ever). */
  firstPrevHash: string | null;
  /** `hash` of the last record: what the next segment's first `prevHash` must be. */
  lastHash: string;
  /** SHA-256 (hex) of the gzip object as stored. */
  objectSha256: string;
  objectBytes: number;
  /** SHA-256 (hex) of the uncompressed JSON lines. */
  contentSha256: string;
  contentBytes: number;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601, when a retention date was given. */
  retainUntil?: string;
  checkpoint: Record<string, unknown> & { signature: unknown };
}

export type SegmentIssueKind =
  | 'missing-manifest'
  | 'unreadable-manifest'
  | 'manifest-mismatch'
  | 'missing-object'
  | 'object-hash-mismatch'
  | 'unreadable-object'
  | 'content-hash-mismatch'
  | 'record-count-mismatch'
  | 'tenant-mismatch'
  | 'seq-gap'
  | 'first-seq-mismatch'
  | 'last-seq-mismatch'
  | 'first-prev-hash-mismatch'
  | 'last-hash-mismatch'
  | 'chain-break'
  | 'checkpoint-invalid';

/** One thing wrong with a segment, said for humans in `message`. */
export interface SegmentIssue {
  kind: SegmentIssueKind;
  message: string;
}

/** The result of `verifySegment`: `ok` when there are no issues. */
export interface SegmentVerification {
  segment: SegmentRef;
  /** `acme/1-100`, as error messages name it. */
  name: string;
  ok: boolean;
  issues: SegmentIssue[];
  /** Records read from the data object, when it could be read at all. */
  recordCount: number | undefined;
}

export interface VerifySegmentOptions {
  /** Checks the checkpoint's signature against the manifest; false adds a `checkpoint-invalid` issue. */
  verifyCheckpoint?: (
    checkpoint: SegmentManifest['checkpoint'],
    manifest: SegmentManifest,
  ) => boolean | Promise<boolean>;
}

/**
 * Stores sealed audit segments. Implementations: `file/` (a directory) and `s3/` (a bucket).
 *
 * @example
 * const archive = createArchiveStore('s3://audit-archive/steward', { s3: { region: 'eu-west-1' } });
 * await archive.putSegment({ tenantId: 'acme', firstSeq: 1, lastSeq: 100, records, checkpoint });
 * const records = await archive.readSegment({ tenantId: 'acme', firstSeq: 1, lastSeq: 100 });
 */
export interface ArchiveStore {
  /** Where segments go, e.g. `file:///var/lib/steward/archive` or `s3://bucket/prefix`. */
  readonly location: string;
  /** Writes the data object, then the manifest; refuses a segment whose manifest already exists. */
  putSegment<Checkpoint extends { signature: unknown }>(
    input: PutSegmentInput<Checkpoint>,
  ): Promise<SegmentManifest>;
  /** The tenant's segments in `firstSeq` order, incomplete ones included. */
  listSegments(tenantId: string): Promise<SegmentListing[]>;
  /** The segment's manifest, or undefined when it has none. */
  getManifest(segment: SegmentRef): Promise<SegmentManifest | undefined>;
  /** The segment's records after verifying them against the manifest; throws `ArchiveIntegrityError`. */
  readSegment<RecordType extends ArchivedRecord = ArchivedRecord>(segment: SegmentRef): Promise<RecordType[]>;
  /** Checks hashes, counts, sequence and chain, and reports every issue instead of throwing. */
  verifySegment(segment: SegmentRef, options?: VerifySegmentOptions): Promise<SegmentVerification>;
}

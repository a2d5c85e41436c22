/**
 * Checks a hash chain record by record, fed in seq order page by page, and names the first record that
 * breaks it. Pure: used by verifyChain over the store and by `verifyRecords` over archived segments.
 *
 * How a break is classified (the evidence a record carries is its seq, its prevHash and its hash, which
 * covers both; an attacker without the signing key can recompute hashes but cannot re-sign checkpoints):
 * - seq jumps ahead                                    → `deleted` (the missing seqs)
 * - the record's hash matches its own content, but it does not chain to its predecessor:
 *     it chains to the record two back                  → `inserted` (the predecessor does not belong)
 *     otherwise                                          → `modified` (the predecessor was altered and re-hashed)
 * - the record's hash matches its content only under another seq s (it was moved):
 *     s is lower                                         → `inserted` (records were put in before it)
 *     s is higher and the record of this seq sits a little later → `reordered`
 *     s is higher otherwise                              → `deleted` (later records were renumbered down)
 * - the hash matches under no nearby seq, and the next record belongs at this seq → `inserted` (this one)
 * - otherwise                                            → `modified` (this record's fields were changed)
 * Signed checkpoints add anchors: a chain that is consistent but ends a checkpointed seq in another hash
 * was rewritten (`modified`, reported at the checkpoint's seq). Only the first break is reported; the
 * check then resynchronises on the breaking record and goes on counting.
 */
import {
  type AuditRecord,
  GENESIS_HASH,
  hashRecord,
  type SerializedAuditRecord,
  serializeAuditRecord,
} from './record.js';

export type AuditProblemKind =
  | 'modified'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'truncated'
  | 'bad-signature'
  | 'head-mismatch';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The first seq the problem concerns (for `truncated`, the first missing one). */
  seq: number;
  recordId?: string;
  detail: string;
}

export interface ChainVerifierOptions {
  /** The hash the first record must chain to; default 64 zeros (a chain's start). */
  expectedPrevHash?: string;
  /** The seq of the first record; default 1. */
  startSeq?: number;
  /** Signed head hashes by seq: the record at each seq must end in that hash. */
  anchors?: ReadonlyMap<number, string>;
}

/** How far around a broken record to look for where it came from. */
const SEARCH = 8;

export class ChainVerifier {
  /** Records checked (all of them once `finish` was called). */
  records = 0;
  /** The seq of the last record seen; startSeq - 1 before any. */
  lastSeq: number;
  /** The stored hash of the last record seen (what a following segment must chain to). */
  lastHash: string;
  /** Anchors whose seq was reached with the signed hash. */
  anchorsMatched = 0;
  problem: AuditProblem | undefined;
  private expectedSeq: number;
  private readonly anchors: ReadonlyMap<number, string>;
  private readonly startPrevHash: string;
  /** The last few records, for classification: ring[index % SEARCH]. */
  private readonly ring: Array<SerializedAuditRecord | undefined> = new Array(SEARCH);
  private heldBack: readonly SerializedAuditRecord[] = [];

  constructor(options: ChainVerifierOptions = {}) {
    this.expectedSeq = options.startSeq ?? 1;
    this.lastSeq = this.expectedSeq - 1;
    this.lastHash = options.expectedPrevHash ?? GENESIS_HASH;
    this.startPrevHash = this.lastHash;
    this.anchors = options.anchors ?? new Map();
  }

  get ok(): boolean {
    return this.problem === undefined;
  }

  /**
   * Checks the next records, in seq order. The last few are held back until more arrive (or `finish`),
   * so that a break at the end of one page can be classified with the records that follow it.
   */
  push(page: readonly SerializedAuditRecord[]): void {
    const buffer = this.heldBack.length === 0 ? page : [...this.heldBack, ...page];
    const end = Math.max(0, buffer.length - SEARCH);
    this.check(buffer, end);
    this.heldBack = buffer.slice(end);
  }

  /** Checks the records held back; call once after the last page. */
  finish(): void {
    this.check(this.heldBack, this.heldBack.length);
    this.heldBack = [];
  }

  private check(page: readonly SerializedAuditRecord[], end: number): void {
    for (let index = 0; index < end; index++) {
      const record = page[index]!;
      if (this.problem === undefined) {
        const seqOk = record.seq === this.expectedSeq;
        const selfOk = seqOk && hashRecord(record) === record.hash;
        if (!seqOk || !selfOk || record.prevHash !== this.lastHash) {
          this.problem = this.classify(record, page, index, selfOk);
        }
      }
      const anchor = this.anchors.get(record.seq);
      if (anchor !== undefined) {
        if (anchor === record.hash) this.anchorsMatched++;
        else if (this.problem === undefined) {
          this.problem = {
            kind: 'modified',
            seq: record.seq,
            recordId: record.id,
            detail:
              `the chain is consistent but record ${record.seq} ends in another hash than the signed checkpoint ` +
              'at this seq: records up to it were rewritten (and re-hashed) after the previous checkpoint',
          };
        }
      }
      this.ring[this.records % SEARCH] = record;
      this.records++;
      this.lastSeq = record.seq;
      this.lastHash = record.hash;
      this.expectedSeq = record.seq + 1;
    }
  }

  /** The record `back` places before the current one (1: the previous), if still remembered. */
  private recent(back: number): SerializedAuditRecord | undefined {
    if (back > this.records || back > SEARCH) return undefined;
    return this.ring[(this.records - back) % SEARCH];
  }

  private classify(
    record: SerializedAuditRecord,
    page: readonly SerializedAuditRecord[],
    index: number,
    selfOk: boolean,
  ): AuditProblem {
    const seq = this.expectedSeq;
    if (record.seq > seq) {
      return {
        kind: 'deleted',
        seq,
        detail: `records ${seq}${record.seq - 1 > seq ? `..${record.seq - 1}` : ''} are missing (the next stored record is ${record.seq})`,
      };
    }
    if (record.seq < seq) {
      return {
        kind: 'reordered',
        seq: record.seq,
        recordId: record.id,
        detail: `record ${record.seq} comes after record ${seq - 1}`,
      };
    }
    const previous = this.recent(1);
    if (selfOk) {
      const beforePrevious = this.records >= 2 ? this.recent(2)?.hash : this.startPrevHash;
      if (previous && beforePrevious !== undefined && record.prevHash === beforePrevious) {
        return {
          kind: 'inserted',
          seq: previous.seq,
          recordId: previous.id,
          detail: `record ${previous.seq} does not belong to the chain: record ${seq} chains directly to the one before it`,
        };
      }
      if (!previous) {
        return {
          kind: 'modified',
          seq,
          recordId: record.id,
          detail: `record ${seq} does not chain to the expected previous hash ${this.lastHash.slice(0, 12)}…`,
        };
      }
      return {
        kind: 'modified',
        seq: previous.seq,
        recordId: previous.id,
        detail: `record ${previous.seq} was altered and re-hashed: record ${seq} chains to a different hash`,
      };
    }
    const original = originalSeq(record, seq);
    if (original !== undefined && original < seq) {
      const first = this.recent(seq - original);
      return {
        kind: 'inserted',
        seq: original,
        ...(first && first.seq === original ? { recordId: first.id } : {}),
        detail: `record ${record.id} was written at seq ${original} but now sits at ${seq}: records ${original}..${seq - 1} were inserted before it`,
      };
    }
    if (original !== undefined && original > seq) {
      for (let ahead = index + 1; ahead < page.length && ahead <= index + SEARCH; ahead++) {
        const later = page[ahead]!;
        if (later.seq !== seq && hashRecord({ ...later, seq }) === later.hash) {
          return {
            kind: 'reordered',
            seq,
            recordId: record.id,
            detail: `record ${record.id} of seq ${original} sits at ${seq}, and record ${later.id} of seq ${seq} sits at ${later.seq}`,
          };
        }
      }
      return {
        kind: 'deleted',
        seq,
        detail: `record ${record.id} of seq ${original} sits at ${seq}: records were deleted and the later ones renumbered`,
      };
    }
    const next = page[index + 1];
    if (original === undefined && next && hashRecord({ ...next, seq }) === next.hash) {
      return {
        kind: 'inserted',
        seq,
        recordId: record.id,
        detail: `record ${seq} does not belong to the chain: the next record was written at this seq`,
      };
    }
    return {
      kind: 'modified',
      seq,
      recordId: record.id,
      detail: `record ${seq} does not match its hash: its fields were changed after it was written`,
    };
  }
}

/** The seq under which the record's own hash verifies, searching near `around`; undefined if none. */
function originalSeq(record: SerializedAuditRecord, around: number): number | undefined {
  for (let distance = 1; distance <= SEARCH; distance++) {
    for (const candidate of [around - distance, around + distance]) {
      if (candidate >= 1 && hashRecord({ ...record, seq: candidate }) === record.hash) return candidate;
    }
  }
  return undefined;
}

export interface VerifyRecordsOptions {
  /** The hash the first record must chain to; default 64 zeros (the chain's first segment). */
  expectedPrevHash?: string;
  /** The seq of the first record; default 1. */
  startSeq?: number;
}

export interface VerifyRecordsResult {
  ok: boolean;
  records: number;
  /** The seq of the last record (startSeq - 1 when there is none). */
  lastSeq: number;
  /** The last record's hash: the expectedPrevHash of the segment that follows. */
  lastHash: string;
  problems: AuditProblem[];
}

/**
 * Verifies one segment of a chain, e.g. an archived file, in seq order. Records may carry their
 * payload parsed (it is re-encoded canonically) or as the stored canonical JSON text.
 *
 * @example
 * const first = verifyRecords(segmentOne);
 * const second = verifyRecords(segmentTwo, { expectedPrevHash: first.lastHash, startSeq: first.lastSeq + 1 });
 */
export function verifyRecords(
  records: readonly (AuditRecord | SerializedAuditRecord)[],
  options: VerifyRecordsOptions = {},
): VerifyRecordsResult {
  const verifier = new ChainVerifier(options);
  verifier.push(records.map(serializeAuditRecord));
  verifier.finish();
  return {
    ok: verifier.ok,
    records: verifier.records,
    lastSeq: verifier.lastSeq,
    lastHash: verifier.lastHash,
    problems: verifier.problem ? [verifier.problem] : [],
  };
}

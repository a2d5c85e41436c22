/** Test support: chained audit records and segments as the tamper-evident log would seal them. */
import { createHash } from 'node:crypto';
import type { ArchivedRecord, PutSegmentInput, SegmentRef } from '../types.js';

/** The clock every archive test injects. */
export const fixedNow = () => Date.parse('2025-03-01T12:00:00.000Z');

/** Consecutive, chained records as the tamper-evident log would seal them. */
export function records(
  tenantId: string,
  firstSeq: number,
  count: number,
  prevHash: string | null = null,
): ArchivedRecord[] {
  const out: ArchivedRecord[] = [];
  let previous = prevHash;
  for (let seq = firstSeq; seq < firstSeq + count; seq++) {
    const body = {
      tenantId,
      seq,
      prevHash: previous,
      at: new Date(fixedNow() + seq).toISOString(),
      text: `événement ${seq}`,
    };
    const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    out.push({ ...body, hash });
    previous = hash;
  }
  return out;
}

/** A checkpoint as the log signs it: opaque here but for its signature. */
export interface TestCheckpoint {
  tenantId: string;
  seq: number;
  hash: string | undefined;
  signature: string;
}

export function segment(tenantId: string, firstSeq: number, count: number): PutSegmentInput<TestCheckpoint> {
  const list = records(tenantId, firstSeq, count);
  return {
    tenantId,
    firstSeq,
    lastSeq: firstSeq + count - 1,
    records: list,
    checkpoint: {
      tenantId,
      seq: firstSeq + count - 1,
      hash: list.at(-1)?.hash,
      signature: 'ed25519:c2lnbmF0dXJl',
    },
  };
}

export function ref(input: SegmentRef): SegmentRef {
  return { tenantId: input.tenantId, firstSeq: input.firstSeq, lastSeq: input.lastSeq };
}

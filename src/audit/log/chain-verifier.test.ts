import { describe, expect, it } from 'vitest';
import { recordInput } from './__fixtures__/records.js';
import { verifyRecords } from './chain-verifier.js';
import {
  GENESIS_HASH,
  hashRecord,
  parseAuditRecord,
  prepareRecord,
  type SerializedAuditRecord,
  sealRecord,
} from './record.js';

/** A chain of `count` records built as the writer builds it. */
function chain(count: number): SerializedAuditRecord[] {
  const records: SerializedAuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const prepared = prepareRecord(recordInput({ payload: { seq } }), {
      id: `r-${seq}`,
      maxPayloadBytes: 65_536,
      maxDepth: 64,
    });
    const record = sealRecord(prepared, seq, prevHash);
    prevHash = record.hash;
    records.push(record);
  }
  return records;
}

describe('verifyRecords', () => {
  const records = chain(40);

  it('verifies archived segments one after another, parsed or serialized', () => {
    const first = verifyRecords(records.slice(0, 15));
    expect(first).toMatchObject({ ok: true, records: 15, lastSeq: 15, lastHash: records[14]!.hash });
    const second = verifyRecords(records.slice(15).map(parseAuditRecord), {
      expectedPrevHash: first.lastHash,
      startSeq: first.lastSeq + 1,
    });
    expect(second).toMatchObject({ ok: true, records: 25, lastSeq: 40, problems: [] });
  });

  it('refuses a segment that does not continue the previous one', () => {
    const result = verifyRecords(records.slice(20), { expectedPrevHash: records[18]!.hash, startSeq: 20 });
    expect(result.problems[0]).toMatchObject({ kind: 'deleted', seq: 20 });
    const wrongHash = verifyRecords(records.slice(20), { expectedPrevHash: 'a'.repeat(64), startSeq: 21 });
    expect(wrongHash.problems[0]).toMatchObject({ kind: 'modified', seq: 21 });
  });

  it('is empty and fine for no records', () => {
    expect(verifyRecords([], { startSeq: 5, expectedPrevHash: 'b'.repeat(64) })).toEqual({
      ok: true,
      records: 0,
      lastSeq: 4,
      lastHash: 'b'.repeat(64),
      problems: [],
    });
  });

  it('classifies each kind of break at the first bad record', () => {
    const modified = records.map((record) => (record.seq === 9 ? { ...record, level: 'minimal' } : record));
    expect(verifyRecords(modified).problems[0]).toMatchObject({ kind: 'modified', seq: 9, recordId: 'r-9' });

    const deleted = records.filter((record) => record.seq !== 9);
    expect(verifyRecords(deleted).problems[0]).toMatchObject({ kind: 'deleted', seq: 9 });

    const renumbered = deleted.map((record) =>
      record.seq > 9 ? { ...record, seq: record.seq - 1 } : record,
    );
    expect(verifyRecords(renumbered).problems[0]).toMatchObject({ kind: 'deleted', seq: 9 });

    const swapped = [...records];
    swapped[8] = { ...records[9]!, seq: 9 };
    swapped[9] = { ...records[8]!, seq: 10 };
    expect(verifyRecords(swapped).problems[0]).toMatchObject({ kind: 'reordered', seq: 9, recordId: 'r-10' });

    // An inserted record with a garbage hash, the later ones shifted up.
    const intruder = { ...records[8]!, id: 'intruder', payload: '{}', hash: 'c'.repeat(64) };
    const inserted = [
      ...records.slice(0, 8),
      intruder,
      ...records.slice(8).map((record) => ({ ...record, seq: record.seq + 1 })),
    ];
    expect(verifyRecords(inserted).problems[0]).toMatchObject({
      kind: 'inserted',
      seq: 9,
      recordId: 'intruder',
    });

    // Two records inserted with valid hashes chained to record 8, the later ones shifted up by two.
    const first = { ...records[8]!, id: 'x1', payload: '{"x":1}', prevHash: records[7]!.hash };
    first.hash = hashRecord(first);
    const second = { ...records[9]!, id: 'x2', payload: '{"x":2}', prevHash: first.hash };
    second.hash = hashRecord(second);
    const twoInserted = [
      ...records.slice(0, 8),
      first,
      second,
      ...records.slice(8).map((record) => ({ ...record, seq: record.seq + 2 })),
    ];
    expect(verifyRecords(twoInserted).problems[0]).toMatchObject({
      kind: 'inserted',
      seq: 9,
      recordId: 'x1',
    });

    // Re-hashed after the change: the next record still chains to the original hash.
    const rehashed = { ...records[8]!, payload: '{"seq":"changed"}' };
    rehashed.hash = hashRecord(rehashed);
    const quiet = records.map((record) => (record.seq === 9 ? rehashed : record));
    expect(verifyRecords(quiet).problems[0]).toMatchObject({ kind: 'modified', seq: 9, recordId: 'r-9' });
  });

  // Throughput is a benchmark figure (`npm run bench audit`), not a timed test.
  it('verifies a re-chained log of 100,000 records', () => {
    const big = chain(2_000);
    const many = Array.from({ length: 50 }, () => big).flat();
    let seq = 0;
    let prevHash = GENESIS_HASH;
    const rechained = many.map((record) => {
      const next = { ...record, seq: ++seq, prevHash };
      next.hash = hashRecord(next);
      prevHash = next.hash;
      return next;
    });
    expect(verifyRecords(rechained).ok).toBe(true);
    rechained[77_777] = { ...rechained[77_777]!, actor: 'someone else' };
    expect(verifyRecords(rechained).problems[0]).toMatchObject({ kind: 'modified', seq: 77_778 });
  });
});

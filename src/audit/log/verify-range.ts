/**
 * The fast path of chain verification over one seq range of a SQLite file, used by the parallel
 * verifier in worker threads and on the main thread alike. It only answers "is this range intact, and
 * where does it start and end": every record present in seq order, each hash matching its content, each
 * chained to the one before, each signed anchor met. Naming and classifying a break is the sequential
 * ChainVerifier's job, which runs when any range says it is broken.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { hashRecord } from './record.js';

export interface RangeTask {
  index: number;
  tenantId: string;
  /** Inclusive bounds. */
  fromSeq: number;
  toSeq: number;
  /** Signed head hashes by seq, for the seqs in this range. */
  anchors: Array<[seq: number, hash: string]>;
}

export interface RangeResult {
  /** The range's place in its plan. */
  index: number;
  fromSeq: number;
  toSeq: number;
  /** Records read. */
  records: number;
  /** The prevHash of the range's first record (null when it has none). */
  firstPrevHash: string | null;
  /** The hash of its last record. */
  lastHash: string | null;
  anchorsMatched: number;
  /** A record is missing, out of place, altered, unchained, or off an anchor. */
  broken: boolean;
}

const RANGE_SQL = `select tenant_id, seq, id, agent_id, event_type, at, conversation_id, interaction_id, channel,
  actor, level, payload, key_id, prev_hash, hash from audit_records
  where tenant_id = ? and seq >= ? and seq <= ? order by seq limit ?`;

/** Rows per read: \`all()\` on pages is faster than stepping an iterator row by row. */
const PAGE_ROWS = 4_096;

type Row = [
  tenantId: string,
  seq: number,
  id: string,
  agentId: string,
  eventType: string,
  at: number,
  conversationId: string | null,
  interactionId: string | null,
  channel: string | null,
  actor: string | null,
  level: string,
  payload: string,
  keyId: string | null,
  prevHash: string,
  hash: string,
];

const statements = new WeakMap<BetterSqlite3.Database, BetterSqlite3.Statement>();

/** Checks the records of `task` in `database` (a connection of its own: rows are streamed). */
export function verifyRange(database: BetterSqlite3.Database, task: RangeTask): RangeResult {
  let statement = statements.get(database);
  if (!statement) {
    statement = database.prepare(RANGE_SQL).raw(true);
    statements.set(database, statement);
  }
  const anchors = new Map(task.anchors);
  const result: RangeResult = {
    index: task.index,
    fromSeq: task.fromSeq,
    toSeq: task.toSeq,
    records: 0,
    firstPrevHash: null,
    lastHash: null,
    anchorsMatched: 0,
    broken: false,
  };
  let expectedSeq = task.fromSeq;
  while (!result.broken && expectedSeq <= task.toSeq) {
    const rows = statement.all(task.tenantId, expectedSeq, task.toSeq, PAGE_ROWS) as Row[];
    if (rows.length === 0) break;
    for (const row of rows) {
      const record = {
        tenantId: row[0],
        seq: row[1],
        id: row[2],
        agentId: row[3],
        eventType: row[4],
        at: row[5],
        conversationId: row[6],
        interactionId: row[7],
        channel: row[8],
        actor: row[9],
        level: row[10],
        payload: row[11],
        keyId: row[12],
        prevHash: row[13],
      };
      const hash = row[14];
      if (result.records === 0) result.firstPrevHash = record.prevHash;
      else if (record.prevHash !== result.lastHash) result.broken = true;
      if (record.seq !== expectedSeq || hashRecord(record) !== hash) result.broken = true;
      const anchor = anchors.get(record.seq);
      if (anchor !== undefined) {
        if (anchor === hash) result.anchorsMatched++;
        else result.broken = true;
      }
      result.records++;
      result.lastHash = hash;
      expectedSeq++;
      // The rest of the range tells nothing more: the sequential verifier takes over.
      if (result.broken) break;
    }
  }
  if (!result.broken && expectedSeq !== task.toSeq + 1) result.broken = true;
  return result;
}

/**
 * One verification split into ranges, shared by the threads that work on it: each takes the next range
 * from `counter[0]` (Atomics.add) until none are left or `counter[1]` says one was broken.
 */
export interface SharedPlan {
  tenantId: string;
  fromSeq: number;
  toSeq: number;
  rangeRecords: number;
  /** Signed head hashes by seq, all of the plan's. */
  anchors: Array<[seq: number, hash: string]>;
  /** Int32Array over a SharedArrayBuffer: [next range, broken]. */
  counter: Int32Array;
}

export function planRanges(plan: Omit<SharedPlan, 'counter'>): number {
  return Math.max(0, Math.ceil((plan.toSeq - plan.fromSeq + 1) / plan.rangeRecords));
}

/** The range at `index` of the plan. */
export function planRange(plan: Omit<SharedPlan, 'counter'>, index: number): RangeTask {
  const fromSeq = plan.fromSeq + index * plan.rangeRecords;
  const toSeq = Math.min(plan.toSeq, fromSeq + plan.rangeRecords - 1);
  return {
    index,
    tenantId: plan.tenantId,
    fromSeq,
    toSeq,
    anchors: plan.anchors.filter(([seq]) => seq >= fromSeq && seq <= toSeq),
  };
}

/**
 * Takes the plan's next range and checks it; undefined when none is left or one was found broken.
 *
 * @example
 * for (let result = takeRange(db, plan); result; result = takeRange(db, plan)) report(result);
 */
export function takeRange(database: BetterSqlite3.Database, plan: SharedPlan): RangeResult | undefined {
  if (Atomics.load(plan.counter, 1) !== 0) return undefined;
  const index = Atomics.add(plan.counter, 0, 1);
  if (index >= planRanges(plan)) return undefined;
  const result = verifyRange(database, planRange(plan, index));
  if (result.broken) Atomics.store(plan.counter, 1, 1);
  return result;
}

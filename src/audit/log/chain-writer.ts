/**
 * One group commit: inside a single write transaction, lock the chain head of every tenant in the
 * batch, chain the batch's records onto them, move the heads, and sign the checkpoints that are due.
 * The AuditLog decides what goes in a batch; this module only writes it.
 */
import { CompiledQuery } from 'kysely';
import type { StoreEngine } from '../../store/index.js';
import {
  type AuditCheckpoint,
  type CheckpointReason,
  type CheckpointSigner,
  checkpointMessage,
  fromCheckpointRow,
  toCheckpointRow,
} from './checkpoints.js';
import type { LruMap } from './lru-map.js';
import { GENESIS_HASH, type PreparedRecord, type SerializedAuditRecord, sealRecord } from './record.js';
import { type AuditDatabase, recordColumns, recordValues } from './schema.js';

/** A checkpoint asked for: `force` signs the head even when no count or time rule says it is due. */
export interface CheckpointRequest {
  reason: CheckpointReason;
  force: boolean;
}

export interface Batch {
  /** One list per caller, in arrival order. */
  appends: PreparedRecord[][];
  checkpoints: ReadonlyMap<string, CheckpointRequest>;
}

export interface BatchContext {
  engine: StoreEngine;
  signer: CheckpointSigner;
  /** Sign a tenant's head once this many records have been appended since its last checkpoint. */
  checkpointEveryRecords: number;
  /** …or once its last checkpoint is this old and records were appended since. */
  checkpointEveryMs: number;
  now: number;
  /**
   * Tenants whose head row is known to exist (skips an insert per batch); updated in place. Bounded: a
   * tenant it has forgotten costs one `insert … on conflict do nothing` again.
   */
  knownTenants: LruMap<string, true>;
  /** Insert the signer's public key with the first checkpoint. */
  registerKey: boolean;
  /** Add a tenant's records to the conversation lookup once this many are not in it. */
  conversationIndexEvery: number;
}

export interface BatchResult {
  /** Per caller, the records as stored. */
  sealed: SerializedAuditRecord[][];
  /** Per tenant, the checkpoint covering its head after this batch, when one was written or asked for. */
  checkpoints: Map<string, AuditCheckpoint>;
  keyRegistered: boolean;
}

interface LockedHead {
  /** The seq when locked, before this batch. */
  lockedSeq: number;
  seq: number;
  hash: string;
  checkpointSeq: number;
  checkpointAt: number | null;
  conversationIndexedSeq: number;
}

/**
 * Rows per INSERT, largest first. Each batch is split into these sizes (1,000 rows: 512 + 256 + 128 +
 * 64 + 32 + 8), so SQLite's statement cache holds ten compiled inserts instead of one per batch size;
 * 512 × 15 parameters is far below both engines' bound-parameter limits.
 */
const INSERT_SIZES = [512, 256, 128, 64, 32, 16, 8, 4, 2, 1];

/** Writes the batch; run inside a store transaction (`store.batchWrite`), with `db` its connection. */
export async function writeBatch(
  db: AuditDatabase,
  batch: Batch,
  context: BatchContext,
): Promise<BatchResult> {
  const tenants = new Set<string>(batch.checkpoints.keys());
  for (const records of batch.appends) for (const record of records) tenants.add(record.tenantId);
  const heads = await lockHeads(db, [...tenants].sort(), context);

  const sealed: SerializedAuditRecord[][] = [];
  const rows: SerializedAuditRecord[] = [];
  for (const records of batch.appends) {
    const stored: SerializedAuditRecord[] = [];
    for (const prepared of records) {
      const head = heads.get(prepared.tenantId)!;
      const record = sealRecord(prepared, head.seq + 1, head.hash);
      head.seq = record.seq;
      head.hash = record.hash;
      stored.push(record);
      rows.push(record);
    }
    sealed.push(stored);
  }
  await insertRecords(db, rows, context.engine);

  const checkpoints = new Map<string, AuditCheckpoint>();
  let keyRegistered = false;
  for (const [tenantId, head] of heads) {
    if (head.seq === 0) continue;
    if (head.seq > head.lockedSeq) {
      const indexConversations = head.seq - head.conversationIndexedSeq >= context.conversationIndexEvery;
      if (indexConversations) await indexConversationSeqs(db, tenantId, head);
      await db.executeQuery(
        CompiledQuery.raw(updateHeadSql(context.engine, indexConversations), [
          head.seq,
          head.hash,
          context.now,
          ...(indexConversations ? [head.seq] : []),
          tenantId,
        ]),
      );
    }
    const request = batch.checkpoints.get(tenantId);
    const reason = checkpointDue(head, request, context);
    if (reason === undefined) continue;
    if (context.registerKey && !keyRegistered) {
      await db
        .insertInto('audit_signing_keys')
        .values({
          key_id: context.signer.keyId,
          public_key: context.signer.publicKeyPem,
          created_at: context.now,
        })
        .onConflict((conflict) => conflict.column('key_id').doNothing())
        .execute();
      keyRegistered = true;
    }
    checkpoints.set(tenantId, await writeCheckpoint(db, tenantId, head, reason, context));
  }
  return { sealed, checkpoints, keyRegistered };
}

/**
 * Adds the tenant's records after its `conversation_indexed_seq` to `audit_conversation_seqs`, sorted by
 * conversation so each leaf of the lookup is written once per run rather than once per commit.
 */
async function indexConversationSeqs(db: AuditDatabase, tenantId: string, head: LockedHead): Promise<void> {
  await db
    .insertInto('audit_conversation_seqs')
    .columns(['tenant_id', 'conversation_id', 'seq'])
    .expression((eb) =>
      eb
        .selectFrom('audit_records')
        .select(['tenant_id', 'conversation_id', 'seq'])
        .where('tenant_id', '=', tenantId)
        .where('seq', '>', head.conversationIndexedSeq)
        .where('seq', '<=', head.seq)
        .where('conversation_id', 'is not', null)
        .orderBy('conversation_id')
        .orderBy('seq'),
    )
    // A head row restarted by hand can point below seqs already indexed.
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

/**
 * The records' INSERTs, as SQL written once per engine and size: the hot path of every append skips
 * building and compiling a query tree of 15 values a row (a third of a commit's time in JavaScript).
 */
async function insertRecords(
  db: AuditDatabase,
  records: readonly SerializedAuditRecord[],
  engine: StoreEngine,
): Promise<void> {
  let start = 0;
  for (const size of INSERT_SIZES) {
    while (records.length - start >= size) {
      const parameters: unknown[] = [];
      for (let index = start; index < start + size; index++) recordValues(records[index]!, parameters);
      await db.executeQuery(CompiledQuery.raw(insertSql(engine, size), parameters));
      start += size;
    }
  }
}

const insertSqlCache = new Map<string, string>();

function insertSql(engine: StoreEngine, rows: number): string {
  const cacheKey = `${engine}:${rows}`;
  let text = insertSqlCache.get(cacheKey);
  if (text === undefined) {
    const width = recordColumns.length;
    const placeholder = (index: number) => (engine === 'postgres' ? `$${index + 1}` : '?');
    const tuples = Array.from(
      { length: rows },
      (_, row) =>
        `(${Array.from({ length: width }, (_, column) => placeholder(row * width + column)).join(', ')})`,
    );
    text = `insert into "audit_records" (${recordColumns.map((column) => `"${column}"`).join(', ')}) values ${tuples.join(', ')}`;
    insertSqlCache.set(cacheKey, text);
  }
  return text;
}

function checkpointDue(
  head: LockedHead,
  request: CheckpointRequest | undefined,
  context: BatchContext,
): CheckpointReason | undefined {
  // A forced request on an already signed head returns the existing checkpoint (writeCheckpoint).
  if (request?.force) return request.reason;
  if (head.seq <= head.checkpointSeq) return undefined;
  const dueByCount = head.seq - head.checkpointSeq >= context.checkpointEveryRecords;
  const dueByTime =
    head.checkpointAt === null || context.now - head.checkpointAt >= context.checkpointEveryMs;
  return dueByCount || dueByTime ? (request?.reason ?? 'interval') : undefined;
}

async function writeCheckpoint(
  db: AuditDatabase,
  tenantId: string,
  head: LockedHead,
  reason: CheckpointReason,
  context: BatchContext,
): Promise<AuditCheckpoint> {
  const signed = { tenantId, seq: head.seq, headHash: head.hash, recordCount: head.seq, at: context.now };
  const checkpoint: AuditCheckpoint = {
    ...signed,
    signerKeyId: context.signer.keyId,
    signature: context.signer.sign(checkpointMessage(signed)),
    reason,
  };
  const inserted = await db
    .insertInto('audit_checkpoints')
    .values(toCheckpointRow(checkpoint))
    .onConflict((conflict) => conflict.columns(['tenant_id', 'seq']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
    head.checkpointSeq = head.seq;
    head.checkpointAt = context.now;
    return checkpoint;
  }
  // This head was already signed (a manual checkpoint right after an interval one): that one stands.
  const existing = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('seq', '=', head.seq)
    .executeTakeFirstOrThrow();
  return fromCheckpointRow(existing);
}

/**
 * The heads of `tenants` (sorted, so two writers lock rows in one order), created when missing and
 * locked: PostgreSQL by `FOR UPDATE`, SQLite by the IMMEDIATE transaction around us.
 */
async function lockHeads(
  db: AuditDatabase,
  tenants: string[],
  context: BatchContext,
): Promise<Map<string, LockedHead>> {
  const unknown = tenants.filter((tenantId) => context.knownTenants.get(tenantId) === undefined);
  if (unknown.length > 0) await insertHeads(db, unknown, context.now);
  const heads = await selectHeads(db, tenants, context.engine);
  const missing = tenants.filter((tenantId) => !heads.has(tenantId));
  if (missing.length > 0) {
    // A known tenant's head row is gone (deleted by hand): start it again; verify will say so.
    await insertHeads(db, missing, context.now);
    for (const [tenantId, head] of await selectHeads(db, missing, context.engine)) heads.set(tenantId, head);
  }
  for (const tenantId of tenants) context.knownTenants.set(tenantId, true);
  return heads;
}

async function insertHeads(db: AuditDatabase, tenants: string[], now: number): Promise<void> {
  await db
    .insertInto('audit_chain_heads')
    .values(
      tenants.map((tenantId) => ({
        tenant_id: tenantId,
        seq: 0,
        hash: GENESIS_HASH,
        updated_at: now,
        conversation_indexed_seq: 0,
      })),
    )
    .onConflict((conflict) => conflict.column('tenant_id').doNothing())
    .execute();
}

async function selectHeads(
  db: AuditDatabase,
  tenants: string[],
  engine: StoreEngine,
): Promise<Map<string, LockedHead>> {
  // SQL written once per engine and tenant count: every append runs this, and building it with Kysely
  // cost more than SQLite took to run it.
  const { rows } = await db.executeQuery<HeadRow>(
    CompiledQuery.raw(selectHeadsSql(engine, tenants.length), tenants),
  );
  const heads = new Map<string, LockedHead>();
  for (const row of rows) {
    heads.set(row.tenant_id, {
      lockedSeq: Number(row.seq),
      seq: Number(row.seq),
      hash: row.hash,
      checkpointSeq: row.checkpoint_seq === null ? 0 : Number(row.checkpoint_seq),
      checkpointAt: row.checkpoint_at === null ? null : Number(row.checkpoint_at),
      conversationIndexedSeq: Number(row.conversation_indexed_seq),
    });
  }
  return heads;
}

interface HeadRow {
  tenant_id: string;
  seq: number | string;
  hash: string;
  conversation_indexed_seq: number | string;
  checkpoint_seq: number | string | null;
  checkpoint_at: number | string | null;
}

const selectHeadsSqlCache = new Map<string, string>();

/** The heads of n tenants with their last checkpoint's seq and time; locked `FOR UPDATE` on PostgreSQL. */
function selectHeadsSql(engine: StoreEngine, count: number): string {
  const cacheKey = `${engine}:${count}`;
  let text = selectHeadsSqlCache.get(cacheKey);
  if (text === undefined) {
    const placeholders = Array.from({ length: count }, (_, index) =>
      engine === 'postgres' ? `$${index + 1}` : '?',
    ).join(', ');
    const last = (column: string) =>
      `(select "c"."${column}" from "audit_checkpoints" as "c" where "c"."tenant_id" = "h"."tenant_id" order by "c"."seq" desc limit 1)`;
    text =
      `select "h"."tenant_id", "h"."seq", "h"."hash", "h"."conversation_indexed_seq", ` +
      `${last('seq')} as "checkpoint_seq", ${last('at')} as "checkpoint_at" ` +
      `from "audit_chain_heads" as "h" where "h"."tenant_id" in (${placeholders}) order by "h"."tenant_id"` +
      (engine === 'postgres' ? ' for update of "h"' : '');
    selectHeadsSqlCache.set(cacheKey, text);
  }
  return text;
}

/** A head moved after a batch (and its conversation index mark, when the lookup was brought up to it). */
const updateHeadSqlCache = new Map<string, string>();

function updateHeadSql(engine: StoreEngine, indexConversations: boolean): string {
  const cacheKey = `${engine}:${indexConversations}`;
  const cached = updateHeadSqlCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const columns = ['seq', 'hash', 'updated_at', ...(indexConversations ? ['conversation_indexed_seq'] : [])];
  const placeholder = (index: number) => (engine === 'postgres' ? `$${index + 1}` : '?');
  const text =
    `update "audit_chain_heads" set ${columns.map((column, index) => `"${column}" = ${placeholder(index)}`).join(', ')} ` +
    `where "tenant_id" = ${placeholder(columns.length)}`;
  updateHeadSqlCache.set(cacheKey, text);
  return text;
}

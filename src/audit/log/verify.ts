/**
 * Verifies the audit log in the store: each tenant's chain streamed in seq order (keyset pages), its
 * checkpoints' signatures, the chain against the signed heads, and the head row against the records.
 *
 * Truncation: records removed from the end leave a consistent chain, so it is found only by what
 * outlives them: a signed checkpoint beyond the last record, or a head row ahead of it. An attacker who
 * removes the tail, its checkpoints and fixes the head row is caught only by a checkpoint kept outside
 * the database (archives, exports); pass `trustedKeys` so a key added to the table is not believed.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StewardStore } from '../../store/index.js';
import { type AuditProblem, ChainVerifier } from './chain-verifier.js';
import { type AuditCheckpoint, fromCheckpointRow, verifyCheckpointSignature } from './checkpoints.js';
import { PARALLEL_MIN_RECORDS, verifyChainInParallel } from './parallel-verify.js';
import { GENESIS_HASH } from './record.js';
import { type AuditDatabase, auditDatabase, fromRecordRow } from './schema.js';

export interface VerifyChainOptions {
  /** Only this tenant; default every tenant with records, a head or checkpoints. */
  tenantId?: string;
  /** Records per page; default 5,000. */
  pageSize?: number;
  /**
   * Public keys (SPKI PEM) by key id that may sign checkpoints. Default: the `audit_signing_keys`
   * table, which anyone who can write the database can also write to.
   */
  trustedKeys?: Readonly<Record<string, string>>;
  /**
   * SQLite files: check a large chain on every core (parallel-verify.ts); default true. A chain that is
   * not intact is always checked again sequentially, which names the first bad record.
   */
  parallel?: boolean;
  /** The fewest records worth the worker threads; default 50,000. */
  parallelMinRecords?: number;
}

export interface TenantVerification {
  tenantId: string;
  /** Records read. */
  records: number;
  /** The seq the head row claims (0 without a head row). */
  headSeq: number;
  /** The seq of the last stored record (0 without records). */
  lastSeq: number;
  /** Checkpoints whose signature verified and whose head hash the chain matched. */
  checkpointsVerified: number;
  problems: AuditProblem[];
}

export interface ChainVerification {
  ok: boolean;
  tenants: TenantVerification[];
}

/**
 * Verifies every tenant's chain (or one tenant's).
 *
 * @example
 * const report = await verifyChain(store, { tenantId: 'acme' });
 * if (!report.ok) console.error(report.tenants[0]?.problems[0]);
 */
export async function verifyChain(
  store: StewardStore,
  options: VerifyChainOptions = {},
): Promise<ChainVerification> {
  const db = auditDatabase(store.db);
  const pageSize = options.pageSize ?? 5_000;
  const keys = await loadKeys(db, options.trustedKeys);
  const tenantIds = options.tenantId === undefined ? await listTenants(db) : [options.tenantId];
  const tenants: TenantVerification[] = [];
  for (const tenantId of tenantIds) {
    tenants.push(await verifyTenant(db, store, options, tenantId, keys, pageSize));
  }
  return { ok: tenants.every((tenant) => tenant.problems.length === 0), tenants };
}

async function verifyTenant(
  db: AuditDatabase,
  store: StewardStore,
  options: VerifyChainOptions,
  tenantId: string,
  keys: Map<string, KeyObject>,
  pageSize: number,
): Promise<TenantVerification> {
  const problems: AuditProblem[] = [];
  const head = await db
    .selectFrom('audit_chain_heads')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  const checkpoints = (
    await db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('seq')
      .execute()
  ).map(fromCheckpointRow);

  // Only checkpoints with a good signature are evidence; the first bad one is reported.
  const anchors = new Map<number, string>();
  const signed: AuditCheckpoint[] = [];
  for (const checkpoint of checkpoints) {
    const key = keys.get(checkpoint.signerKeyId);
    if (key && verifyCheckpointSignature(checkpoint, key)) {
      anchors.set(Number(checkpoint.seq), checkpoint.headHash);
      signed.push(checkpoint);
    } else if (!problems.some((problem) => problem.kind === 'bad-signature')) {
      problems.push({
        kind: 'bad-signature',
        seq: Number(checkpoint.seq),
        detail: key
          ? `the checkpoint at seq ${checkpoint.seq} (${checkpoint.reason}, at ${checkpoint.at}) does not verify under key ${checkpoint.signerKeyId}: it was forged or altered`
          : `the checkpoint at seq ${checkpoint.seq} names key ${checkpoint.signerKeyId}, which is not a known signing key`,
      });
    }
  }

  // Records purged after archiving (retention.ts): the live chain starts after the purge horizon,
  // which a signed checkpoint and an `audit-purged` record in the live chain must both vouch for.
  const horizon = await purgeHorizon(db, tenantId);
  if (horizon && anchors.get(horizon.seq) !== horizon.hash) {
    problems.push({
      kind: 'truncated',
      seq: 1,
      detail: `records 1..${horizon.seq} are gone as purged, but no signed checkpoint holds seq ${horizon.seq} with that hash`,
    });
  } else if (horizon && !(await purgeRecorded(db, tenantId, horizon.seq))) {
    problems.push({
      kind: 'deleted',
      seq: horizon.seq + 1,
      detail: `records 1..${horizon.seq} are gone as purged, but the chain holds no audit-purged record for them`,
    });
  }
  const startSeq = (horizon?.seq ?? 0) + 1;
  const startPrevHash = horizon?.hash ?? GENESIS_HASH;
  const chain =
    (await verifyInParallel(db, store, options, { tenantId, startSeq, startPrevHash, anchors })) ??
    (await verifySequentially(db, tenantId, pageSize, { startSeq, startPrevHash, anchors }));
  if (chain.problem) problems.unshift(chain.problem);
  const lastSeq = chain.records === 0 ? 0 : chain.lastSeq;

  // What outlives a truncated tail: a signed checkpoint, or the head row, beyond the last record.
  const lastSigned = signed.at(-1);
  const headSeq = head ? Number(head.seq) : 0;
  if ((lastSigned && lastSigned.seq > lastSeq) || headSeq > lastSeq) {
    const evidence: string[] = [];
    if (lastSigned && lastSigned.seq > lastSeq) {
      evidence.push(`a checkpoint signed at ${lastSigned.at} covers ${lastSigned.seq} records`);
    }
    if (headSeq > lastSeq) evidence.push(`the chain head says ${headSeq}`);
    problems.push({
      kind: 'truncated',
      seq: lastSeq + 1,
      detail: `the chain ends at seq ${lastSeq}, but ${evidence.join(' and ')}: the records after ${lastSeq} were removed`,
    });
  } else if (!head && chain.records > 0) {
    problems.push({
      kind: 'head-mismatch',
      seq: lastSeq,
      detail: 'the tenant has records but no chain head row',
    });
  } else if (head && headSeq < lastSeq) {
    problems.push({
      kind: 'head-mismatch',
      seq: headSeq + 1,
      detail: `the chain head says ${headSeq} records, but records run to seq ${lastSeq}: they were added outside the log or the head was rolled back`,
    });
  } else if (head && chain.records > 0 && head.hash !== chain.lastHash) {
    problems.push({
      kind: 'head-mismatch',
      seq: lastSeq,
      detail: `the chain head's hash ${head.hash.slice(0, 12)}… is not the hash of record ${lastSeq} (${chain.lastHash.slice(0, 12)}…)`,
    });
  }
  return {
    tenantId,
    records: chain.records,
    headSeq,
    lastSeq,
    checkpointsVerified: chain.anchorsMatched,
    problems,
  };
}

/** What the pass over a tenant's records found. */
interface ChainPass {
  records: number;
  lastSeq: number;
  lastHash: string;
  anchorsMatched: number;
  problem?: AuditProblem;
}

interface ChainStart {
  startSeq: number;
  startPrevHash: string;
  anchors: ReadonlyMap<number, string>;
}

/**
 * A large chain in a SQLite file, checked on every core (parallel-verify.ts). Undefined when that does
 * not apply, or when the chain is not intact: the sequential pass then names the first bad record.
 */
async function verifyInParallel(
  db: AuditDatabase,
  store: StewardStore,
  options: VerifyChainOptions,
  start: ChainStart & { tenantId: string },
): Promise<ChainPass | undefined> {
  if (store.engine !== 'sqlite' || store.location === ':memory:' || options.parallel === false)
    return undefined;
  const last = await db
    .selectFrom('audit_records')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('tenant_id', '=', start.tenantId)
    .executeTakeFirst();
  const toSeq = last?.seq === null || last?.seq === undefined ? 0 : Number(last.seq);
  if (toSeq - start.startSeq + 1 < (options.parallelMinRecords ?? PARALLEL_MIN_RECORDS)) return undefined;
  return verifyChainInParallel({
    path: store.location,
    tenantId: start.tenantId,
    fromSeq: start.startSeq,
    toSeq,
    expectedPrevHash: start.startPrevHash,
    anchors: start.anchors,
  });
}

/** Keyset pages in seq order through the ChainVerifier, which classifies a break. */
async function verifySequentially(
  db: AuditDatabase,
  tenantId: string,
  pageSize: number,
  start: ChainStart,
): Promise<ChainPass> {
  const verifier = new ChainVerifier({
    anchors: start.anchors,
    startSeq: start.startSeq,
    expectedPrevHash: start.startPrevHash,
  });
  const fetchPage = (after: number) =>
    db
      .selectFrom('audit_records')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
  // The next page is read while this one is hashed (PostgreSQL works meanwhile; SQLite reads at once).
  let next = fetchPage(start.startSeq - 1);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    next = rows.length < pageSize ? Promise.resolve([]) : fetchPage(Number(rows.at(-1)!.seq));
    verifier.push(rows.map(fromRecordRow));
  }
  verifier.finish();
  return {
    records: verifier.records,
    lastSeq: verifier.lastSeq,
    lastHash: verifier.lastHash,
    anchorsMatched: verifier.anchorsMatched,
    ...(verifier.problem ? { problem: verifier.problem } : {}),
  };
}

async function loadKeys(
  db: AuditDatabase,
  trusted: Readonly<Record<string, string>> | undefined,
): Promise<Map<string, KeyObject>> {
  const pems = trusted
    ? Object.entries(trusted)
    : (await db.selectFrom('audit_signing_keys').select(['key_id', 'public_key']).execute()).map(
        (row) => [row.key_id, row.public_key] as const,
      );
  const keys = new Map<string, KeyObject>();
  for (const [keyId, pem] of pems) {
    try {
      keys.set(keyId, createPublicKey(pem));
    } catch {
      // An unreadable key verifies nothing: its checkpoints are reported as signed by an unknown key.
    }
  }
  return keys;
}

async function listTenants(db: AuditDatabase): Promise<string[]> {
  const [heads, records, checkpoints] = await Promise.all([
    db.selectFrom('audit_chain_heads').select('tenant_id').execute(),
    db.selectFrom('audit_records').select('tenant_id').distinct().execute(),
    db.selectFrom('audit_checkpoints').select('tenant_id').distinct().execute(),
  ]);
  const tenants = new Set<string>();
  for (const row of [...heads, ...records, ...checkpoints]) tenants.add(row.tenant_id);
  return [...tenants].sort();
}

type PurgeTables = {
  audit_archives: {
    tenant_id: string;
    first_seq: number;
    last_seq: number;
    last_hash: string;
    purged_at: number | null;
  };
  audit_records: { tenant_id: string; seq: number; event_type: string; payload: string };
};

/** The last record purged from the front of the chain (its seq and hash), when any was. */
async function purgeHorizon(
  db: AuditDatabase,
  tenantId: string,
): Promise<{ seq: number; hash: string } | undefined> {
  const row = await (db.withTables<PurgeTables>() as unknown as Kysely<PurgeTables>)
    .selectFrom('audit_archives')
    .select(['last_seq', 'last_hash'])
    .where('tenant_id', '=', tenantId)
    .where('purged_at', 'is not', null)
    .orderBy('last_seq', 'desc')
    .executeTakeFirst();
  return row ? { seq: Number(row.last_seq), hash: row.last_hash } : undefined;
}

async function purgeRecorded(db: AuditDatabase, tenantId: string, throughSeq: number): Promise<boolean> {
  const rows = await (db.withTables<PurgeTables>() as unknown as Kysely<PurgeTables>)
    .selectFrom('audit_records')
    .select('payload')
    .where('tenant_id', '=', tenantId)
    .where('event_type', '=', 'audit-purged')
    .where('seq', '>', throughSeq)
    .execute();
  return rows.some((row) => {
    try {
      return (JSON.parse(row.payload) as { throughSeq?: unknown }).throughSeq === throughSeq;
    } catch {
      return false;
    }
  });
}

/**
 * Audit retention: records older than `retention.duration` are sealed into segments, each with a signed
 * checkpoint at its last record, archived to `retention.storage` (file:// or s3://), and then purged
 * from the live store, unless the tenant is under legal hold. Every archive, purge and hold change is
 * itself an audit record, and `verifyArchives` re-checks what was archived.
 */
import { createPublicKey } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parseDuration } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import type { StewardStore } from '../store/index.js';
import type { ArchiveStore, SegmentManifest } from './archive/index.js';
import type { AuditLevel } from './event-records.js';
import {
  type AuditCheckpoint,
  type AuditLog,
  type AuditRecord,
  type AuditRecordInput,
  type AuditTables,
  auditDatabase,
  checkpointMessage,
  fromRecordRow,
  GENESIS_HASH,
  type SerializedAuditRecord,
  verifyCheckpointSignature,
  verifyRecords,
} from './log/index.js';

type RetentionTables = AuditTables & {
  audit_archives: {
    tenant_id: string;
    first_seq: number;
    last_seq: number;
    first_prev_hash: string;
    last_hash: string;
    record_count: number;
    location: string | null;
    archived_at: number;
    purged_at: number | null;
  };
  audit_legal_holds: { tenant_id: string; held_by: string; reason: string; since: number };
};

export interface RetentionOptions {
  /** Where sealed segments go; omitted: records past the retention are deleted without an archive. */
  archive?: ArchiveStore;
  now?: () => number;
  /** Records per archived segment; default 50,000. */
  segmentMaxRecords?: number;
}

export interface TenantRetentionResult {
  tenantId: string;
  archived: Array<{ firstSeq: number; lastSeq: number; records: number; location: string | null }>;
  purgedRecords: number;
  /** The tenant is under legal hold: archived, but nothing purged. */
  held: boolean;
}

export interface RetentionStatus {
  tenantId: string;
  duration: string;
  oldestLiveAt: number | null;
  liveRecords: number;
  archivedSegments: number;
  purgedThroughSeq: number;
  legalHold: { heldBy: string; reason: string; since: number } | null;
}

export interface ArchiveVerification {
  tenantId: string;
  ok: boolean;
  segments: number;
  problems: Array<{ segment: string; detail: string }>;
}

/**
 * @example
 * const retention = new AuditRetention(store, audit, { duration: '7y' }, { archive: createArchiveStore('file:///var/audit') });
 * await retention.run(); // archive and purge what is older than 7 years
 */
/** What retention needs of the Audit primitive: its log, its level, and appending records of its own. */
export interface RetentionAudit {
  readonly log: AuditLog;
  readonly config: { readonly level: AuditLevel };
  append(input: AuditRecordInput, options?: { mask?: boolean }): Promise<AuditRecord>;
}

export class AuditRetention {
  private readonly db: Kysely<RetentionTables>;
  private readonly durationMs: number;
  private readonly now: () => number;
  private readonly segmentMaxRecords: number;

  constructor(
    private readonly store: StewardStore,
    private readonly audit: RetentionAudit,
    private readonly policy: { duration: string },
    private readonly options: RetentionOptions = {},
  ) {
    const durationMs = parseDuration(policy.duration);
    if (durationMs === undefined || durationMs <= 0) {
      throw new StewardError(
        'invalid-config',
        `retention duration "${policy.duration}" is not a duration such as 90d or 7y`,
      );
    }
    this.durationMs = durationMs;
    this.db = store.db.withTables<RetentionTables>() as unknown as Kysely<RetentionTables>;
    this.now = options.now ?? Date.now;
    this.segmentMaxRecords = options.segmentMaxRecords ?? 50_000;
  }

  /** Archives and purges every tenant's records older than the retention (one tenant with `tenantId`). */
  async run(options: { tenantId?: string } = {}): Promise<TenantRetentionResult[]> {
    await this.audit.log.flush();
    const tenants = options.tenantId
      ? [options.tenantId]
      : (
          await this.db.selectFrom('audit_chain_heads').select('tenant_id').orderBy('tenant_id').execute()
        ).map((row) => row.tenant_id);
    const results: TenantRetentionResult[] = [];
    for (const tenantId of tenants) results.push(await this.runTenant(tenantId));
    return results;
  }

  /** Stops purges of a tenant's records (archiving goes on); recorded as `audit-legal-hold-set`. */
  async setLegalHold(tenantId: string, actor: string, reason: string): Promise<void> {
    requireText(actor, 'actor');
    requireText(reason, 'reason');
    const since = this.now();
    await this.db
      .insertInto('audit_legal_holds')
      .values({ tenant_id: tenantId, held_by: actor, reason, since })
      .onConflict((conflict) => conflict.column('tenant_id').doUpdateSet({ held_by: actor, reason, since }))
      .execute();
    await this.record(tenantId, 'audit-legal-hold-set', actor, { reason }, { mask: true });
  }

  /** Lets purges resume; recorded as `audit-legal-hold-released`. */
  async releaseLegalHold(tenantId: string, actor: string, reason: string): Promise<void> {
    requireText(actor, 'actor');
    requireText(reason, 'reason');
    const result = await this.db
      .deleteFrom('audit_legal_holds')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw new StewardError('not-found', `tenant "${tenantId}" has no legal hold`);
    }
    await this.record(tenantId, 'audit-legal-hold-released', actor, { reason }, { mask: true });
  }

  async status(tenantId: string): Promise<RetentionStatus> {
    const [live, archives, hold] = await Promise.all([
      this.db
        .selectFrom('audit_records')
        .select((eb) => [eb.fn.min('at').as('oldest'), eb.fn.countAll().as('count')])
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst(),
      this.db
        .selectFrom('audit_archives')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('first_seq')
        .execute(),
      this.db
        .selectFrom('audit_legal_holds')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .executeTakeFirst(),
    ]);
    const purged = archives.filter((row) => row.purged_at !== null);
    return {
      tenantId,
      duration: this.policy.duration,
      oldestLiveAt: live?.oldest === null || live?.oldest === undefined ? null : Number(live.oldest),
      liveRecords: Number(live?.count ?? 0),
      archivedSegments: archives.filter((row) => row.location !== null).length,
      purgedThroughSeq: purged.length === 0 ? 0 : Math.max(...purged.map((row) => Number(row.last_seq))),
      legalHold: hold ? { heldBy: hold.held_by, reason: hold.reason, since: Number(hold.since) } : null,
    };
  }

  /**
   * Reads back every archived segment of a tenant: object and content hashes, the manifest, the
   * checkpoint signature, and the chain across segments from the genesis hash to the live records.
   */
  async verifyArchives(tenantId: string): Promise<ArchiveVerification> {
    return verifyArchives(this.store, this.options.archive, tenantId);
  }

  private async runTenant(tenantId: string): Promise<TenantRetentionResult> {
    const result: TenantRetentionResult = { tenantId, archived: [], purgedRecords: 0, held: false };
    const cutoff = this.now() - this.durationMs;
    const hold = await this.db
      .selectFrom('audit_legal_holds')
      .select('tenant_id')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    result.held = hold !== undefined;
    const last = await this.db
      .selectFrom('audit_archives')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('first_seq', 'desc')
      .executeTakeFirst();
    // The newest record a segment may take: every record up to it is older than the cutoff.
    const firstYoung = await this.db
      .selectFrom('audit_records')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .where('tenant_id', '=', tenantId)
      .where('at', '>=', cutoff)
      .executeTakeFirst();
    const head = await this.db
      .selectFrom('audit_chain_heads')
      .select('seq')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    const sealUpTo =
      firstYoung?.seq === null || firstYoung?.seq === undefined
        ? Number(head?.seq ?? 0)
        : Number(firstYoung.seq) - 1;
    let nextSeq = last ? Number(last.last_seq) + 1 : 1;
    let prevHash = last ? last.last_hash : GENESIS_HASH;
    while (nextSeq <= sealUpTo) {
      const rows = await this.db
        .selectFrom('audit_records')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('seq', '>=', nextSeq)
        .where('seq', '<=', sealUpTo)
        .orderBy('seq')
        .limit(this.segmentMaxRecords)
        .execute();
      if (rows.length === 0) break;
      const records = rows.map(fromRecordRow);
      const segment = await this.seal(tenantId, records, prevHash);
      result.archived.push(segment);
      nextSeq = records.at(-1)!.seq + 1;
      prevHash = records.at(-1)!.hash;
    }
    if (!result.held) result.purgedRecords = await this.purge(tenantId);
    return result;
  }

  /** Signs a checkpoint at the segment's last record, archives the segment, and records both. */
  private async seal(
    tenantId: string,
    records: SerializedAuditRecord[],
    prevHash: string,
  ): Promise<TenantRetentionResult['archived'][number]> {
    const first = records[0]!;
    const lastRecord = records.at(-1)!;
    const chain = verifyRecords(records, { expectedPrevHash: prevHash, startSeq: first.seq });
    if (!chain.ok) {
      throw new StewardError(
        'integrity-check-failed',
        `audit records of tenant "${tenantId}" from seq ${first.seq} fail verification (${chain.problems[0]?.detail}); nothing was archived or purged`,
      );
    }
    const at = this.now();
    const signer = this.audit.log.signer;
    const unsigned = {
      tenantId,
      seq: lastRecord.seq,
      headHash: lastRecord.hash,
      recordCount: lastRecord.seq,
      at,
    };
    const checkpoint: AuditCheckpoint = {
      ...unsigned,
      signerKeyId: signer.keyId,
      signature: signer.sign(checkpointMessage(unsigned)),
      reason: 'archive',
    };
    const db = auditDatabase(this.store.db);
    await db
      .insertInto('audit_signing_keys')
      .values({ key_id: signer.keyId, public_key: signer.publicKeyPem, created_at: at })
      .onConflict((conflict) => conflict.column('key_id').doNothing())
      .execute();
    await db
      .insertInto('audit_checkpoints')
      .values({
        tenant_id: tenantId,
        seq: checkpoint.seq,
        head_hash: checkpoint.headHash,
        record_count: checkpoint.recordCount,
        at,
        signer_key_id: checkpoint.signerKeyId,
        signature: checkpoint.signature,
        reason: 'archive',
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'seq']).doNothing())
      .execute();
    let manifest: SegmentManifest | undefined;
    if (this.options.archive) {
      const ref = { tenantId, firstSeq: first.seq, lastSeq: lastRecord.seq };
      manifest =
        (await this.options.archive.getManifest(ref)) ??
        (await this.options.archive.putSegment({
          ...ref,
          records,
          checkpoint,
          retainUntil: new Date(lastRecord.at + this.durationMs),
        }));
    }
    const location = manifest ? `${this.options.archive!.location}#${manifest.object}` : null;
    await this.db
      .insertInto('audit_archives')
      .values({
        tenant_id: tenantId,
        first_seq: first.seq,
        last_seq: lastRecord.seq,
        first_prev_hash: prevHash,
        last_hash: lastRecord.hash,
        record_count: records.length,
        location,
        archived_at: at,
        purged_at: null,
      })
      .execute();
    if (manifest) {
      await this.record(tenantId, 'audit-archived', 'system', {
        firstSeq: first.seq,
        lastSeq: lastRecord.seq,
        records: records.length,
        location,
        objectSha256: manifest.objectSha256,
      });
    }
    return { firstSeq: first.seq, lastSeq: lastRecord.seq, records: records.length, location };
  }

  /** Deletes archived, not yet purged segments from the live store; each purge is an audit record. */
  private async purge(tenantId: string): Promise<number> {
    const pending = await this.db
      .selectFrom('audit_archives')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('purged_at', 'is', null)
      .orderBy('first_seq')
      .execute();
    let purged = 0;
    for (const segment of pending) {
      // Announced in the chain first: a crash between the two leaves records that the next run purges,
      // never a purge without its record.
      await this.record(tenantId, 'audit-purged', 'system', {
        firstSeq: Number(segment.first_seq),
        throughSeq: Number(segment.last_seq),
        lastHash: segment.last_hash,
        records: Number(segment.record_count),
        location: segment.location,
        retention: this.policy.duration,
      });
      const at = this.now();
      purged += await this.store.writeTransaction(async (transaction) => {
        const db = transaction.withTables<RetentionTables>() as unknown as Kysely<RetentionTables>;
        const result = await db
          .deleteFrom('audit_records')
          .where('tenant_id', '=', tenantId)
          .where('seq', '>=', Number(segment.first_seq))
          .where('seq', '<=', Number(segment.last_seq))
          .executeTakeFirst();
        await db
          .deleteFrom('audit_conversation_seqs')
          .where('tenant_id', '=', tenantId)
          .where('seq', '>=', Number(segment.first_seq))
          .where('seq', '<=', Number(segment.last_seq))
          .execute();
        await db
          .updateTable('audit_archives')
          .set({ purged_at: at })
          .where('tenant_id', '=', tenantId)
          .where('first_seq', '=', Number(segment.first_seq))
          .execute();
        return Number(result.numDeletedRows);
      });
    }
    return purged;
  }

  private async record(
    tenantId: string,
    eventType: string,
    actor: string,
    payload: Record<string, unknown>,
    options: { mask?: boolean } = { mask: false },
  ) {
    await this.audit.append(
      {
        tenantId,
        agentId: AUDIT_AGENT_ID,
        eventType,
        at: this.now(),
        actor,
        level: this.audit.config.level,
        payload,
      },
      options,
    );
  }
}

/** The agent id of tenant-level records that audit writes itself (archives, purges, legal holds). */
export const AUDIT_AGENT_ID = 'steward-audit';

function requireText(value: string, name: string): void {
  if (typeof value !== 'string' || !value.trim()) {
    throw new StewardError(
      'invalid-request',
      `a legal hold change needs ${name === 'actor' ? 'an actor (who)' : 'a reason (why)'}`,
    );
  }
}

/**
 * Reads back every archived segment of a tenant: object and content hashes, the manifest, the
 * checkpoint signature, and the chain across segments from the genesis hash to the live records.
 * Needs no keys and writes nothing (what `steward audit verify` runs).
 *
 * @example
 * const report = await verifyArchives(store, createArchiveStore('file:///var/audit'), 'acme');
 */
export async function verifyArchives(
  store: StewardStore,
  archive: ArchiveStore | undefined,
  tenantId: string,
): Promise<ArchiveVerification> {
  const rows = await (store.db.withTables<RetentionTables>() as unknown as Kysely<RetentionTables>)
    .selectFrom('audit_archives')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('first_seq')
    .execute();
  const keys = await auditDatabase(store.db).selectFrom('audit_signing_keys').selectAll().execute();
  const publicKeys = new Map(keys.map((row) => [row.key_id, createPublicKey(row.public_key)]));
  const problems: ArchiveVerification['problems'] = [];
  let expectedPrevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    const name = `${tenantId}/${row.first_seq}-${row.last_seq}`;
    if (Number(row.first_seq) !== expectedSeq || row.first_prev_hash !== expectedPrevHash) {
      problems.push({ segment: name, detail: `does not continue the chain at seq ${expectedSeq}` });
    }
    expectedSeq = Number(row.last_seq) + 1;
    expectedPrevHash = row.last_hash;
    if (row.location === null || !archive) {
      if (row.location !== null)
        problems.push({
          segment: name,
          detail: 'archived, but no archive storage is configured to read it',
        });
      continue;
    }
    const ref = { tenantId, firstSeq: Number(row.first_seq), lastSeq: Number(row.last_seq) };
    const verification = await archive.verifySegment(ref, {
      verifyCheckpoint: (checkpoint) => {
        const key = publicKeys.get(String(checkpoint.signerKeyId));
        return key !== undefined && verifyCheckpointSignature(checkpoint as unknown as AuditCheckpoint, key);
      },
    });
    for (const issue of verification.issues)
      problems.push({ segment: name, detail: `${issue.kind}: ${issue.message}` });
    if (!verification.ok) continue;
    const records = await archive.readSegment<SerializedAuditRecord>(ref);
    const chain = verifyRecords(records, {
      expectedPrevHash: row.first_prev_hash,
      startSeq: Number(row.first_seq),
    });
    const first = chain.problems[0];
    if (first) problems.push({ segment: name, detail: `${first.kind} at seq ${first.seq}: ${first.detail}` });
    else if (chain.lastHash !== row.last_hash)
      problems.push({ segment: name, detail: 'its last hash is not the one recorded at archiving' });
  }
  return { tenantId, ok: problems.length === 0, segments: rows.length, problems };
}

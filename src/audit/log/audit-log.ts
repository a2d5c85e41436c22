/**
 * The audit log writer: appends records to each tenant's hash chain with group commit. Calls that
 * arrive while a commit is in progress share the next transaction, so many concurrent callers cost a
 * few commits, and each call resolves only once its records are committed.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { validateConfig } from '../../config/index.js';
import { StewardError, toStewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import { carryRecords, mayCarry } from './carried-events.js';
import { type Batch, type BatchResult, type CheckpointRequest, writeBatch } from './chain-writer.js';
import {
  type AuditCheckpoint,
  type CheckpointReason,
  type CheckpointSigner,
  checkpointReasons,
  loadCheckpointSigner,
} from './checkpoints.js';
import { LruMap } from './lru-map.js';
import {
  type AuditRecord,
  type AuditRecordInput,
  auditFieldLimits,
  type PreparedRecord,
  parseAuditRecord,
  prepareRecord,
} from './record.js';
import { auditDatabase } from './schema.js';

const isFunction = (value: unknown) => typeof value === 'function';

export const auditLogOptionsSchema = z
  .object({
    /** Most records in one transaction (a single larger append still goes whole); default 1,000. */
    maxBatchRecords: z.number().int().min(1).max(100_000).default(1_000),
    /**
     * How long the first record of a batch waits for company when no commit is in progress; default 0:
     * an idle writer commits at once (after the current turn of the event loop, so appends made in the
     * same turn share it). Records arriving during a commit never wait either: they go in the next
     * transaction as soon as it ends, so batches form under load without a timer adding latency.
     */
    maxBatchWaitMs: z.number().min(0).max(1_000).default(0),
    /** Payloads whose canonical JSON is longer (UTF-8) are stored truncated; default 64 KiB. */
    maxPayloadBytes: z
      .number()
      .int()
      .min(1_024)
      .max(64 * 1024 * 1024)
      .default(64 * 1024),
    /** Deeper payloads are refused; default 64. */
    maxPayloadDepth: z.number().int().min(1).max(1_000).default(64),
    /** Sign a tenant's head once this many records were appended since its last checkpoint; default 10,000. */
    checkpointEveryRecords: z.number().int().min(1).default(10_000),
    /** …or once its last checkpoint is this old and there are new records; default 60,000 (1 min). */
    checkpointEveryMs: z.number().int().min(1).default(60_000),
    /**
     * A tenant's records join the conversation lookup (`audit_conversation_seqs`) in bulk once this many
     * are outside it; searches by conversation read those few from the records. Default 4,096.
     */
    conversationIndexEvery: z.number().int().min(1).max(1_000_000).default(4_096),
    /**
     * How many tenants this process remembers having a chain head row, most recent first (a forgotten one
     * costs one idempotent insert on its next append); default 10,000. Bounded because one process sees
     * millions of tenants over its life.
     */
    knownTenantsCached: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Signs checkpoints; default {@link loadCheckpointSigner} for the store (`signingKey`, env, key file). */
    signer: z
      .custom<CheckpointSigner>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as CheckpointSigner).keyId === 'string' &&
          isFunction((value as CheckpointSigner).sign),
        'a CheckpointSigner (createCheckpointSigner)',
      )
      .optional(),
    /** PKCS#8 PEM or 32-byte seed for the default signer; default `STEWARD_AUDIT_SIGNING_KEY`. */
    signingKey: z.string().optional(),
    /** Epoch ms; inject a fake clock in tests. */
    now: z.custom<() => number>(isFunction, 'a function returning epoch ms').optional(),
    /** Record ids; default `crypto.randomUUID`. */
    generateId: z.custom<() => string>(isFunction, 'a function returning a unique id').optional(),
  })
  .strict();

export type AuditLogOptions = z.input<typeof auditLogOptionsSchema>;

interface PendingAppend {
  records: PreparedRecord[];
  resolve(records: AuditRecord[]): void;
  reject(error: unknown): void;
}

interface PendingCheckpoint {
  tenantId: string;
  request: CheckpointRequest;
  resolve(checkpoint: AuditCheckpoint | undefined): void;
  reject(error: unknown): void;
}

/** PostgreSQL deadlock and serialization failures: the transaction did nothing and can run again. */
const RETRYABLE_CODES = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

/** Most tenants whose checkpoints one transaction writes (besides the tenants of its appends). */
const MAX_CHECKPOINT_TENANTS = 500;

/**
 * The tamper-evident audit log of one store.
 *
 * @example
 * const log = new AuditLog(store);
 * const [record] = await log.append({ tenantId: 'acme', agentId: 'front-desk', eventType: 'reply-sent',
 *   at: Date.now(), level: 'standard', payload: { text: 'Hello [EMAIL]' } });
 * await log.close();
 */
export class AuditLog {
  /** The checkpoint signer in use. */
  readonly signer: CheckpointSigner;
  /** Things the operator should know about this log's setup (e.g. an ephemeral signing key). */
  readonly warnings: readonly string[];
  private readonly config: Omit<z.output<typeof auditLogOptionsSchema>, 'signer' | 'now' | 'generateId'>;
  private readonly now: () => number;
  private readonly generateId: () => string;
  private readonly queue: PendingAppend[] = [];
  private queuedRecords = 0;
  private readonly checkpointQueue: PendingCheckpoint[] = [];
  private committing: Promise<void> | undefined;
  private cancelWait: (() => void) | undefined;
  private readonly sweep: NodeJS.Timeout;
  private closing: Promise<void> | undefined;
  /** Tenants whose chain head row exists, of the most recent ones (a process sees millions over time). */
  private readonly knownTenants: LruMap<string, true>;
  /** Tenants this instance appended to since their last checkpoint: swept by time, signed on close. */
  private readonly uncheckpointed = new Set<string>();
  private keyRegistered = false;

  constructor(
    private readonly store: StewardStore,
    options: AuditLogOptions = {},
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const { signer, signingKey, now, generateId, ...config } = validateConfig(
      auditLogOptionsSchema,
      options,
      'audit log options',
    );
    this.config = config;
    this.knownTenants = new LruMap(config.knownTenantsCached);
    this.now = now ?? Date.now;
    this.generateId = generateId ?? randomUUID;
    if (signer) {
      this.signer = signer;
      this.warnings = [];
    } else {
      const loaded = loadCheckpointSigner(store, signingKey === undefined ? {} : { signingKey }, env);
      this.signer = loaded.signer;
      this.warnings = loaded.warnings;
    }
    // Real time on purpose: it only asks; whether a checkpoint is due is decided with `now()`.
    this.sweep = setInterval(
      () => void this.checkpointDue().catch(() => {}),
      Math.max(1_000, config.checkpointEveryMs),
    );
    this.sweep.unref();
  }

  /**
   * Appends one record or several (atomically, in order) and resolves with them as stored, once
   * committed. Invalid input rejects this call only, with StewardError('invalid-request').
   */
  append(input: AuditRecordInput | readonly AuditRecordInput[]): Promise<AuditRecord[]> {
    if (this.closing) {
      return Promise.reject(
        new StewardError('shutting-down', 'the audit log is closed; nothing was appended'),
      );
    }
    let records: PreparedRecord[];
    try {
      const inputs: readonly AuditRecordInput[] = Array.isArray(input) ? input : [input as AuditRecordInput];
      records = inputs.map((item) => this.prepare(item));
    } catch (error) {
      return Promise.reject(toStewardError(error, 'invalid-request'));
    }
    return this.appendPrepared(records);
  }

  /**
   * Validates and encodes one record for a later `appendPrepared`, so a caller that holds records back
   * learns at once that one is invalid. Throws StewardError('invalid-request').
   */
  prepare(input: AuditRecordInput): PreparedRecord {
    return prepareRecord(input, {
      id: this.generateId(),
      maxPayloadBytes: this.config.maxPayloadBytes,
      maxDepth: this.config.maxPayloadDepth,
    });
  }

  /**
   * One row that carries `carried` (records of one interaction made by `prepare`) in `closing`'s record,
   * or undefined when they may not share a row (see carried-events.ts); append it with `appendPrepared`.
   */
  carry(carried: readonly PreparedRecord[], closing: PreparedRecord): PreparedRecord | undefined {
    // All or none: a record left out would go in a row of its own ahead of earlier events it was after.
    if (!carried.every((record) => mayCarry(record, closing))) return undefined;
    return carryRecords(carried, closing, this.config.maxPayloadBytes);
  }

  /** Appends records made by `prepare` (atomically, in order) and resolves with them once committed. */
  appendPrepared(records: readonly PreparedRecord[]): Promise<AuditRecord[]> {
    if (this.closing) {
      return Promise.reject(
        new StewardError('shutting-down', 'the audit log is closed; nothing was appended'),
      );
    }
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ records: [...records], resolve, reject });
      this.queuedRecords += records.length;
      this.schedule();
    });
  }

  /**
   * Signs the tenant's current head now (after the appends already queued) and resolves with the
   * checkpoint; undefined when the tenant has no records. A head that is already signed is not signed
   * twice: its checkpoint is returned.
   */
  checkpoint(tenantId: string, reason: CheckpointReason = 'manual'): Promise<AuditCheckpoint | undefined> {
    if (this.closing) {
      return Promise.reject(
        new StewardError('shutting-down', 'the audit log is closed; no checkpoint was made'),
      );
    }
    if (typeof tenantId !== 'string' || tenantId === '' || tenantId.length > auditFieldLimits.tenantId) {
      return Promise.reject(
        new StewardError('invalid-request', 'checkpoint needs a tenantId (1 to 128 characters)'),
      );
    }
    if (!checkpointReasons.includes(reason)) {
      return Promise.reject(
        new StewardError(
          'invalid-request',
          `checkpoint reason must be one of ${checkpointReasons.join(', ')}`,
        ),
      );
    }
    return this.requestCheckpoint(tenantId, { reason, force: true });
  }

  /**
   * Writes the time-based checkpoints that are due (tenants this instance appended to whose last
   * checkpoint is older than `checkpointEveryMs`). The log calls it on a timer; callable by hand.
   */
  async checkpointDue(): Promise<AuditCheckpoint[]> {
    const tenants = [...this.uncheckpointed];
    const written = await Promise.all(
      tenants.map((tenantId) => this.requestCheckpoint(tenantId, { reason: 'interval', force: false })),
    );
    return written.filter((checkpoint): checkpoint is AuditCheckpoint => checkpoint !== undefined);
  }

  /** Resolves once everything appended so far is committed (or has failed). */
  async flush(): Promise<void> {
    this.startCommit();
    while (this.committing) await this.committing;
  }

  /**
   * Stops accepting appends, commits the queued ones, and signs a `close` checkpoint for every tenant
   * appended to since its last checkpoint. Does not close the store.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.sweep);
      await this.flush();
      const pending = [...this.uncheckpointed].map((tenantId) =>
        this.requestCheckpoint(tenantId, { reason: 'close', force: true }),
      );
      await Promise.all(pending);
    })();
    return this.closing;
  }

  private requestCheckpoint(
    tenantId: string,
    request: CheckpointRequest,
  ): Promise<AuditCheckpoint | undefined> {
    return new Promise((resolve, reject) => {
      this.checkpointQueue.push({ tenantId, request, resolve, reject });
      this.startCommit();
    });
  }

  private schedule(): void {
    if (this.committing) return; // the commit loop takes the queue as soon as its transaction ends
    if (this.queuedRecords >= this.config.maxBatchRecords) {
      this.startCommit();
      return;
    }
    if (this.cancelWait) return;
    const wait = this.config.maxBatchWaitMs;
    if (wait === 0) {
      // Handed to the store's group writer at once: the batch is taken when that transaction runs (after
      // this turn of the event loop), so the appends of this turn, and the other writes handed over in it
      // (the interaction these records describe), commit together.
      this.startCommit();
    } else {
      const timer = setTimeout(() => this.startCommit(), wait);
      this.cancelWait = () => clearTimeout(timer);
    }
  }

  private startCommit(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    if (this.committing || (this.queue.length === 0 && this.checkpointQueue.length === 0)) return;
    this.committing = this.commitLoop();
  }

  private async commitLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.checkpointQueue.length > 0) {
        await this.commitOnce();
        // Let I/O and timers run between commits; callers resolved just now append again meanwhile.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.committing = undefined;
    }
  }

  private takeAppends(): PendingAppend[] {
    let count = 0;
    let taken = 0;
    while (taken < this.queue.length) {
      const size = this.queue[taken]!.records.length;
      if (taken > 0 && count + size > this.config.maxBatchRecords) break;
      count += size;
      taken++;
    }
    this.queuedRecords -= count;
    return this.queue.splice(0, taken);
  }

  /**
   * The checkpoint requests of at most {@link MAX_CHECKPOINT_TENANTS} tenants, oldest first: a minute's
   * sweep may name tens of thousands of tenants, and one transaction for all of them would pass the
   * engines' limit on bound parameters (SQLite 32,766) and fail the appends committed with it.
   */
  private takeCheckpoints(): PendingCheckpoint[] {
    const tenants = new Set<string>();
    let taken = 0;
    while (taken < this.checkpointQueue.length) {
      const tenantId = this.checkpointQueue[taken]!.tenantId;
      if (!tenants.has(tenantId) && tenants.size >= MAX_CHECKPOINT_TENANTS) break;
      tenants.add(tenantId);
      taken++;
    }
    return this.checkpointQueue.splice(0, taken);
  }

  /**
   * Commits one batch and settles its callers; never throws. The batch is taken when the store's group
   * writer runs the transaction, not when it is handed over, so every append queued until then joins it;
   * a retry of the same transaction (the group writer's alone, or a deadlock's) writes the same batch.
   */
  private async commitOnce(): Promise<void> {
    let taken: { appends: PendingAppend[]; waiters: PendingCheckpoint[]; batch: Batch } | undefined;
    const take = () => {
      if (taken) return taken;
      const appends = this.takeAppends();
      const waiters = this.takeCheckpoints();
      const checkpoints = new Map<string, CheckpointRequest>();
      for (const waiter of waiters) {
        const existing = checkpoints.get(waiter.tenantId);
        if (!existing || (!existing.force && waiter.request.force))
          checkpoints.set(waiter.tenantId, waiter.request);
      }
      taken = { appends, waiters, batch: { appends: appends.map((append) => append.records), checkpoints } };
      return taken;
    };
    let result: BatchResult;
    try {
      result = await this.runTransaction(() => take().batch);
    } catch (error) {
      const failure = new StewardError(
        'store-unavailable',
        `the audit log could not commit (nothing of this batch was written; retry the append): ${describe(error)}`,
        { cause: error },
      );
      // Taken here when the transaction never started (the store is gone): the callers hear it now.
      const { appends, waiters } = take();
      for (const waiter of [...appends, ...waiters]) waiter.reject(failure);
      return;
    }
    const { appends, waiters } = take();
    if (result.keyRegistered) this.keyRegistered = true;
    for (const records of result.sealed)
      for (const record of records) this.uncheckpointed.add(record.tenantId);
    for (const tenantId of result.checkpoints.keys()) this.uncheckpointed.delete(tenantId);
    appends.forEach((append, index) => {
      append.resolve(result.sealed[index]!.map(parseAuditRecord));
    });
    for (const waiter of waiters) waiter.resolve(result.checkpoints.get(waiter.tenantId));
  }

  /**
   * Runs the batch in the store's group-commit transaction (`batchWrite`), shared with the other writes
   * handed over in the same turn of the event loop; a PostgreSQL deadlock or serialization failure runs
   * it again.
   */
  private async runTransaction(batchOf: () => Batch): Promise<BatchResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.batchWrite((db) =>
          writeBatch(auditDatabase(db), batchOf(), {
            engine: this.store.engine,
            signer: this.signer,
            checkpointEveryRecords: this.config.checkpointEveryRecords,
            checkpointEveryMs: this.config.checkpointEveryMs,
            conversationIndexEvery: this.config.conversationIndexEvery,
            now: this.now(),
            knownTenants: this.knownTenants,
            registerKey: !this.keyRegistered,
          }),
        );
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (attempt >= MAX_ATTEMPTS || typeof code !== 'string' || !RETRYABLE_CODES.has(code)) throw error;
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

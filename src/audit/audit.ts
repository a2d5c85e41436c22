/**
 * The Audit primitive: subscribes to an agent's event bus and appends every event to the tamper-evident
 * log, masked (PII) and, with `compliance.encryption`, with its text and tool data encrypted, before the
 * interaction is acknowledged. Also: search, decrypting reads that are themselves audited, config
 * change records, verification.
 */
import { createHash } from 'node:crypto';
import { validateConfig } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import type { EventBus, StewardEvent } from '../events/index.js';
import { maskPayload, type Redactor } from '../privacy/index.js';
import type { StewardStore } from '../store/index.js';
import {
  AlertEngine,
  type AlertEngineOptions,
  type AlertSink,
  alertRecordInput,
  createLogAlertSink,
  createWebhookAlertSink,
  deliverAlert,
} from './alerts/index.js';
import { createArchiveStore } from './archive/index.js';
import { type AuditConfig, auditConfigSchema, type ResolvedAuditConfig } from './config.js';
import {
  createEnvKeyProvider,
  createFieldCipher,
  type FieldCipher,
  type KeyProvider,
} from './crypto/index.js';
import { DeferredAppends, mayWait } from './deferred-records.js';
import { auditRecordFor, sensitivePaths } from './event-records.js';
import {
  AuditLog,
  type AuditLogOptions,
  type AuditRecord,
  type AuditRecordInput,
  type AuditSearchPage,
  type AuditSearchQuery,
  auditDatabase,
  type ChainVerification,
  type PreparedRecord,
  searchAuditRecords,
  verifyChain,
} from './log/index.js';
import { redactorForAudit } from './masking-policy.js';
import { type AuditReport, type AuditReportOptions, generateAuditReport } from './reports/index.js';
import { AuditRetention } from './retention.js';

export interface AuditOptions {
  now?: () => number;
  /** Masks PII before storage; default from `compliance` (see redactorForAudit). */
  redactor?: Redactor;
  /** Master keys for `compliance.encryption`; default `STEWARD_AUDIT_KEY` (createEnvKeyProvider). */
  keyProvider?: KeyProvider;
  /** Options of the shared AuditLog of this store, used when this is the first Audit to open it. */
  log?: AuditLogOptions;
  environment?: NodeJS.ProcessEnv;
  /**
   * Where `analytics.alerts` go; default a JSON line on stderr, plus a signed webhook when
   * `STEWARD_ALERT_WEBHOOK_URL` and `STEWARD_ALERT_WEBHOOK_SECRET` are set.
   */
  alertSinks?: AlertSink[];
  /** Detector thresholds (see AlertEngineOptions); `alerts` comes from the config. */
  alertEngine?: Omit<AlertEngineOptions, 'alerts'>;
}

/** How far back the alert baselines are rebuilt from the log when an Audit starts. */
const ALERT_WARM_UP_MS = 7 * 86_400_000;

/** One AuditLog per store, shared by every agent on it, so their appends share group commits. */
const sharedLogs = new WeakMap<StewardStore, { log: AuditLog; users: number }>();

function acquireLog(
  store: StewardStore,
  options: AuditLogOptions | undefined,
  environment: NodeJS.ProcessEnv,
) {
  let entry = sharedLogs.get(store);
  if (!entry) {
    entry = { log: new AuditLog(store, options ?? {}, environment), users: 0 };
    sharedLogs.set(store, entry);
  }
  entry.users++;
  return entry.log;
}

async function releaseLog(store: StewardStore): Promise<void> {
  const entry = sharedLogs.get(store);
  if (!entry) return;
  entry.users--;
  if (entry.users > 0) return;
  sharedLogs.delete(store);
  await entry.log.close();
}

/** A stored config record's payload; undefined when it is not JSON (edited by hand: verifyChain reports it). */
function recordedConfig(
  payload: string,
): { configHash?: string; sections?: Record<string, string> } | undefined {
  try {
    return JSON.parse(payload) as { configHash?: string; sections?: Record<string, string> };
  } catch {
    return undefined;
  }
}

/** The AAD context of encrypted fields: a ciphertext moved to another tenant does not decrypt. */
const encryptionContext = (tenantId: string) => `steward-audit/tenant:${tenantId}`;

/**
 * @example
 * const audit = new Audit(store, { level: 'detailed', compliance: { encryption: true } });
 * const detach = audit.attach(agent.events);
 * const page = await audit.search({ tenantId: 'acme', eventTypes: ['tool-call-denied'] });
 */
export class Audit {
  readonly config: ResolvedAuditConfig;
  readonly log: AuditLog;
  readonly redactor: Redactor;
  private readonly cipher: FieldCipher | undefined;
  private readonly keyProvider: KeyProvider | undefined;
  private readonly now: () => number;
  private closed = false;
  private retentionService: AuditRetention | undefined;
  private readonly alerts: AlertEngine | undefined;
  private readonly alertSinks: AlertSink[];
  private alertsWarm: Promise<unknown> | undefined;
  private readonly deliveries = new Set<Promise<unknown>>();
  /** The master key id each tenant's records were last encrypted under (from this process or the log). */
  private readonly keyIds = new Map<string, string>();
  private readonly environment: NodeJS.ProcessEnv;
  private readonly deferred = new DeferredAppends({
    append: (inputs) => this.appendPrepared(inputs),
    carry: (carried, closing) => this.log.carry(carried, closing),
    onError: (error, scopes) => {
      for (const scope of scopes)
        console.error(
          JSON.stringify({
            level: 'error',
            msg: 'audit: records waiting for their interaction could not be appended yet; retrying',
            tenantId: scope.tenantId,
            agentId: scope.agentId,
            error: describeError(error),
          }),
        );
    },
  });

  constructor(
    readonly store: StewardStore,
    config: AuditConfig | ResolvedAuditConfig,
    options: AuditOptions = {},
  ) {
    this.config = validateConfig(auditConfigSchema, config, 'audit config');
    const environment = options.environment ?? process.env;
    this.environment = environment;
    this.now = options.now ?? Date.now;
    this.redactor = options.redactor ?? redactorForAudit(this.config, environment);
    if (this.config.compliance?.encryption) {
      // A copy: zod's record check refuses process.env itself (its prototype is not Object's).
      this.keyProvider = options.keyProvider ?? createEnvKeyProvider({ environment: { ...environment } });
      this.cipher = createFieldCipher({ keyProvider: this.keyProvider });
    }
    const alertTypes = this.config.analytics?.alerts ?? [];
    this.alertSinks = [...(options.alertSinks ?? defaultAlertSinks(environment))];
    if (alertTypes.length > 0) {
      this.alerts = new AlertEngine({ ...options.alertEngine, alerts: alertTypes, now: this.now });
    }
    this.log = acquireLog(
      store,
      options.log ?? (options.now ? { now: options.now } : undefined),
      environment,
    );
  }

  /** Delivers alerts to one more sink too (e.g. a channel: `createChannelAlertSink({ send })`). */
  addAlertSink(sink: AlertSink): void {
    this.alertSinks.push(sink);
  }

  /**
   * Audits every event of `bus` (awaited by `emit`, so an interaction is acknowledged after its records
   * are durable). The records of events nothing acts on before the interaction's next record wait and go
   * in one append with it (see DeferredAppends): one commit per cache hit instead of one per event.
   */
  attach(bus: EventBus): () => void {
    return bus.onAny(async (event) => {
      if (!mayWait(event)) {
        await this.recordEvent(event);
        return;
      }
      // Validated now (a NUL in a sender id is refused to this caller), so a waiting record never fails
      // the append that carries it.
      this.deferred.defer(this.log.prepare(await this.prepare(this.eventInput(event), {})));
    });
  }

  /** Appends the record of one pipeline event (with the records waiting before it). */
  async recordEvent(event: StewardEvent): Promise<AuditRecord> {
    return this.append(this.eventInput(event));
  }

  private eventInput(event: StewardEvent): AuditRecordInput {
    if (!this.config.enabled)
      throw new StewardError('invalid-request', 'audit is disabled (audit.enabled: false)');
    const input = auditRecordFor(event, this.config.level);
    // A customer's sender id (a phone number, an email address) is personal data like any other.
    if (event.name === 'message-received' && input.actor) input.actor = this.redactor.text(input.actor);
    return input;
  }

  /**
   * Appends a record of audit's own or an operator's (config changes, purges, key rotations …); the
   * payload is masked and, with encryption on, its text fields encrypted, like every other record.
   */
  async append(input: AuditRecordInput, options: { mask?: boolean } = {}): Promise<AuditRecord> {
    const prepared = this.log.prepare(await this.prepare(input, options));
    const [record] = await this.deferred.append([prepared]);
    return record!;
  }

  /** The record as stored: payload masked (unless `mask: false`) and, when configured, encrypted. */
  private async prepare(input: AuditRecordInput, options: { mask?: boolean }): Promise<AuditRecordInput> {
    // The alert baselines are rebuilt from the recent log before the first new record is seen.
    if (this.alerts) {
      this.alertsWarm ??= this.alerts
        .warmUp(this.store, { since: Math.max(0, this.now() - ALERT_WARM_UP_MS) })
        .catch(() => undefined);
      await this.alertsWarm;
    }
    // `mask: false` only for payloads audit builds itself from ids, counts and hashes (no user text).
    let payload: Record<string, unknown>;
    try {
      payload = options.mask === false ? input.payload : maskPayload(input.payload, this.redactor);
    } catch (error) {
      // A payload that cannot be read (a throwing getter, a proxy) is refused for this caller only.
      throw new StewardError(
        'invalid-request',
        `the audit payload could not be read: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
    let keyId: string | null = null;
    if (this.cipher && this.keyProvider) {
      payload = (await this.cipher.encryptFields(payload, sensitivePaths, {
        aad: encryptionContext(input.tenantId),
      })) as Record<string, unknown>;
      keyId = await this.keyProvider.currentKeyId();
      await this.noteKeyRotation(input, keyId);
    }
    return {
      ...input,
      ...(input.actor ? { actor: input.actor } : {}),
      payload,
      ...(keyId ? { keyId } : {}),
    };
  }

  /** Appends prepared records in one call (the log's append starts synchronously, keeping call order). */
  private async appendPrepared(prepared: PreparedRecord[]): Promise<AuditRecord[]> {
    const records = await this.log.appendPrepared(prepared);
    if (this.alerts)
      for (const record of records)
        if (record.eventType !== 'audit-alert-raised') await this.raiseAlerts(record);
    return records;
  }

  /**
   * Records `audit-key-rotated` the first time a tenant's records are encrypted under a master key other
   * than the one its last encrypted record used (the keyring's current key changed).
   */
  private async noteKeyRotation(input: AuditRecordInput, keyId: string): Promise<void> {
    if (this.keyIds.get(input.tenantId) === keyId) return;
    const previous = await auditDatabase(this.store.db)
      .selectFrom('audit_records')
      .select('key_id')
      .where('tenant_id', '=', input.tenantId)
      .where('key_id', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    this.keyIds.set(input.tenantId, keyId);
    if (!previous?.key_id || previous.key_id === keyId) return;
    await this.log.append({
      tenantId: input.tenantId,
      agentId: input.agentId,
      eventType: 'audit-key-rotated',
      at: this.now(),
      actor: 'system',
      level: this.config.level,
      payload: { previousKeyId: previous.key_id, keyId },
    });
  }

  /**
   * Feeds a record to the alert detectors; each alert is appended as `audit-alert-raised` (durable with
   * the record that caused it) and delivered to the sinks in the background (`close` waits for them).
   */
  private async raiseAlerts(record: AuditRecord): Promise<void> {
    for (const alert of await this.alerts!.observe(record)) {
      await this.log.append(alertRecordInput(alert, this.config.level));
      const delivery: Promise<unknown> = deliverAlert(alert, this.alertSinks).finally(() =>
        this.deliveries.delete(delivery),
      );
      this.deliveries.add(delivery);
    }
  }

  /**
   * Records the agent's config when it differs from the last one recorded for this agent (by hash):
   * `config-changed` with the top-level keys that changed. Secrets never reach the record: only
   * hashes of each section are stored.
   */
  async recordConfig(
    scope: { tenantId: string; agentId: string },
    config: Record<string, unknown>,
    actor = 'system',
  ): Promise<boolean> {
    const sections: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
      if (value === undefined || typeof value === 'function') continue;
      sections[key] = sha256(stableJson(value)).slice(0, 16);
    }
    const configHash = sha256(stableJson(sections));
    // Only the payload of the agent's last config record: it runs at every agent build.
    const last = await auditDatabase(this.store.db)
      .selectFrom('audit_records')
      .select('payload')
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('event_type', '=', 'config-changed')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const previous = last && recordedConfig(last.payload);
    if (previous?.configHash === configHash) return false;
    const keys = new Set([...Object.keys(sections), ...Object.keys(previous?.sections ?? {})]);
    const changedKeys = [...keys].filter((key) => sections[key] !== previous?.sections?.[key]).sort();
    await this.append(
      {
        ...scope,
        eventType: 'config-changed',
        at: this.now(),
        actor,
        level: this.config.level,
        payload: { configHash, previousHash: previous?.configHash ?? null, changedKeys, sections },
      },
      { mask: false },
    );
    return true;
  }

  /** A tenant's records, newest first (payloads as stored: masked, encrypted fields still encrypted). */
  search(query: AuditSearchQuery): Promise<AuditSearchPage> {
    return searchAuditRecords(this.store, query);
  }

  /**
   * Records with their encrypted fields decrypted, for holders of the key. The read itself is audited
   * (`audit-record-decrypted` with the actor and record ids), which reports use for access accounting.
   */
  async decrypt(records: readonly AuditRecord[], actor: string): Promise<AuditRecord[]> {
    if (!actor.trim())
      throw new StewardError('invalid-request', 'a decrypting read needs an actor (who reads)');
    const cipher =
      this.cipher ?? createFieldCipher({ keyProvider: this.keyProvider ?? createEnvKeyProvider() });
    const decrypted: AuditRecord[] = [];
    for (const record of records) {
      decrypted.push({
        ...record,
        payload: await cipher.decryptFields(record.payload, { aad: encryptionContext(record.tenantId) }),
      });
    }
    const byScope = new Map<string, AuditRecord[]>();
    for (const record of records) {
      const key = `${record.tenantId}\u0000${record.agentId}`;
      const group = byScope.get(key);
      if (group) group.push(record);
      else byScope.set(key, [record]);
    }
    for (const group of byScope.values()) {
      await this.append(
        {
          tenantId: group[0]!.tenantId,
          agentId: group[0]!.agentId,
          eventType: 'audit-record-decrypted',
          at: this.now(),
          actor,
          level: this.config.level,
          payload: { recordIds: group.map((record) => record.id), seqs: group.map((record) => record.seq) },
        },
        { mask: false },
      );
    }
    return decrypted;
  }

  /**
   * Retention of this store's records per `retention` (duration, archive storage, Object Lock), or
   * undefined when no retention is configured. `run()` archives and purges; see AuditRetention.
   */
  retention(): AuditRetention | undefined {
    const policy = this.config.retention;
    if (!policy) return undefined;
    if (!this.retentionService) {
      const endpoint = this.environment.STEWARD_AUDIT_S3_ENDPOINT;
      const archive = policy.storage
        ? createArchiveStore(policy.storage, {
            s3: {
              ...(this.environment.AWS_REGION ? { region: this.environment.AWS_REGION } : {}),
              ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
              ...(policy.objectLock ? { objectLock: { mode: policy.objectLock } } : {}),
            },
            now: this.now,
          })
        : undefined;
      this.retentionService = new AuditRetention(this.store, this, policy, {
        ...(archive ? { archive } : {}),
        now: this.now,
      });
    }
    return this.retentionService;
  }

  /**
   * A compliance report over `[from, to)` with this store's chain verification and, for one tenant, its
   * retention status filled in.
   */
  async report(options: Omit<AuditReportOptions, 'verify' | 'retention'>): Promise<AuditReport> {
    const retention = this.retention();
    const status = retention && options.tenantId ? await retention.status(options.tenantId) : undefined;
    return generateAuditReport(this.store, {
      ...options,
      verify: (tenantId) => verifyChain(this.store, { tenantId }),
      ...(this.config.retention
        ? {
            retention: {
              policyDuration: this.config.retention.duration,
              ...(status
                ? {
                    oldestLiveRecordAt: status.oldestLiveAt,
                    archivedSegments: status.archivedSegments,
                    legalHold: status.legalHold !== null,
                    ...(status.legalHold ? { legalHoldReason: status.legalHold.reason } : {}),
                  }
                : {}),
            },
          }
        : {}),
    });
  }

  /** Verifies the live chain of every tenant (or one). */
  verify(options: { tenantId?: string } = {}): Promise<ChainVerification> {
    return verifyChain(this.store, options);
  }

  /** Flushes pending appends and releases the shared log (closed with its last user). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.deferred.flush();
    } finally {
      await Promise.allSettled([...this.deliveries]);
      await releaseLog(this.store);
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so equal configs hash equally. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
    return inner;
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultAlertSinks(environment: NodeJS.ProcessEnv): AlertSink[] {
  const sinks: AlertSink[] = [createLogAlertSink()];
  const url = environment.STEWARD_ALERT_WEBHOOK_URL;
  const secret = environment.STEWARD_ALERT_WEBHOOK_SECRET;
  if (url && secret) sinks.push(createWebhookAlertSink({ url, secret }));
  return sinks;
}

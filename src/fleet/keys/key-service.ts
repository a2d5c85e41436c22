/**
 * The API key service: create, list, revoke and check keys. Every change is one store transaction that
 * also tells the other instances (change-feed.ts), then one audit record naming the actor; checks use
 * an in-process cache that the feed keeps honest.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { idSchema } from '../../agent/index.js';
import type { AuditRecordInput } from '../../audit/index.js';
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import { PLATFORM_TENANT_ID } from '../registry/ids.js';
import type { KeyChangeFeed, Propagation } from './change-feed.js';
import { KeyCache } from './key-cache.js';
import {
  anyKeyExists,
  deleteKey,
  findKey,
  insertKey,
  type KeyRow,
  keyTables,
  listKeys,
  markRevoked,
} from './key-rows.js';
import { openChangeFeed } from './open-change-feed.js';
import { type Caller, type Role, roles, type TenantScope } from './permissions.js';
import { issueToken, parseToken, type RandomBytes, secretMatches } from './token.js';

export { PLATFORM_TENANT_ID };

/** Tenant-level audit records of the platform (key changes) go to this tenant … */

/** … under this agent id. */
export const KEYS_AGENT_ID = 'steward-keys';

/** Where key changes are recorded: the audit log (`Audit` fits), injected. */
export interface KeyAuditSink {
  append(input: AuditRecordInput): Promise<unknown>;
}

export const keyRequestSchema = z
  .object({
    /** Who or what holds the key, e.g. `billing-bot` or `alice laptop`. */
    name: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
    role: z.enum(roles),
    /** `'*'` for every tenant, else the tenant ids. */
    tenants: z.union([z.literal('*'), z.array(idSchema).min(1).max(1_000)]),
    /** Epoch ms after which the key no longer works. */
    expiresAt: z.number().int().positive().optional(),
  })
  .strict();

export type KeyRequest = z.input<typeof keyRequestSchema>;

export type KeyStatus = 'active' | 'expired' | 'revoked';

/** A key as listed: never its token nor its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  tenants: TenantScope;
  status: KeyStatus;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

export interface CreatedKey {
  key: ApiKeyInfo;
  /** `stw_<id>_<secret>`: shown this once, stored nowhere. */
  token: string;
}

export interface RevokedKey {
  key: ApiKeyInfo;
  /** True when the key was already revoked (nothing changed, nothing recorded). */
  alreadyRevoked: boolean;
  /** PostgreSQL: the instances listening and how many confirmed they dropped the key before the call returned. */
  propagation: Propagation;
}

/** The outcome of checking a token. A wrong secret reads as `unknown`: it says nothing of the key. */
export type KeyCheck =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'revoked'; keyId: string }
  | { ok: false; reason: 'expired'; keyId: string; expiresAt: number };

export interface ApiKeyServiceOptions {
  audit: KeyAuditSink;
  /** Epoch ms; inject a fake clock in tests. */
  now?: () => number;
  /** Randomness of tokens; default `crypto.randomBytes`. */
  random?: RandomBytes;
  /** Most keys kept verified in memory; default 10,000. */
  cacheSize?: number;
  /** PostgreSQL: how long a revocation waits for every instance to confirm; default 2,000 ms. */
  propagationTimeoutMs?: number;
  /**
   * Whether a tenant exists (the registry's tenants). When given, a key scoped to a tenant that does not
   * exist is refused at creation (a typo would otherwise make a key that never works, or that starts to
   * work for whoever later creates that tenant).
   */
  tenantExists?: (tenantId: string) => Promise<boolean>;
}

/**
 * @example
 * const keys = await ApiKeyService.open(store, { audit });
 * const { key, token } = await keys.create({ name: 'front desk', role: 'chat', tenants: ['acme'] }, 'key:… (alice)');
 * const check = await keys.check(token); // { ok: true, caller: { keyId, keyName, role, tenants } }
 * await keys.revoke(key.id, 'key:… (alice)');
 */
export class ApiKeyService {
  private readonly now: () => number;
  private readonly random: RandomBytes;
  private readonly tenantExists: ((tenantId: string) => Promise<boolean>) | undefined;
  private feed!: KeyChangeFeed;

  private constructor(
    private readonly store: StewardStore,
    private readonly audit: KeyAuditSink,
    private readonly cache: KeyCache,
    options: ApiKeyServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? randomBytes;
    this.tenantExists = options.tenantExists;
  }

  /** Opens the service on a migrated store (on PostgreSQL this opens its LISTEN connection). */
  static async open(store: StewardStore, options: ApiKeyServiceOptions): Promise<ApiKeyService> {
    const cache = new KeyCache(options.cacheSize ?? 10_000);
    const service = new ApiKeyService(store, options.audit, cache, options);
    service.feed = await openChangeFeed(store, {
      onChange: (keyId) => cache.drop(keyId),
      ...(options.propagationTimeoutMs === undefined
        ? {}
        : { propagationTimeoutMs: options.propagationTimeoutMs }),
    });
    return service;
  }

  /** Creates a key; the token is in the result and nowhere else. Audited as `api-key-created`. */
  async create(request: KeyRequest, actor: string): Promise<CreatedKey> {
    const input = parseKeyRequest(request);
    const at = this.now();
    if (input.expiresAt !== undefined && input.expiresAt <= at) {
      throw new StewardError(
        'invalid-request',
        `expiresAt must be in the future (received ${new Date(input.expiresAt).toISOString()})`,
        { details: { field: 'expiresAt' } },
      );
    }
    if (input.tenants !== '*' && this.tenantExists) {
      const exists = this.tenantExists;
      const tenants = [...new Set(input.tenants)];
      const known = await Promise.all(tenants.map((tenantId) => exists(tenantId)));
      const unknown = tenants.filter((_, index) => !known[index]);
      if (unknown.length > 0) {
        throw new StewardError(
          'invalid-request',
          `tenants: ${unknown.map((tenantId) => JSON.stringify(tenantId)).join(', ')} ${unknown.length === 1 ? 'does' : 'do'} not exist; ` +
            'create the tenant first (POST /api/tenants, steward tenants apply) or start steward serve with the config that names it',
          { details: { field: 'tenants', unknown } },
        );
      }
    }
    const issued = issueToken(this.random);
    const row: KeyRow = {
      id: issued.publicId,
      name: input.name,
      role: input.role,
      tenants: input.tenants === '*' ? '*' : [...new Set(input.tenants)],
      secretHash: issued.secretHash,
      createdAt: at,
      createdBy: boundedActor(actor),
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      revokedBy: null,
    };
    const pending = this.feed.announce({ changeId: randomUUID(), keyId: row.id });
    try {
      await this.store.writeTransaction(async (db) => {
        await insertKey(keyTables(db), row);
        await pending.write(keyTables(db));
      });
    } finally {
      // Nothing cached can hold a key that did not exist: no instance needs to confirm a creation.
      pending.cancel();
    }
    this.cache.drop(row.id);
    try {
      await this.record('api-key-created', row, {
        expiresAt: row.expiresAt === null ? null : new Date(row.expiresAt).toISOString(),
      });
    } catch (error) {
      // A key nobody can find in the audit log must not work: it goes, and the caller sees why.
      await this.store.writeTransaction((db) => deleteKey(keyTables(db), row.id)).catch(() => {});
      this.cache.drop(row.id);
      throw new StewardError(
        'internal',
        'the key was not created: its audit record could not be written (the audit log failed)',
        { cause: error },
      );
    }
    return { key: this.info(row), token: issued.token };
  }

  /** Every key, oldest first: ids, names, roles, scopes and status, never a token or hash. */
  async list(): Promise<ApiKeyInfo[]> {
    return (await listKeys(keyTables(this.store.db))).map((row) => this.info(row));
  }

  /**
   * Revokes a key everywhere: on SQLite the next check of any process sees it; on PostgreSQL the call
   * returns once every listening instance confirmed it dropped the key (or after the deadline, with
   * `propagation.confirmed < propagation.instances`). Audited as `api-key-revoked`.
   */
  async revoke(id: string, actor: string): Promise<RevokedKey> {
    const by = boundedActor(actor);
    const pending = this.feed.announce({ changeId: randomUUID(), keyId: id });
    let outcome: { revoked: boolean; row: KeyRow | undefined };
    try {
      outcome = await this.store.writeTransaction(async (db) => {
        const revoked = await markRevoked(keyTables(db), id, this.now(), by);
        if (revoked) await pending.write(keyTables(db));
        return { revoked, row: await findKey(keyTables(db), id) };
      });
    } catch (error) {
      pending.cancel();
      throw error;
    }
    this.cache.drop(id);
    if (!outcome.row || !outcome.revoked) {
      pending.cancel();
      if (!outcome.row) throw keyNotFound(id);
      return {
        key: this.info(outcome.row),
        alreadyRevoked: true,
        propagation: { instances: 0, confirmed: 0 },
      };
    }
    const propagation = await pending.settle();
    await this.record('api-key-revoked', outcome.row, { propagation });
    return { key: this.info(outcome.row), alreadyRevoked: false, propagation };
  }

  /** Checks a bearer token: the caller it stands for, or why not. */
  async check(token: string): Promise<KeyCheck> {
    const parsed = parseToken(token);
    if (!parsed) return { ok: false, reason: 'unknown' };
    const usable = await this.feed.cacheUsable();
    let entry = usable ? this.cache.get(parsed.publicId) : undefined;
    if (!entry) {
      const generation = this.cache.generation;
      const row = await findKey(keyTables(this.store.db), parsed.publicId);
      if (!row) return { ok: false, reason: 'unknown' };
      entry = {
        id: row.id,
        secretHash: Buffer.from(row.secretHash, 'hex'),
        caller: { keyId: row.id, keyName: row.name, role: row.role, tenants: row.tenants },
        expiresAt: row.expiresAt,
        revokedAt: row.revokedAt,
      };
      if (usable && generation === this.cache.generation) this.cache.set(entry);
    }
    if (!secretMatches(parsed.publicId, parsed.secret, entry.secretHash))
      return { ok: false, reason: 'unknown' };
    if (entry.revokedAt !== null) return { ok: false, reason: 'revoked', keyId: entry.id };
    if (entry.expiresAt !== null && this.now() >= entry.expiresAt) {
      return { ok: false, reason: 'expired', keyId: entry.id, expiresAt: entry.expiresAt };
    }
    return { ok: true, caller: entry.caller };
  }

  /** True once any key was ever created (revoked and expired keys count: the store is no longer keyless). */
  async anyKey(): Promise<boolean> {
    const usable = await this.feed.cacheUsable();
    if (usable && this.cache.anyKey !== undefined) return this.cache.anyKey;
    const generation = this.cache.generation;
    const exists = await anyKeyExists(keyTables(this.store.db));
    if (usable && generation === this.cache.generation) this.cache.anyKey = exists;
    return exists;
  }

  /** Stops listening for changes (PostgreSQL); the store stays open. */
  close(): Promise<void> {
    return this.feed.close();
  }

  private info(row: KeyRow): ApiKeyInfo {
    const status: KeyStatus =
      row.revokedAt !== null
        ? 'revoked'
        : row.expiresAt !== null && this.now() >= row.expiresAt
          ? 'expired'
          : 'active';
    return {
      id: row.id,
      name: row.name,
      role: row.role,
      tenants: row.tenants,
      status,
      createdAt: row.createdAt,
      createdBy: row.createdBy,
      expiresAt: row.expiresAt,
      revokedAt: row.revokedAt,
      revokedBy: row.revokedBy,
    };
  }

  private async record(
    eventType: 'api-key-created' | 'api-key-revoked',
    row: KeyRow,
    extra: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.append({
      tenantId: PLATFORM_TENANT_ID,
      agentId: KEYS_AGENT_ID,
      eventType,
      at: this.now(),
      actor: eventType === 'api-key-created' ? row.createdBy : (row.revokedBy ?? null),
      level: 'standard',
      payload: { keyId: row.id, name: row.name, role: row.role, tenants: row.tenants, ...extra },
    });
  }
}

/** The 404 of a key id that does not exist. */
export function keyNotFound(id: string): StewardError {
  return new StewardError('not-found', `there is no API key "${id}"`, { details: { keyId: id } });
}

function parseKeyRequest(request: KeyRequest): z.output<typeof keyRequestSchema> {
  const result = keyRequestSchema.safeParse(request);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new StewardError(
    'invalid-request',
    `key request: ${issues.map((issue) => `${issue.field || '(body)'}: ${issue.message}`).join('; ')}`,
    { details: { field: issues[0]?.field ?? '', issues } },
  );
}

/** The audit log keeps actors to 256 characters. */
function boundedActor(actor: string): string {
  const trimmed = actor.trim();
  if (trimmed === '') throw new StewardError('invalid-request', 'a key change needs an actor');
  return trimmed.length <= 256 ? trimmed : `${trimmed.slice(0, 255)}…`;
}

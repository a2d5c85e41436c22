/** Tenants as data: create, read, list (keyset pages), and change their name, limits or status. */
import { sql } from 'kysely';
import { z } from 'zod';
import { validateConfig } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import { compiledLatestRead } from '../../store/index.js';
import { epochWatch } from '../keys/index.js';
import type { RegistryChange } from './changes.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import { checkActor, checkId, REGISTRY_AGENT_ID } from './ids.js';
import { canonicalJson, type JsonObject, toJsonObject } from './json-config.js';
import { mergeConfig } from './merge.js';
import { type RegistryDatabase, registryDatabase, type TenantsTable } from './schema.js';
import { ConcurrentChange, type RegistryContext, runWrite, staleVersion } from './write.js';

export const tenantStatuses = ['active', 'suspended'] as const;
export type TenantStatus = (typeof tenantStatuses)[number];

export const tenantLimitsSchema = z
  .object({
    /** Messages the tenant's agents accept per minute, together (enforced where messages are served). */
    messagesPerMinute: z.number().int().min(1).optional(),
    /** Active agents the tenant may have; creating or re-enabling one more is refused. */
    maxAgents: z.number().int().min(0).optional(),
  })
  .strict();

export type TenantLimits = z.output<typeof tenantLimitsSchema>;

export interface Tenant {
  tenantId: string;
  displayName: string;
  status: TenantStatus;
  limits: TenantLimits;
  version: number;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
}

export interface NewTenant {
  tenantId: string;
  /** Default: the tenant id. */
  displayName?: string;
  limits?: TenantLimits;
  status?: TenantStatus;
}

/**
 * A change to a tenant. `limits` is a merge patch over the current limits (`{ maxAgents: null }` removes
 * that limit), like an agent config over its template.
 */
export interface TenantPatch {
  displayName?: string;
  limits?: Record<string, unknown>;
  status?: TenantStatus;
}

export interface WriteOptions {
  actor: string;
  /** Write only if the entry is at this version; else `precondition-failed` (HTTP 412). */
  ifMatch?: number;
}

export interface Page<Item> {
  items: Item[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

export interface ListOptions {
  cursor?: string;
  /** 1-500, default 100. */
  limit?: number;
}

const maxDisplayNameLength = 256;

/** Tenants kept by `current` at most (the least recently used goes first). */
const maxCachedTenants = 10_000;
/**
 * How long `current` serves a kept tenant at most, the epoch unmoved: bounds what a write that bumps no
 * epoch (a process of an older version during an upgrade, an edit by hand) can leave stale.
 */
export const tenantCacheMaxAgeMs = 30_000;

export class TenantRegistry {
  /** SQLite: tenants as read under a change epoch (see `current`). */
  private readonly cached = new Map<string, { epoch: number; readAt: number; tenant: Tenant | undefined }>();

  constructor(private readonly context: RegistryContext) {}

  /**
   * @example
   * await registry.tenants.create({ tenantId: 'acme', displayName: 'Acme Bakery', limits: { maxAgents: 5 } }, { actor: 'alice' });
   */
  async create(input: NewTenant, options: { actor: string }): Promise<Tenant> {
    const tenantId = checkId('tenantId', input.tenantId);
    const actor = checkActor(options.actor);
    const displayName = checkDisplayName(input.displayName ?? tenantId);
    const limits = checkLimits(input.limits ?? {});
    const status = checkStatus(input.status ?? 'active');
    return runWrite(this.context, async (db) => {
      const at = this.context.now();
      const row: TenantsTable = {
        tenant_id: tenantId,
        display_name: displayName,
        status,
        limits: canonicalJson(limits as JsonObject),
        version: 1,
        created_at: at,
        updated_at: at,
        created_by: actor,
        updated_by: actor,
      };
      const inserted = await db
        .insertInto('tenants')
        .values(row)
        .onConflict((conflict) => conflict.column('tenant_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
        throw new StewardError('conflict', `tenant "${tenantId}" already exists; change it with an update`);
      }
      await bumpChangeEpoch(db);
      return {
        result: toTenant(row),
        changes: [
          tenantChange('tenant-created', row, actor, at, {
            version: 1,
            status,
            limits,
          }),
        ],
      };
    });
  }

  async get(tenantId: string): Promise<Tenant | undefined> {
    const rows = await selectTenant(this.context.store, this.db(), checkId('tenantId', tenantId));
    return rows[0] && toTenant(rows[0]);
  }

  /**
   * The tenant as `get` reads it, for a request that arrived when the store's epoch watch stood at
   * `mark` (`epochWatch(store).mark()`). On SQLite a tenant is kept in process under the change epoch it
   * was read at, and served from there while the epoch, read after the request arrived (usually by its
   * key check, else here), has not moved: every tenant write, of any process, bumps the epoch in its
   * transaction, so a suspension applies to the next request of every process; a tenant is read again
   * after `tenantCacheMaxAgeMs` whatever the epoch. Elsewhere (PostgreSQL,
   * `:memory:`), or without `mark`, it is `get`.
   */
  async current(tenantId: string, mark: number | undefined): Promise<Tenant | undefined> {
    const watch = mark === undefined ? undefined : epochWatch(this.context.store);
    if (!watch || mark === undefined) return this.get(tenantId);
    const epoch = watch.readSince(mark);
    const now = this.context.now();
    const kept = this.cached.get(tenantId);
    if (kept && kept.epoch === epoch && now - kept.readAt < tenantCacheMaxAgeMs) {
      this.cached.delete(tenantId);
      this.cached.set(tenantId, kept);
      return kept.tenant;
    }
    // Read after the epoch: a change between the two leaves this entry under the older epoch, read again next time.
    const tenant = await this.get(tenantId);
    if (tenant) Object.freeze(Object.freeze(tenant).limits);
    this.cached.delete(tenantId);
    if (this.cached.size >= maxCachedTenants) this.cached.delete(this.cached.keys().next().value!);
    this.cached.set(tenantId, { epoch, readAt: now, tenant });
    return tenant;
  }

  /** Tenants in id order, a page at a time. */
  async list(options: ListOptions & { status?: TenantStatus } = {}): Promise<Page<Tenant>> {
    const limit = pageLimit(options.limit);
    const after = options.cursor === undefined ? undefined : decodeCursor('tenants', options.cursor);
    const rows = await this.db()
      .selectFrom('tenants')
      .selectAll()
      .$if(after !== undefined, (query) => query.where('tenant_id', '>', after!))
      .$if(options.status !== undefined, (query) => query.where('status', '=', checkStatus(options.status)))
      .orderBy('tenant_id')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(toTenant);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor('tenants', items.at(-1)!.tenantId) : null,
    };
  }

  /** Changes the name, limits or status; returns the tenant as it now is (unchanged when nothing differs). */
  async update(tenantId: string, patch: TenantPatch, options: WriteOptions): Promise<Tenant> {
    const id = checkId('tenantId', tenantId);
    const actor = checkActor(options.actor);
    const limitsPatch = patch.limits === undefined ? undefined : toJsonObject(patch.limits, 'tenant limits');
    return runWrite(this.context, async (db) => {
      const current = await db
        .selectFrom('tenants')
        .selectAll()
        .where('tenant_id', '=', id)
        .executeTakeFirst();
      if (!current) throw tenantNotFound(id);
      if (options.ifMatch !== undefined && current.version !== options.ifMatch) {
        throw staleVersion(`tenant "${id}"`, options.ifMatch, current.version);
      }
      const before = toTenant(current);
      const displayName = checkDisplayName(patch.displayName ?? before.displayName);
      const limits = limitsPatch
        ? checkLimits(mergeConfig(before.limits as JsonObject, limitsPatch))
        : before.limits;
      const status = checkStatus(patch.status ?? before.status);
      const changed = [
        ...(displayName !== before.displayName ? ['displayName'] : []),
        ...(canonicalJson(limits as JsonObject) !== current.limits ? ['limits'] : []),
        ...(status !== before.status ? ['status'] : []),
      ];
      if (changed.length === 0) return { result: before, changes: [] };
      const at = this.context.now();
      const row: TenantsTable = {
        ...current,
        display_name: displayName,
        limits: canonicalJson(limits as JsonObject),
        status,
        version: current.version + 1,
        updated_at: at,
        updated_by: actor,
      };
      const updated = await db
        .updateTable('tenants')
        .set({
          display_name: row.display_name,
          limits: row.limits,
          status: row.status,
          version: row.version,
          updated_at: at,
          updated_by: actor,
        })
        .where('tenant_id', '=', id)
        .where('version', '=', current.version)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        if (options.ifMatch !== undefined) throw staleVersion(`tenant "${id}"`, options.ifMatch);
        throw new ConcurrentChange();
      }
      await bumpChangeEpoch(db);
      return {
        result: toTenant(row),
        changes: [
          tenantChange('tenant-changed', row, actor, at, {
            version: row.version,
            previousVersion: current.version,
            changed,
            ...(changed.includes('status') ? { status: { from: before.status, to: status } } : {}),
            ...(changed.includes('limits') ? { limits } : {}),
          }),
        ],
      };
    });
  }

  /** Suspends a tenant: its agents stop being served (the records and configs stay). */
  suspend(tenantId: string, options: WriteOptions): Promise<Tenant> {
    return this.update(tenantId, { status: 'suspended' }, options);
  }

  resume(tenantId: string, options: WriteOptions): Promise<Tenant> {
    return this.update(tenantId, { status: 'active' }, options);
  }

  private db() {
    return registryDatabase(this.context.store.db);
  }
}

/** Every tenant write bumps the change epoch in its transaction: caches of tenants (and keys) read it. */
async function bumpChangeEpoch(db: RegistryDatabase): Promise<void> {
  await sql`update api_key_epoch set epoch = epoch + 1 where id = 1`.execute(db);
}

/** A tenant's row (read for every message: its status and limits), the latest committed, compiled once. */
const selectTenant = compiledLatestRead((db: RegistryDatabase, tenantId: string) =>
  db.selectFrom('tenants').selectAll().where('tenant_id', '=', tenantId),
);

export function toTenant(row: TenantsTable): Tenant {
  return {
    tenantId: row.tenant_id,
    displayName: row.display_name,
    status: row.status as TenantStatus,
    limits: JSON.parse(row.limits) as TenantLimits,
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  };
}

export function tenantNotFound(tenantId: string): StewardError {
  return new StewardError('not-found', `there is no tenant "${tenantId}"`);
}

function tenantChange(
  eventType: 'tenant-created' | 'tenant-changed',
  row: TenantsTable,
  actor: string,
  at: number,
  payload: Record<string, unknown>,
): RegistryChange {
  return { eventType, tenantId: row.tenant_id, agentId: REGISTRY_AGENT_ID, actor, at, payload };
}

function checkLimits(limits: unknown): TenantLimits {
  return validateConfig(tenantLimitsSchema, limits, 'tenant limits');
}

function checkStatus(status: unknown): TenantStatus {
  if (!tenantStatuses.includes(status as TenantStatus)) {
    throw new StewardError(
      'invalid-request',
      `status: expected one of ${tenantStatuses.map((value) => `"${value}"`).join(', ')}, received ${JSON.stringify(status)}`,
      { details: { field: 'status' } },
    );
  }
  return status as TenantStatus;
}

function checkDisplayName(displayName: unknown): string {
  const trimmed = typeof displayName === 'string' ? displayName.trim() : '';
  if (trimmed === '' || trimmed.length > maxDisplayNameLength) {
    throw new StewardError(
      'invalid-request',
      `displayName: expected 1 to ${maxDisplayNameLength} characters, received ${JSON.stringify(displayName)}`,
      { details: { field: 'displayName' } },
    );
  }
  return trimmed;
}

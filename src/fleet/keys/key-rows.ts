/** The key tables as Kysely sees them, and the queries on them; every change bumps the epoch in its transaction. */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { StewardStore } from '../../store/index.js';
import type { Role, TenantScope } from './permissions.js';

export interface ApiKeysTable {
  id: string;
  name: string;
  role: string;
  tenants: string;
  secret_hash: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
  revoked_by: string | null;
}

export interface ApiKeyEpochTable {
  id: number;
  epoch: number;
}

export type KeyTables = {
  api_keys: ApiKeysTable;
  api_key_epoch: ApiKeyEpochTable;
};

/** A key as stored, parsed. */
export interface KeyRow {
  id: string;
  name: string;
  role: Role;
  tenants: TenantScope;
  secretHash: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

export function keyTables(db: StewardStore['db']): Kysely<KeyTables> {
  return db.withTables<KeyTables>() as unknown as Kysely<KeyTables>;
}

export async function insertKey(db: Kysely<KeyTables>, row: KeyRow): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({
      id: row.id,
      name: row.name,
      role: row.role,
      tenants: JSON.stringify(row.tenants),
      secret_hash: row.secretHash,
      created_at: row.createdAt,
      created_by: row.createdBy,
      expires_at: row.expiresAt,
      revoked_at: null,
      revoked_by: null,
    })
    .execute();
  await bumpEpoch(db);
}

export async function deleteKey(db: Kysely<KeyTables>, id: string): Promise<void> {
  await db.deleteFrom('api_keys').where('id', '=', id).execute();
  await bumpEpoch(db);
}

/** Marks the key revoked unless it already is; true when this call revoked it. */
export async function markRevoked(
  db: Kysely<KeyTables>,
  id: string,
  at: number,
  by: string,
): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: at, revoked_by: by })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await bumpEpoch(db);
  return true;
}

export async function findKey(db: Kysely<KeyTables>, id: string): Promise<KeyRow | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && fromRow(row);
}

export async function listKeys(db: Kysely<KeyTables>): Promise<KeyRow[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(fromRow);
}

export async function anyKeyExists(db: Kysely<KeyTables>): Promise<boolean> {
  const row = await db.selectFrom('api_keys').select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** The epoch read: it runs before each cached key check on SQLite. Plain SQL, the same on both engines. */
export const epochSql = 'select epoch from api_key_epoch where id = 1';

/** {@link epochSql} for the driver, compiled once. */
export const epochQuery: CompiledQuery<{ epoch: number }> = CompiledQuery.raw(epochSql);

async function bumpEpoch(db: Kysely<KeyTables>): Promise<void> {
  await db.updateTable('api_key_epoch').set({ epoch: sql`epoch + 1` }).where('id', '=', 1).execute();
}

function fromRow(row: ApiKeysTable): KeyRow {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    tenants: JSON.parse(row.tenants) as TenantScope,
    secretHash: row.secret_hash,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    revokedBy: row.revoked_by,
  };
}

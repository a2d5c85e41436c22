/** The migration tests' shared harness: the store's own migrator, its tables, and the migration before one. */
import { Migrator, sql } from 'kysely';
import { createMigrationProvider } from '../../src/store/index.js';
import type { TestStore } from './engines.js';

type Store = Pick<TestStore['store'], 'db' | 'engine'>;

/** A migrator over the store's migrations and bookkeeping tables, as `openStore` runs them. */
export function migratorOf(store: Store, db: Store['db'] = store.db): Migrator {
  return new Migrator({
    db,
    provider: createMigrationProvider(store.engine),
    migrationTableName: 'steward_migrations',
    migrationLockTableName: 'steward_migrations_lock',
  });
}

export async function tableNames(store: Pick<Store, 'db'>): Promise<string[]> {
  const tables = await store.db.introspection.getTables();
  return tables.map((table) => table.name);
}

/** The name of the migration just before `name` (to migrate down to it). */
export async function migrationBefore(migrator: Migrator, name: string): Promise<string> {
  const names = (await migrator.getMigrations()).map((migration) => migration.name);
  const previous = names.filter((each) => each < name).at(-1);
  if (previous === undefined) throw new Error(`no migration before ${name}`);
  return previous;
}

/** The names of a table's indexes, on either engine. */
export async function indexNamesOf(store: Store, table: string): Promise<string[]> {
  const found =
    store.engine === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`.execute(store.db)
      : await sql<{
          name: string;
        }>`select indexname as name from pg_indexes where tablename = ${table}`.execute(store.db);
  return found.rows.map((row) => row.name);
}

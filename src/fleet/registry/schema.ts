/** The registry tables (migration 0011), as Kysely sees them (`store.db.withTables<RegistryTables>()`). */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

export interface TenantsTable {
  tenant_id: string;
  display_name: string;
  /** active | suspended */
  status: string;
  /** JSON: TenantLimits. */
  limits: string;
  version: number;
  created_at: number;
  updated_at: number;
  created_by: string;
  updated_by: string;
}

export interface AgentsTable {
  tenant_id: string;
  agent_id: string;
  /** JSON: the agent's own config (canonical, without ids, `extends` or live objects). */
  config: string;
  /** The template the config is merged over, when it has one. */
  extends: string | null;
  version: number;
  /** active | disabled */
  status: string;
  created_at: number;
  updated_at: number;
  created_by: string;
  updated_by: string;
}

export interface TemplatesTable {
  template_id: string;
  /** JSON: a partial agent config (canonical). */
  config: string;
  version: number;
  created_at: number;
  updated_at: number;
  created_by: string;
  updated_by: string;
}

// A type alias, not an interface: Kysely's withTables<T>() needs an index-signature-compatible type.
export type RegistryTables = {
  tenants: TenantsTable;
  agents: AgentsTable;
  templates: TemplatesTable;
};

export type RegistryDatabase = Kysely<RegistryTables>;

/** The store's connection (or transaction) seen with the registry tables. */
export function registryDatabase(db: Kysely<Database>): RegistryDatabase {
  return db.withTables<RegistryTables>() as unknown as RegistryDatabase;
}

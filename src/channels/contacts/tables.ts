/** The contact tables (migration 0017), as Kysely sees them. */
import type { Kysely } from 'kysely';
import type { StewardStore } from '../../store/index.js';

export interface ContactsTable {
  tenant_id: string;
  id: string;
  display_name: string | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

export interface ContactIdentitiesTable {
  tenant_id: string;
  kind: string;
  value: string;
  contact_id: string;
  linked_by: string;
  created_at: number;
  created_by: string;
}

export interface ContactLinkCodesTable {
  tenant_id: string;
  id: string;
  contact_id: string;
  target_kind: string;
  target_value: string;
  confirm_kind: string;
  confirm_value: string;
  code_hash: string;
  attempts: number;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
  created_by: string;
}

// A type alias, not an interface: Kysely's withTables<T>() needs an index-signature-compatible type.
export type ContactTables = {
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
  contact_link_codes: ContactLinkCodesTable;
};

export function contactTables(db: StewardStore['db']): Kysely<ContactTables> {
  return db.withTables<ContactTables>() as unknown as Kysely<ContactTables>;
}

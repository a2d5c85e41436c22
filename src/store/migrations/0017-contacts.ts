/**
 * Contacts (issue 14, Channels): a tenant's customer known on several channels. A contact links identities
 * (an email address, an E.164 phone number, a Slack `team_id:user_id`), each unique per tenant and kind, so a
 * linked customer's conversation follows them across channels; one-time codes (stored hashed) let a customer
 * confirm a link themselves. Nothing is shared between tenants: the same address in two tenants is two rows.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('id', 'varchar(64)', (column) => column.notNull())
    .addColumn('display_name', 'varchar(256)')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    /** The actor that created it (an API key, or `customer:<channel>` for a customer's own request). */
    .addColumn('created_by', 'varchar(256)', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_by', 'varchar(256)', (column) => column.notNull())
    .addPrimaryKeyConstraint('contacts_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('contacts_tenant_created')
    .on('contacts')
    .columns(['tenant_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createTable('contact_identities')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    /** `email` | `phone` | `slack`. */
    .addColumn('kind', 'varchar(16)', (column) => column.notNull())
    /** Normalized: a lower-case address, an E.164 number, `team_id:user_id`. */
    .addColumn('value', 'varchar(320)', (column) => column.notNull())
    .addColumn('contact_id', 'varchar(64)', (column) => column.notNull())
    /** `operator` (linked through the API) or `code` (confirmed by the customer with a one-time code). */
    .addColumn('linked_by', 'varchar(16)', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('created_by', 'varchar(256)', (column) => column.notNull())
    .addPrimaryKeyConstraint('contact_identities_pk', ['tenant_id', 'kind', 'value'])
    .execute();
  await db.schema
    .createIndex('contact_identities_contact')
    .on('contact_identities')
    .columns(['tenant_id', 'contact_id'])
    .execute();
  await db.schema
    .createTable('contact_link_codes')
    .addColumn('tenant_id', 'varchar(128)', (column) => column.notNull())
    .addColumn('id', 'varchar(64)', (column) => column.notNull())
    .addColumn('contact_id', 'varchar(64)', (column) => column.notNull())
    /** The identity the code links once confirmed (where the code was sent). */
    .addColumn('target_kind', 'varchar(16)', (column) => column.notNull())
    .addColumn('target_value', 'varchar(320)', (column) => column.notNull())
    /** The identity that must send the code back (the target itself, or the channel the customer asked on). */
    .addColumn('confirm_kind', 'varchar(16)', (column) => column.notNull())
    .addColumn('confirm_value', 'varchar(320)', (column) => column.notNull())
    /** HMAC-SHA256 of the code under a key derived from the store's secret: never the code itself. */
    .addColumn('code_hash', 'varchar(64)', (column) => column.notNull())
    .addColumn('attempts', 'integer', (column) => column.notNull())
    .addColumn('expires_at', 'bigint', (column) => column.notNull())
    /** Set once: when it linked, or when it was spent by too many wrong attempts. */
    .addColumn('consumed_at', 'bigint')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('created_by', 'varchar(256)', (column) => column.notNull())
    .addPrimaryKeyConstraint('contact_link_codes_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema
    .createIndex('contact_link_codes_confirm')
    .on('contact_link_codes')
    .columns(['tenant_id', 'confirm_kind', 'confirm_value'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('contact_link_codes').execute();
  await db.schema.dropTable('contact_identities').execute();
  await db.schema.dropTable('contacts').execute();
}

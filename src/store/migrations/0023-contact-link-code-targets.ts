/**
 * Channels (issue 14): codes a customer asks for are limited per target too, not only per sender, so many
 * senders cannot make an agent send codes to one victim's number or address. One indexed count finds the codes
 * sent to a target of a tenant within one code lifetime.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('contact_link_codes_target')
    .on('contact_link_codes')
    .columns(['tenant_id', 'target_kind', 'target_value', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('contact_link_codes_target').execute();
}

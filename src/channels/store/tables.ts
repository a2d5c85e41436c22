/** The channel tables (migration 0015), as Kysely sees them (`store.db.withTables<ChannelTables>()`). */
import type { Kysely } from 'kysely';
import type { StewardStore } from '../../store/index.js';

export interface ChannelBindingsTable {
  channel: string;
  route_key: string;
  tenant_id: string;
  agent_id: string;
  secret: string | null;
  details: string;
  created_at: number;
  updated_at: number;
}

export interface ChannelInboundTable {
  id: string;
  channel: string;
  provider_id: string;
  tenant_id: string;
  agent_id: string;
  message: string;
  status: string;
  priority: number;
  attempts: number;
  available_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  reply: string | null;
  last_error: string | null;
  received_at: number;
  completed_at: number | null;
  /** Migration 0022: keyed digest of the sender's identity (see urgency-context.ts); null on older rows. */
  sender_digest: string | null;
  /** Migration 0022: keyed digest of the conversation key; null on older rows. */
  conversation_digest: string | null;
}

/** Migration 0021: a message's files, kept with it until it is answered. */
export interface ChannelInboundFilesTable {
  inbound_id: string;
  position: number;
  tenant_id: string;
  agent_id: string;
  path: string;
  size_bytes: number;
  content: string;
  created_at: number;
}

export interface ChannelOutboundTable {
  idempotency_key: string;
  inbound_id: string;
  tenant_id: string;
  channel: string;
  state: string;
  provider_message_id: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface ChannelDropsTable {
  id: string;
  channel: string;
  provider_id: string | null;
  route_key: string | null;
  reason: string;
  received_at: number;
}

// A type alias, not an interface: Kysely's withTables<T>() needs an index-signature-compatible type.
export type ChannelTables = {
  channel_bindings: ChannelBindingsTable;
  channel_inbound: ChannelInboundTable;
  channel_inbound_files: ChannelInboundFilesTable;
  channel_outbound: ChannelOutboundTable;
  channel_drops: ChannelDropsTable;
};

export function channelTables(db: StewardStore['db']): Kysely<ChannelTables> {
  return db.withTables<ChannelTables>() as unknown as Kysely<ChannelTables>;
}

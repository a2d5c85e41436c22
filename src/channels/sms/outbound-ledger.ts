/** One row per outbound text, keyed by the tenant and the caller's idempotency key: claimed before the provider call, settled after it. */
import type { Kysely } from 'kysely';
import type { StewardStore } from '../../store/index.js';

export type OutboundStatus = 'sending' | 'uncertain' | 'failed' | 'sent';

export interface SmsOutboundTable {
  idempotency_key: string;
  tenant_id: string;
  tenant_number: string;
  recipient: string;
  content_hash: string;
  status: string;
  message_sid: string | null;
  created_at: number | string;
  updated_at: number | string;
}

type OutboundTables = { sms_outbound: SmsOutboundTable };

export interface OutboundEntry {
  idempotencyKey: string;
  tenantId: string;
  tenantNumber: string;
  recipient: string;
  contentHash: string;
  status: OutboundStatus;
  messageSid: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewOutboundEntry = Omit<
  OutboundEntry,
  'tenantId' | 'status' | 'messageSid' | 'createdAt' | 'updatedAt'
>;

export class SmsOutboundLedger {
  private readonly db: Kysely<OutboundTables>;

  constructor(
    store: StewardStore,
    private readonly tenantId: string,
    private readonly now: () => number,
  ) {
    this.db = store.db.withTables<OutboundTables>() as unknown as Kysely<OutboundTables>;
  }

  /** Inserts the entry as `sending`; false when the key already has one (then read it with `find`). */
  async claim(entry: NewOutboundEntry): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .insertInto('sms_outbound')
      .values({
        idempotency_key: entry.idempotencyKey,
        tenant_id: this.tenantId,
        tenant_number: entry.tenantNumber,
        recipient: entry.recipient,
        content_hash: entry.contentHash,
        status: 'sending',
        message_sid: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /**
   * Moves the entry from one status to another; false when another attempt moved it first (compare and set,
   * so two instances retrying the same key do not both take it over).
   */
  async transition(
    idempotencyKey: string,
    from: { status: OutboundStatus; updatedAt: number },
    to: OutboundStatus,
    messageSid: string | null = null,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('sms_outbound')
      .set({ status: to, message_sid: messageSid, updated_at: Math.max(this.now(), from.updatedAt + 1) })
      .where('tenant_id', '=', this.tenantId)
      .where('idempotency_key', '=', idempotencyKey)
      .where('status', '=', from.status)
      .where('updated_at', '=', from.updatedAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async find(idempotencyKey: string): Promise<OutboundEntry | undefined> {
    const row = await this.db
      .selectFrom('sms_outbound')
      .selectAll()
      .where('tenant_id', '=', this.tenantId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      idempotencyKey: row.idempotency_key,
      tenantId: row.tenant_id,
      tenantNumber: row.tenant_number,
      recipient: row.recipient,
      contentHash: row.content_hash,
      status: row.status as OutboundStatus,
      messageSid: row.message_sid,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
  }
}

/** Durable SMS opt-outs per tenant number and sender: STOP (and its synonyms) writes one, START removes it, the send path reads it. */
import type { Kysely } from 'kysely';
import type { StewardStore } from '../../store/index.js';

export interface SmsOptOutsTable {
  tenant_id: string;
  tenant_number: string;
  sender: string;
  keyword: string;
  opted_out_at: number | string;
}

type OptOutTables = { sms_opt_outs: SmsOptOutsTable };

/** One sender's link to one of a tenant's numbers. */
export interface SmsParty {
  tenantId: string;
  /** The tenant's number (E.164). */
  tenantNumber: string;
  /** The customer's number (E.164). */
  sender: string;
}

export interface SmsOptOut extends SmsParty {
  keyword: string;
  optedOutAt: number;
}

/**
 * Opt-outs in the store (migration 0016); every instance sees the same ones.
 *
 * @example
 * const optOuts = new SmsOptOutRepository(store, () => Date.now());
 * await optOuts.optOut({ tenantId: 'acme', tenantNumber: '+15550001111', sender: '+15557654321' }, 'STOP');
 * await optOuts.isOptedOut({ tenantId: 'acme', tenantNumber: '+15550001111', sender: '+15557654321' }); // true
 */
export class SmsOptOutRepository {
  private readonly db: Kysely<OptOutTables>;

  constructor(
    store: StewardStore,
    private readonly now: () => number = Date.now,
  ) {
    this.db = store.db.withTables<OptOutTables>() as unknown as Kysely<OptOutTables>;
  }

  /** Records the opt-out; a second STOP keeps the first one's time. */
  async optOut(party: SmsParty, keyword: string): Promise<void> {
    await this.db
      .insertInto('sms_opt_outs')
      .values({
        tenant_id: party.tenantId,
        tenant_number: party.tenantNumber,
        sender: party.sender,
        keyword: keyword.slice(0, 32),
        opted_out_at: this.now(),
      })
      .onConflict((conflict) => conflict.columns(['tenant_id', 'tenant_number', 'sender']).doNothing())
      .execute();
  }

  /** Removes the opt-out (START, YES, UNSTOP); true when there was one. */
  async optIn(party: SmsParty): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sms_opt_outs')
      .where('tenant_id', '=', party.tenantId)
      .where('tenant_number', '=', party.tenantNumber)
      .where('sender', '=', party.sender)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async find(party: SmsParty): Promise<SmsOptOut | undefined> {
    const row = await this.db
      .selectFrom('sms_opt_outs')
      .selectAll()
      .where('tenant_id', '=', party.tenantId)
      .where('tenant_number', '=', party.tenantNumber)
      .where('sender', '=', party.sender)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      tenantId: row.tenant_id,
      tenantNumber: row.tenant_number,
      sender: row.sender,
      keyword: row.keyword,
      optedOutAt: Number(row.opted_out_at),
    };
  }

  async isOptedOut(party: SmsParty): Promise<boolean> {
    return (await this.find(party)) !== undefined;
  }

  /** Opt-outs per tenant number, for the channel analytics (`GET /api/tenants/:tenantId/channels`). */
  async countByNumber(tenantId: string): Promise<Array<{ tenantNumber: string; optOuts: number }>> {
    const rows = await this.db
      .selectFrom('sms_opt_outs')
      .select(['tenant_number', (builder) => builder.fn.countAll<number | string>().as('count')])
      .where('tenant_id', '=', tenantId)
      .groupBy('tenant_number')
      .orderBy('tenant_number')
      .execute();
    return rows.map((row) => ({ tenantNumber: row.tenant_number, optOuts: Number(row.count) }));
  }
}

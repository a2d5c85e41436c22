/**
 * One-time codes that let a customer confirm a link themselves: six digits, stored only as an HMAC under a key
 * derived from the store's secret, valid for minutes, a few attempts, used once, per tenant and agent (a code is
 * looked up by the tenant and the identity that must send it back, never by its value).
 */
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Contacts } from './contacts.js';
import { type Identity, type IdentityKind, maskedIdentity } from './identity.js';
import { type ContactTables, contactTables } from './tables.js';

export const linkCodeKeyPurpose = 'contact-link-code';

/** A message that is a code and nothing else (spaces allowed around it): six digits. */
const codeMessage = /^\s*(\d{3})[ -]?(\d{3})\s*$/;

export interface LinkCodesOptions {
  now?: () => number;
  createId?: () => string;
  /** Six digits; injectable for tests. Default `crypto.randomInt`. */
  createCode?: () => string;
  /** How long a code is valid (ms); default 10 minutes. */
  ttlMs?: number;
  /** Wrong attempts before a code is spent; default 5. */
  maxAttempts?: number;
}

/** A code to issue: for linking `target` to the contact, confirmed by a reply from `confirm`. */
export interface LinkCodeRequest {
  tenantId: string;
  agentId: string;
  contactId: string;
  target: Identity;
  confirm: Identity;
  actor: string;
}

export interface IssuedCode {
  id: string;
  code: string;
  expiresAt: number;
}

/** What sending a code back did. `none`: the sender has no pending code (the message is not an attempt). */
export type CodeOutcome =
  | { status: 'linked'; contactId: string; target: Identity }
  | { status: 'wrong'; attemptsLeft: number }
  | { status: 'spent'; reason: 'expired' | 'attempts' | 'used' | 'refused' }
  | { status: 'none' };

/** The six digits of a message that is only a code, or undefined. */
export function codeOfMessage(text: string): string | undefined {
  const match = codeMessage.exec(text);
  return match ? `${match[1]}${match[2]}` : undefined;
}

/**
 * @example
 * const codes = new LinkCodes(contacts);
 * const issued = await codes.issue({ tenantId: 'acme', agentId: 'front-desk', contactId, target: phone, confirm: phone, actor: 'key:k1' });
 * // send issued.code to the phone; when the phone answers with it:
 * await codes.confirm({ tenantId: 'acme', agentId: 'front-desk', confirm: phone, code: '123456' }); // { status: 'linked', … }
 */
export class LinkCodes {
  private readonly db: Kysely<ContactTables>;
  private readonly now: () => number;
  private readonly createId: () => string;
  private readonly createCode: () => string;
  private readonly ttlMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly contacts: Contacts,
    options: LinkCodesOptions = {},
  ) {
    this.db = contactTables(contacts.store.db);
    this.now = options.now ?? Date.now;
    this.createId = options.createId ?? randomUUID;
    this.createCode = options.createCode ?? (() => String(randomInt(0, 1_000_000)).padStart(6, '0'));
    this.ttlMs = options.ttlMs ?? 600_000;
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /**
   * Issues a code that links `target` to the contact once `confirm` sends it back to the same agent; earlier
   * pending codes for `confirm` are spent. The contact must exist in the tenant (404 otherwise).
   */
  async issue(input: LinkCodeRequest): Promise<IssuedCode> {
    await this.contacts.require(input.tenantId, input.contactId);
    const id = this.createId();
    const code = this.createCode();
    const at = this.now();
    const expiresAt = at + this.ttlMs;
    await this.spendPending(input.tenantId, input.confirm, at);
    await this.db
      .insertInto('contact_link_codes')
      .values({
        tenant_id: input.tenantId,
        id,
        contact_id: input.contactId,
        target_kind: input.target.kind,
        target_value: input.target.value,
        confirm_kind: input.confirm.kind,
        confirm_value: input.confirm.value,
        code_hash: await this.hash(input.tenantId, input.agentId, id, code),
        attempts: 0,
        expires_at: expiresAt,
        consumed_at: null,
        created_at: at,
        created_by: input.actor.slice(0, 256),
      })
      .execute();
    await this.contacts.record(input.tenantId, 'contact.link-code.issued', input.actor, input.agentId, {
      contactId: input.contactId,
      codeId: id,
      target: maskedIdentity(input.target),
      confirm: maskedIdentity(input.confirm),
      expiresAt,
    });
    return { id, code, expiresAt };
  }

  /** Spends a code (its send failed, or the contact went). */
  async spend(tenantId: string, id: string): Promise<void> {
    await this.db
      .updateTable('contact_link_codes')
      .set({ consumed_at: this.now() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .execute();
  }

  /** True when `confirm` has a code pending in the tenant (so six digits from it are an attempt, not a message). */
  async pending(tenantId: string, confirm: Identity): Promise<boolean> {
    return (await this.latestPending(tenantId, confirm)) !== undefined;
  }

  /** How many codes were issued for `confirm` in the tenant within one code lifetime (a sender's request limit). */
  issuedTo(tenantId: string, confirm: Identity): Promise<number> {
    return this.issuedWithin(tenantId, 'confirm', confirm);
  }

  /**
   * How many codes were sent to `target` in the tenant within one code lifetime, whoever asked (a target's limit:
   * many senders must not make an agent message one number or address over and over).
   */
  issuedFor(tenantId: string, target: Identity): Promise<number> {
    return this.issuedWithin(tenantId, 'target', target);
  }

  private async issuedWithin(
    tenantId: string,
    side: 'confirm' | 'target',
    identity: Identity,
  ): Promise<number> {
    const row = await this.db
      .selectFrom('contact_link_codes')
      .select((builder) => builder.fn.countAll().as('count'))
      .where('tenant_id', '=', tenantId)
      .where(`${side}_kind`, '=', identity.kind)
      .where(`${side}_value`, '=', identity.value)
      .where('created_at', '>', this.now() - this.ttlMs)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /**
   * Checks a code sent back by `confirm` to `agentId`: the right one within its time is used up and links its
   * target to the contact; a wrong one counts an attempt (the last spends the code); an expired one is spent.
   * Every attempt is recorded (masked identities, never the code).
   */
  async confirm(input: {
    tenantId: string;
    agentId: string;
    confirm: Identity;
    code: string;
  }): Promise<CodeOutcome> {
    const outcome = await this.check(input);
    if (outcome.status !== 'none') {
      const actor = `customer:${maskedIdentity(input.confirm)}`;
      await this.contacts.record(
        input.tenantId,
        `contact.link-code.${outcome.status}`,
        actor,
        input.agentId,
        {
          confirm: maskedIdentity(input.confirm),
          ...(outcome.status === 'linked'
            ? { contactId: outcome.contactId, target: maskedIdentity(outcome.target) }
            : outcome.status === 'wrong'
              ? { attemptsLeft: outcome.attemptsLeft }
              : { reason: outcome.reason }),
        },
      );
    }
    return outcome;
  }

  private async check(input: {
    tenantId: string;
    agentId: string;
    confirm: Identity;
    code: string;
  }): Promise<CodeOutcome> {
    const { tenantId, agentId } = input;
    const row = await this.latestPending(tenantId, input.confirm);
    if (!row) return { status: 'none' };
    const at = this.now();
    if (Number(row.expires_at) <= at) {
      await this.spend(tenantId, row.id);
      return { status: 'spent', reason: 'expired' };
    }
    const expected = Buffer.from(row.code_hash, 'hex');
    const given = Buffer.from(await this.hash(tenantId, agentId, row.id, input.code), 'hex');
    if (expected.length === given.length && timingSafeEqual(expected, given)) {
      // Single use even when two instances take the same code at once: only one update wins.
      const used = await this.db
        .updateTable('contact_link_codes')
        .set({ consumed_at: at })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', row.id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) === 0) return { status: 'spent', reason: 'used' };
      const target = { kind: row.target_kind as IdentityKind, value: row.target_value };
      try {
        await this.contacts.link(tenantId, row.contact_id, target, `code:${row.id}`, {
          agentId,
          linkedBy: 'code',
        });
      } catch {
        // The contact went, or another contact took the identity meanwhile: the code is used, nothing linked.
        return { status: 'spent', reason: 'refused' };
      }
      return { status: 'linked', contactId: row.contact_id, target };
    }
    const attempts = Number(row.attempts) + 1;
    const spent = attempts >= this.maxAttempts;
    await this.db
      .updateTable('contact_link_codes')
      .set(spent ? { attempts, consumed_at: at } : { attempts })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', row.id)
      .where('consumed_at', 'is', null)
      .execute();
    return spent
      ? { status: 'spent', reason: 'attempts' }
      : { status: 'wrong', attemptsLeft: this.maxAttempts - attempts };
  }

  private async latestPending(tenantId: string, confirm: Identity) {
    return this.db
      .selectFrom('contact_link_codes')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('confirm_kind', '=', confirm.kind)
      .where('confirm_value', '=', confirm.value)
      .where('consumed_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  private async spendPending(tenantId: string, confirm: Identity, at: number): Promise<void> {
    await this.db
      .updateTable('contact_link_codes')
      .set({ consumed_at: at })
      .where('tenant_id', '=', tenantId)
      .where('confirm_kind', '=', confirm.kind)
      .where('confirm_value', '=', confirm.value)
      .where('consumed_at', 'is', null)
      .execute();
  }

  /** The tenant and agent are in the HMAC: a code issued for one never matches under another. */
  private async hash(tenantId: string, agentId: string, id: string, code: string): Promise<string> {
    const key = await this.contacts.store.deriveKey(linkCodeKeyPurpose);
    return createHmac('sha256', key)
      .update(`${tenantId}\u0000${agentId}\u0000${id}\u0000${code}`)
      .digest('hex');
  }
}

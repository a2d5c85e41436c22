/**
 * A tenant's contacts: one customer known by several identities (an email address, a phone number, a Slack
 * user). An identity belongs to at most one contact of a tenant (409 `conflict` otherwise) and never to
 * another tenant's: every read and write names the tenant. Every change is an audit record naming its actor,
 * with identities masked (they are personal data).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { StewardError } from '../../errors/index.js';
import { decodeTimeCursor, encodeTimeCursor, type StewardStore } from '../../store/index.js';
import { type Identity, type IdentityKind, maskedIdentity } from './identity.js';
import { type ContactTables, contactTables } from './tables.js';

/** The agent id of contact records made through the API (they concern the tenant, not one agent). */
export const CONTACTS_AGENT_ID = 'steward-contacts';

export interface Contact {
  id: string;
  tenantId: string;
  displayName: string | null;
  identities: Array<Identity & { linkedBy: LinkedBy; createdAt: number; createdBy: string }>;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
}

/** `operator`: linked through the API; `code`: confirmed by the customer with a one-time code. */
export type LinkedBy = 'operator' | 'code';

/** Where contact changes are recorded: the audit log (`Audit` fits), injected. */
export interface ContactAuditSink {
  append(input: {
    tenantId: string;
    agentId: string;
    eventType: string;
    at: number;
    actor: string;
    level: string;
    channel?: string | null;
    payload: Record<string, unknown>;
  }): Promise<unknown>;
}

export interface ContactsOptions {
  now?: () => number;
  createId?: () => string;
  /** Where changes are recorded; without it nothing is (a library user's choice). */
  audit?: ContactAuditSink;
}

export interface ContactPage {
  items: Contact[];
  nextCursor: string | null;
}

/**
 * @example
 * const contacts = new Contacts(store, { audit });
 * const ada = await contacts.create('acme', { displayName: 'Ada', identities: [{ kind: 'email', value: 'ada@example.com' }] }, 'key:k1');
 * await contacts.contactOf('acme', { kind: 'email', value: 'ada@example.com' }); // ada.id
 */
export class Contacts {
  private readonly db: Kysely<ContactTables>;
  private readonly now: () => number;
  private readonly createId: () => string;

  constructor(
    readonly store: StewardStore,
    private readonly options: ContactsOptions = {},
  ) {
    this.db = contactTables(store.db);
    this.now = options.now ?? Date.now;
    this.createId = options.createId ?? randomUUID;
  }

  /** Creates a contact with its identities (normalized by the caller); 409 when one is another contact's. */
  async create(
    tenantId: string,
    input: { displayName?: string | null; identities?: readonly Identity[] },
    actor: string,
    scope: { agentId?: string; linkedBy?: LinkedBy } = {},
  ): Promise<Contact> {
    const id = this.createId();
    const at = this.now();
    await this.store.db.transaction().execute(async (transaction) => {
      const db = contactTables(transaction);
      await db
        .insertInto('contacts')
        .values({
          tenant_id: tenantId,
          id,
          display_name: input.displayName ?? null,
          created_at: at,
          created_by: actor,
          updated_at: at,
          updated_by: actor,
        })
        .execute();
      for (const identity of input.identities ?? []) {
        await insertIdentity(db, tenantId, id, identity, scope.linkedBy ?? 'operator', actor, at);
      }
    });
    const contact = (await this.get(tenantId, id))!;
    await this.record(tenantId, 'contact-created', actor, scope.agentId, {
      contactId: id,
      identities: contact.identities.map(maskedIdentity),
    });
    return contact;
  }

  async get(tenantId: string, contactId: string): Promise<Contact | undefined> {
    const row = await this.db
      .selectFrom('contacts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (!row) return undefined;
    const identities = await this.db
      .selectFrom('contact_identities')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('contact_id', '=', contactId)
      .orderBy('kind')
      .orderBy('value')
      .execute();
    return {
      id: row.id,
      tenantId: row.tenant_id,
      displayName: row.display_name,
      identities: identities.map((identity) => ({
        kind: identity.kind as IdentityKind,
        value: identity.value,
        linkedBy: identity.linked_by as LinkedBy,
        createdAt: Number(identity.created_at),
        createdBy: identity.created_by,
      })),
      createdAt: Number(row.created_at),
      createdBy: row.created_by,
      updatedAt: Number(row.updated_at),
      updatedBy: row.updated_by,
    };
  }

  /** The contact or the 404 of one that does not exist (in this tenant). */
  async require(tenantId: string, contactId: string): Promise<Contact> {
    const contact = await this.get(tenantId, contactId);
    if (!contact) throw contactNotFound(contactId);
    return contact;
  }

  /** A tenant's contacts, oldest first, `limit` a page; pass `nextCursor` back for the next. */
  async list(tenantId: string, page: { limit?: number; cursor?: string } = {}): Promise<ContactPage> {
    const limit = page.limit ?? 50;
    let query = this.db
      .selectFrom('contacts')
      .select(['id', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit + 1);
    if (page.cursor !== undefined) {
      const { createdAt, id } = decodeTimeCursor(page.cursor);
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '>', createdAt),
          eb.and([eb('created_at', '=', createdAt), eb('id', '>', id)]),
        ]),
      );
    }
    const rows = await query.execute();
    const shown = rows.slice(0, limit);
    const items: Contact[] = [];
    for (const row of shown) {
      const contact = await this.get(tenantId, row.id);
      if (contact) items.push(contact);
    }
    const last = shown.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeTimeCursor(Number(last.created_at), last.id) : null,
    };
  }

  async rename(
    tenantId: string,
    contactId: string,
    displayName: string | null,
    actor: string,
  ): Promise<Contact> {
    const result = await this.db
      .updateTable('contacts')
      .set({ display_name: displayName, updated_at: this.now(), updated_by: actor })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw contactNotFound(contactId);
    await this.record(tenantId, 'contact-updated', actor, undefined, {
      contactId,
      fields: ['displayName'],
    });
    return this.require(tenantId, contactId);
  }

  /** Deletes a contact, its identities and its pending codes; its conversations are kept (they expire). */
  async delete(tenantId: string, contactId: string, actor: string): Promise<void> {
    const deleted = await this.store.db.transaction().execute(async (transaction) => {
      const db = contactTables(transaction);
      await db
        .deleteFrom('contact_identities')
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '=', contactId)
        .execute();
      await db
        .deleteFrom('contact_link_codes')
        .where('tenant_id', '=', tenantId)
        .where('contact_id', '=', contactId)
        .execute();
      const result = await db
        .deleteFrom('contacts')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', contactId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
    if (!deleted) throw contactNotFound(contactId);
    await this.record(tenantId, 'contact-deleted', actor, undefined, { contactId });
  }

  /**
   * Links an identity to a contact. Linking one the contact already has changes nothing; one another
   * contact of the tenant has is 409 `conflict` (unlink it there first).
   */
  async link(
    tenantId: string,
    contactId: string,
    identity: Identity,
    actor: string,
    scope: { agentId?: string; linkedBy?: LinkedBy; channel?: string } = {},
  ): Promise<Contact> {
    const linkedBy = scope.linkedBy ?? 'operator';
    const at = this.now();
    const added = await this.store.db.transaction().execute(async (transaction) => {
      const db = contactTables(transaction);
      const contact = await db
        .selectFrom('contacts')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', contactId)
        .executeTakeFirst();
      if (!contact) throw contactNotFound(contactId);
      const holder = await this.contactOf(tenantId, identity, db);
      if (holder === contactId) return false;
      await insertIdentity(db, tenantId, contactId, identity, linkedBy, actor, at);
      await db
        .updateTable('contacts')
        .set({ updated_at: at, updated_by: actor })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', contactId)
        .execute();
      return true;
    });
    if (added) {
      await this.record(
        tenantId,
        'contact-identity-linked',
        actor,
        scope.agentId,
        {
          contactId,
          identity: maskedIdentity(identity),
          linkedBy,
        },
        scope.channel,
      );
    }
    return this.require(tenantId, contactId);
  }

  /** Unlinks an identity from a contact; 404 when the contact does not have it. */
  async unlink(tenantId: string, contactId: string, identity: Identity, actor: string): Promise<Contact> {
    const result = await this.db
      .deleteFrom('contact_identities')
      .where('tenant_id', '=', tenantId)
      .where('contact_id', '=', contactId)
      .where('kind', '=', identity.kind)
      .where('value', '=', identity.value)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) {
      throw new StewardError('not-found', `contact "${contactId}" has no such ${identity.kind} identity`, {
        details: { contactId, kind: identity.kind },
      });
    }
    await this.record(tenantId, 'contact-identity-unlinked', actor, undefined, {
      contactId,
      identity: maskedIdentity(identity),
    });
    return this.require(tenantId, contactId);
  }

  /** The id of the tenant's contact that has this identity, if any. */
  async contactOf(
    tenantId: string,
    identity: Identity,
    db: Kysely<ContactTables> = this.db,
  ): Promise<string | undefined> {
    const row = await db
      .selectFrom('contact_identities')
      .select('contact_id')
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', identity.kind)
      .where('value', '=', identity.value)
      .executeTakeFirst();
    return row?.contact_id;
  }

  /**
   * Every identity of the tenant's contact that has this one (itself included), in one query; empty when the
   * identity belongs to no contact. The urgency context counts what a linked customer wrote on any channel.
   */
  async linkedIdentitiesOf(tenantId: string, identity: Identity): Promise<Identity[]> {
    const rows = await this.db
      .selectFrom('contact_identities as linked')
      .innerJoin('contact_identities as own', (join) =>
        join
          .onRef('own.tenant_id', '=', 'linked.tenant_id')
          .onRef('own.contact_id', '=', 'linked.contact_id'),
      )
      .select(['linked.kind', 'linked.value'])
      .where('own.tenant_id', '=', tenantId)
      .where('own.kind', '=', identity.kind)
      .where('own.value', '=', identity.value)
      .execute();
    return rows.map((row) => ({ kind: row.kind as IdentityKind, value: row.value }));
  }

  /** Appends an audit record of a change (identities masked before they get here). */
  async record(
    tenantId: string,
    eventType: string,
    actor: string,
    agentId: string | undefined,
    payload: Record<string, unknown>,
    channel?: string,
  ): Promise<void> {
    await this.options.audit?.append({
      tenantId,
      agentId: agentId ?? CONTACTS_AGENT_ID,
      eventType,
      at: this.now(),
      actor: actor.slice(0, 256),
      level: 'standard',
      ...(channel === undefined ? {} : { channel }),
      payload,
    });
  }
}

/** The 404 of a contact that does not exist, or not in this tenant (the same answer). */
export function contactNotFound(contactId: string): StewardError {
  return new StewardError('not-found', `there is no contact "${contactId.slice(0, 64)}"`, {
    details: { contactId: contactId.slice(0, 64) },
  });
}

async function insertIdentity(
  db: Kysely<ContactTables>,
  tenantId: string,
  contactId: string,
  identity: Identity,
  linkedBy: LinkedBy,
  actor: string,
  at: number,
): Promise<void> {
  const result = await db
    .insertInto('contact_identities')
    .values({
      tenant_id: tenantId,
      kind: identity.kind,
      value: identity.value,
      contact_id: contactId,
      linked_by: linkedBy,
      created_at: at,
      created_by: actor,
    })
    .onConflict((conflict) => conflict.columns(['tenant_id', 'kind', 'value']).doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) {
    throw new StewardError(
      'conflict',
      `this ${identity.kind} identity is linked to another contact of the tenant: unlink it there first`,
      { details: { kind: identity.kind } },
    );
  }
}

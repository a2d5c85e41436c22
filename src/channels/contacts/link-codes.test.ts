import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { type ContactAuditSink, Contacts } from './contacts.js';
import { codeOfMessage, LinkCodes } from './link-codes.js';
import { contactTables } from './tables.js';

describe('codeOfMessage', () => {
  it('takes six digits alone in a message, and nothing else', () => {
    expect(codeOfMessage(' 123456 ')).toBe('123456');
    expect(codeOfMessage('123 456')).toBe('123456');
    expect(codeOfMessage('123-456')).toBe('123456');
    expect(codeOfMessage('my code is 123456')).toBeUndefined();
    expect(codeOfMessage('1234567')).toBeUndefined();
    expect(codeOfMessage('12345')).toBeUndefined();
  });
});

describe.each(storeEngines)('link codes on $name', (engine) => {
  let opened: TestStore;
  let records: Array<Parameters<ContactAuditSink['append']>[0]>;
  let contacts: Contacts;
  let codes: LinkCodes;
  let clock: number;
  let nextCode: string;

  const email = { kind: 'email', value: 'ada@example.com' } as const;
  const phone = { kind: 'phone', value: '+14155550123' } as const;
  const scope = { tenantId: 'acme', agentId: 'front-desk' };

  beforeEach(async () => {
    opened = await engine.open();
    records = [];
    clock = 1_780_000_000_000;
    nextCode = '111111';
    contacts = new Contacts(opened.store, {
      now: () => clock,
      audit: { append: async (input) => records.push(input) },
    });
    codes = new LinkCodes(contacts, {
      now: () => clock,
      createCode: () => nextCode,
      ttlMs: 60_000,
      maxAttempts: 3,
    });
  });
  afterEach(async () => opened.cleanup());

  async function issueForPhone(contactId: string) {
    return codes.issue({ ...scope, contactId, target: phone, confirm: phone, actor: 'key:k1' });
  }

  it('links the identity once the right code comes back from it, stores only an HMAC, and is single use', async () => {
    const ada = await contacts.create('acme', { identities: [email] }, 'key:k1');
    const issued = await issueForPhone(ada.id);
    expect(issued.code).toBe('111111');
    const row = await contactTables(opened.store.db)
      .selectFrom('contact_link_codes')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('111111');
    expect(await codes.pending('acme', phone)).toBe(true);

    expect(await codes.confirm({ ...scope, confirm: phone, code: '111111' })).toEqual({
      status: 'linked',
      contactId: ada.id,
      target: phone,
    });
    expect(await contacts.contactOf('acme', phone)).toBe(ada.id);
    const linked = (await contacts.require('acme', ada.id)).identities.find(
      (identity) => identity.kind === 'phone',
    );
    expect(linked?.linkedBy).toBe('code');
    // Used: the same code again is no attempt at all (nothing pending).
    expect(await codes.confirm({ ...scope, confirm: phone, code: '111111' })).toEqual({ status: 'none' });
    expect(records.map((record) => record.eventType)).toContain('contact.link-code.linked');
    expect(JSON.stringify(records)).not.toContain('111111');
  });

  it('counts wrong codes, spends the code at the limit, and links nothing', async () => {
    const ada = await contacts.create('acme', {}, 'key:k1');
    await issueForPhone(ada.id);
    expect(await codes.confirm({ ...scope, confirm: phone, code: '000000' })).toEqual({
      status: 'wrong',
      attemptsLeft: 2,
    });
    expect(await codes.confirm({ ...scope, confirm: phone, code: '000001' })).toEqual({
      status: 'wrong',
      attemptsLeft: 1,
    });
    expect(await codes.confirm({ ...scope, confirm: phone, code: '000002' })).toEqual({
      status: 'spent',
      reason: 'attempts',
    });
    // The right code after the limit: nothing pending any more.
    expect(await codes.confirm({ ...scope, confirm: phone, code: '111111' })).toEqual({ status: 'none' });
    expect(await contacts.contactOf('acme', phone)).toBeUndefined();
    expect(records.filter((record) => record.eventType === 'contact.link-code.wrong')).toHaveLength(2);
    expect(records.filter((record) => record.eventType === 'contact.link-code.spent')).toHaveLength(1);
  });

  it('spends an expired code, and a new code spends the one before it', async () => {
    const ada = await contacts.create('acme', {}, 'key:k1');
    await issueForPhone(ada.id);
    clock += 60_000;
    expect(await codes.confirm({ ...scope, confirm: phone, code: '111111' })).toEqual({
      status: 'spent',
      reason: 'expired',
    });
    expect(await contacts.contactOf('acme', phone)).toBeUndefined();

    await issueForPhone(ada.id);
    nextCode = '222222';
    await issueForPhone(ada.id);
    expect(await codes.confirm({ ...scope, confirm: phone, code: '111111' })).toMatchObject({
      status: 'wrong',
    });
    expect(await codes.confirm({ ...scope, confirm: phone, code: '222222' })).toMatchObject({
      status: 'linked',
    });
  });

  it('a code issued in one tenant links nothing in another, nor through another agent', async () => {
    const ada = await contacts.create('acme', {}, 'key:k1');
    await contacts.create('globex', {}, 'key:k2');
    await issueForPhone(ada.id);
    // Typed to globex's number: globex has no pending code for this phone.
    expect(
      await codes.confirm({ tenantId: 'globex', agentId: 'front-desk', confirm: phone, code: '111111' }),
    ).toEqual({
      status: 'none',
    });
    expect(await contacts.contactOf('globex', phone)).toBeUndefined();
    // Typed to another agent of the same tenant: the agent is in the HMAC, so it is a wrong code.
    expect(
      await codes.confirm({ tenantId: 'acme', agentId: 'billing', confirm: phone, code: '111111' }),
    ).toMatchObject({
      status: 'wrong',
    });
    expect(await contacts.contactOf('acme', phone)).toBeUndefined();
    // Sent from another identity: not its code.
    expect(await codes.confirm({ ...scope, confirm: email, code: '111111' })).toEqual({ status: 'none' });
    expect(await codes.confirm({ ...scope, confirm: phone, code: '111111' })).toMatchObject({
      status: 'linked',
    });
  });

  it('refuses to issue a code for a contact of another tenant, and a refused link uses the code', async () => {
    const ada = await contacts.create('acme', {}, 'key:k1');
    await expect(
      codes.issue({
        tenantId: 'globex',
        agentId: 'front-desk',
        contactId: ada.id,
        target: phone,
        confirm: phone,
        actor: 'key:k2',
      }),
    ).rejects.toMatchObject({ code: 'not-found' });
    await issueForPhone(ada.id);
    // Meanwhile an operator linked the phone to another contact: the code links nothing.
    const other = await contacts.create('acme', { identities: [phone] }, 'key:k1');
    expect(await codes.confirm({ ...scope, confirm: phone, code: '111111' })).toEqual({
      status: 'spent',
      reason: 'refused',
    });
    expect(await contacts.contactOf('acme', phone)).toBe(other.id);
  });
});

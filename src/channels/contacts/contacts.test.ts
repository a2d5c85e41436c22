import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { type ContactAuditSink, Contacts } from './contacts.js';
import { maskedIdentity, normalizeIdentity } from './identity.js';

describe('identities', () => {
  it('normalizes an address, a number and a Slack user, and refuses what is not one', () => {
    expect(normalizeIdentity('email', ' Ada@Example.COM ')).toEqual({
      kind: 'email',
      value: 'ada@example.com',
    });
    expect(normalizeIdentity('phone', '+1 (415) 555-0123')).toEqual({ kind: 'phone', value: '+14155550123' });
    expect(normalizeIdentity('slack', 't0abc:u0xyz')).toEqual({ kind: 'slack', value: 'T0ABC:U0XYZ' });
    expect(() => normalizeIdentity('phone', '4155550123')).toThrow(/country code/);
    expect(() => normalizeIdentity('email', 'not an address')).toThrow(/email address/);
    expect(() => normalizeIdentity('slack', 'U0XYZ')).toThrow(/team id/);
    expect(maskedIdentity({ kind: 'phone', value: '+14155550123' })).toBe('phone:+***0123');
  });
});

describe.each(storeEngines)('contacts on $name', (engine) => {
  let opened: TestStore;
  let records: Array<Parameters<ContactAuditSink['append']>[0]>;
  let contacts: Contacts;
  let clock = 1_780_000_000_000;

  beforeEach(async () => {
    opened = await engine.open();
    records = [];
    contacts = new Contacts(opened.store, {
      now: () => clock++,
      audit: { append: async (input) => records.push(input) },
    });
  });
  afterEach(async () => opened.cleanup());

  const ada = { kind: 'email', value: 'ada@example.com' } as const;
  const phone = { kind: 'phone', value: '+14155550123' } as const;

  it('links identities, refuses one another contact holds (409), and keeps tenants apart', async () => {
    const first = await contacts.create('acme', { displayName: 'Ada', identities: [ada] }, 'key:k1');
    const second = await contacts.create('acme', {}, 'key:k1');
    await expect(contacts.link('acme', second.id, ada, 'key:k1')).rejects.toMatchObject({
      code: 'conflict',
      status: 409,
    });
    await expect(contacts.create('acme', { identities: [ada] }, 'key:k1')).rejects.toMatchObject({
      code: 'conflict',
    });
    // The failed create left no contact behind.
    expect((await contacts.list('acme')).items.map((contact) => contact.id)).toEqual([first.id, second.id]);
    // The same address in another tenant is another tenant's contact.
    const other = await contacts.create('globex', { identities: [ada] }, 'key:k2');
    expect(await contacts.contactOf('acme', ada)).toBe(first.id);
    expect(await contacts.contactOf('globex', ada)).toBe(other.id);
    expect(await contacts.get('globex', first.id)).toBeUndefined();
    await expect(contacts.link('globex', first.id, phone, 'key:k2')).rejects.toMatchObject({
      code: 'not-found',
    });

    await contacts.link('acme', first.id, phone, 'key:k1');
    expect((await contacts.require('acme', first.id)).identities.map((identity) => identity.value)).toEqual([
      'ada@example.com',
      '+14155550123',
    ]);
    await contacts.unlink('acme', first.id, ada, 'key:k1');
    await contacts.link('acme', second.id, ada, 'key:k1');
    await contacts.delete('acme', second.id, 'key:k1');
    expect(await contacts.contactOf('acme', ada)).toBeUndefined();

    expect(records.map((record) => record.eventType)).toEqual([
      'contact-created',
      'contact-created',
      'contact-created',
      'contact-identity-linked',
      'contact-identity-unlinked',
      'contact-identity-linked',
      'contact-deleted',
    ]);
    expect(records.every((record) => record.actor.startsWith('key:'))).toBe(true);
    // Identities are personal data: never in a record as written.
    expect(JSON.stringify(records)).not.toContain('ada@example.com');
    expect(JSON.stringify(records)).not.toContain('5550123');
  });

  it('pages through a tenant’s contacts with a cursor', async () => {
    const created = [];
    for (let index = 0; index < 5; index++) created.push((await contacts.create('acme', {}, 'key:k1')).id);
    await contacts.create('globex', {}, 'key:k2');
    const first = await contacts.list('acme', { limit: 2 });
    const second = await contacts.list('acme', { limit: 2, cursor: first.nextCursor! });
    const third = await contacts.list('acme', { limit: 2, cursor: second.nextCursor! });
    expect([...first.items, ...second.items, ...third.items].map((contact) => contact.id)).toEqual(created);
    expect(third.nextCursor).toBeNull();
    await expect(contacts.list('acme', { cursor: 'nonsense' })).rejects.toMatchObject({
      code: 'invalid-request',
    });
  });
});

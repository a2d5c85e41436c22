import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { recordingAgents } from '../../test/support/recording-agents.js';
import { signedSms } from '../../test/support/signed-sms.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../test/support/twilio-api-server.js';
import type { ChannelRequest } from './adapter.js';
import type { ContactAuditSink } from './contacts/index.js';
import { ChannelCore } from './core.js';
import { createSmsChannel } from './sms/index.js';

const accountSid = `AC${'c'.repeat(32)}`;
const authToken = 'contact-link-auth-token';
const publicUrl = 'https://steward.example/channels/twilio/sms';
const acmeNumber = '+14155550100';
const globexNumber = '+14155550200';
const customer = '+14155550199';

const account = { accountSid, authToken, publicUrl };
const text = (to: string, body: string): ChannelRequest => signedSms(account, { from: customer, to, body });

describe.each(storeEngines)('linking a contact by a code sent over SMS on $name', (engine) => {
  let opened: TestStore;
  let api: TwilioApiServer;
  let audited: Array<Parameters<ContactAuditSink['append']>[0]>;
  const agents = recordingAgents(() => opened.store);
  const { prompts, useAgent } = agents;

  beforeAll(async () => {
    api = await startTwilioApiServer({ accountSid, authToken });
  });
  afterAll(async () => {
    await api.close();
  });
  beforeEach(async () => {
    opened = await engine.open();
    audited = [];
    api.messages.splice(0);
  });
  afterEach(async () => {
    await agents.reset();
    await opened.cleanup();
  });

  async function newCore() {
    const sms = createSmsChannel({
      config: { type: 'sms', accountSid, authToken, from: acmeNumber, publicUrl, apiUrl: api.url },
      store: opened.store,
      env: {},
    });
    const core = new ChannelCore({
      store: opened.store,
      adapters: [sms],
      useAgent,
      backoffMs: 0,
      contactAudit: { append: async (input) => audited.push(input) },
    });
    await core.bindings.bind({ channel: 'sms', routeKey: acmeNumber, tenantId: 'acme', agentId: 'desk' });
    await core.bindings.bind({ channel: 'sms', routeKey: globexNumber, tenantId: 'globex', agentId: 'desk' });
    return core;
  }

  function sentCode(): string {
    const body = api.messages.at(-1)?.body ?? '';
    const code = /is (\d{6})\./.exec(body)?.[1];
    if (code === undefined) throw new Error(`no code in ${JSON.stringify(body)}`);
    return code;
  }

  it('sends a code from the agent number; the code sent back links the phone and is not answered by the agent', async () => {
    const core = await newCore();
    const ada = await core.contacts.create(
      'acme',
      { identities: [{ kind: 'email', value: 'ada@example.com' }] },
      'key:k1',
    );
    const phone = { kind: 'phone', value: customer } as const;
    const started = await core.contactLink.start({
      tenantId: 'acme',
      agentId: 'desk',
      contactId: ada.id,
      target: phone,
      actor: 'key:k1',
    });
    expect(started.sentTo).toBe('phone:+***0199');
    expect(api.messages).toHaveLength(1);
    expect(api.messages[0]).toMatchObject({ to: customer, from: acmeNumber });
    const code = sentCode();

    // A wrong code first: answered with the tries left, nothing linked, the agent never sees it.
    const wrong = code === '000000' ? '000001' : '000000';
    await core.receive('sms', text(acmeNumber, wrong));
    await core.processDue(4);
    expect(api.messages.at(-1)?.body).toMatch(/not right.*4 tries left/);
    expect(await core.contacts.contactOf('acme', phone)).toBeUndefined();

    await core.receive('sms', text(acmeNumber, ` ${code} `));
    await core.processDue(4);
    expect(api.messages.at(-1)?.body).toMatch(/phone is now linked/);
    expect(await core.contacts.contactOf('acme', phone)).toBe(ada.id);
    expect(prompts).toEqual([]);

    // Each step is audited with the identity masked, and the code itself never.
    const events = audited.filter((input) => input.tenantId === 'acme').map((input) => input.eventType);
    expect(events).toEqual(expect.arrayContaining(['contact.link-code.issued', 'contact-identity-linked']));
    const recorded = JSON.stringify(audited);
    expect(recorded).not.toContain(code);
    expect(recorded).not.toContain(customer);

    // Six digits once nothing is pending are an ordinary message for the agent.
    await core.receive('sms', text(acmeNumber, code));
    await core.processDue(4);
    expect(prompts).toEqual([{ tenantId: 'acme', prompt: code }]);
  });

  it('a code issued by one tenant typed to another tenant number links nothing there', async () => {
    const core = await newCore();
    const ada = await core.contacts.create('acme', {}, 'key:k1');
    await core.contacts.create('globex', {}, 'key:k2');
    const phone = { kind: 'phone', value: customer } as const;
    await core.contactLink.start({
      tenantId: 'acme',
      agentId: 'desk',
      contactId: ada.id,
      target: phone,
      actor: 'key:k1',
    });
    const code = sentCode();
    await core.receive('sms', text(globexNumber, code));
    await core.processDue(4);
    // Globex had no code pending: its agent answered an ordinary message, and no contact of either tenant got the phone.
    expect(prompts.map((prompt) => prompt.tenantId)).toEqual(['globex']);
    expect(await core.contacts.contactOf('globex', phone)).toBeUndefined();
    expect(await core.contacts.contactOf('acme', phone)).toBeUndefined();
  });

  it('refuses to start without a destination on the identity channel, or for a contact of another tenant', async () => {
    const core = await newCore();
    const ada = await core.contacts.create('acme', {}, 'key:k1');
    await expect(
      core.contactLink.start({
        tenantId: 'acme',
        agentId: 'desk',
        contactId: ada.id,
        target: { kind: 'email', value: 'ada@example.com' },
        actor: 'key:k1',
      }),
    ).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(
      core.contactLink.start({
        tenantId: 'globex',
        agentId: 'desk',
        contactId: ada.id,
        target: { kind: 'phone', value: customer },
        actor: 'key:k2',
      }),
    ).rejects.toMatchObject({ code: 'not-found' });
    expect(api.messages).toEqual([]);
  });
});

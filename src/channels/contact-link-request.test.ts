import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { recordingAgents } from '../../test/support/recording-agents.js';
import { signedSms } from '../../test/support/signed-sms.js';
import { type SmtpRelay, startSmtpRelay } from '../../test/support/smtp-relay.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../test/support/twilio-api-server.js';
import type { ChannelRequest } from './adapter.js';
import { requestedIdentity } from './contact-link.js';
import type { ContactAuditSink } from './contacts/index.js';
import { ChannelCore } from './core.js';
import { createEmailChannel } from './email/index.js';
import { createSmsChannel } from './sms/index.js';

const accountSid = `AC${'d'.repeat(32)}`;
const authToken = 'contact-link-request-auth-token';
const publicUrl = 'https://steward.example/channels/twilio/sms';
const acmeNumber = '+14155550100';
const globexNumber = '+14155550200';
const customer = '+14155550199';
const email = { kind: 'email', value: 'jo@example.com' } as const;
const phone = { kind: 'phone', value: customer } as const;

const account = { accountSid, authToken, publicUrl };
const text = (to: string, body: string, from = customer): ChannelRequest =>
  signedSms(account, { from, to, body });

describe('recognising a link request', () => {
  it('takes only a clear "link my email|phone|number <valid value>"', () => {
    expect(requestedIdentity('link my email Jo@Example.com')).toEqual(email);
    expect(requestedIdentity(' Link my e-mail: jo@example.com. ')).toEqual(email);
    expect(requestedIdentity('link my phone +1 (415) 555-0199')).toEqual(phone);
    expect(requestedIdentity('link my number +14155550199')).toEqual(phone);
    expect(requestedIdentity('link my email jo at example')).toBeUndefined();
    expect(requestedIdentity('link my phone 555 0199')).toBeUndefined();
    expect(requestedIdentity('can you link my email jo@example.com to the order?')).toBeUndefined();
    expect(requestedIdentity('link my email jo@example.com and my phone')).toBeUndefined();
  });
});

describe.each(storeEngines)('a customer asking to link another identity on $name', (engine) => {
  let opened: TestStore;
  let api: TwilioApiServer;
  let relay: SmtpRelay;
  let audited: Array<Parameters<ContactAuditSink['append']>[0]>;
  const agents = recordingAgents(() => opened.store);
  const { prompts, useAgent } = agents;

  beforeAll(async () => {
    api = await startTwilioApiServer({ accountSid, authToken });
    relay = await startSmtpRelay();
  });
  afterAll(async () => {
    await api.close();
    await relay.close();
  });
  beforeEach(async () => {
    opened = await engine.open();
    audited = [];
    api.messages.splice(0);
    relay.messages.splice(0);
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
    const mail = createEmailChannel({
      config: {
        type: 'email',
        address: 'desk@acme.example',
        from: 'Acme <desk@acme.example>',
        smtp: { host: '127.0.0.1', port: relay.port },
      },
      env: {},
    });
    const core = new ChannelCore({
      store: opened.store,
      adapters: [sms, mail],
      useAgent,
      backoffMs: 0,
      contactAudit: { append: async (input) => audited.push(input) },
    });
    await core.bindings.bind({ channel: 'sms', routeKey: acmeNumber, tenantId: 'acme', agentId: 'desk' });
    await core.bindings.bind({
      channel: 'email',
      routeKey: 'desk@acme.example',
      tenantId: 'acme',
      agentId: 'desk',
    });
    await core.bindings.bind({ channel: 'sms', routeKey: globexNumber, tenantId: 'globex', agentId: 'desk' });
    return core;
  }

  async function say(core: ChannelCore, to: string, body: string): Promise<string | undefined> {
    await core.receive('sms', text(to, body));
    await core.processDue(4);
    return api.messages.at(-1)?.body;
  }

  function emailedCode(): string {
    const raw =
      relay.messages
        .at(-1)
        ?.raw.toString('utf8')
        .replace(/=\r?\n/g, '') ?? '';
    const code = /is (\d{6})\./.exec(raw)?.[1];
    if (code === undefined) throw new Error('no code in the last email');
    return code;
  }

  it('emails a code; typed back by text it links both into one new contact, and the agent sees neither', async () => {
    const core = await newCore();
    expect(await say(core, acmeNumber, 'link my email Jo@Example.com')).toMatch(
      /^We sent a code to \*\*\*@example\.com\. Send it back here within 10 minutes/,
    );
    expect(relay.messages.map((message) => message.recipients)).toEqual([['jo@example.com']]);
    const code = emailedCode();

    // Nothing is linked until the code comes back from the phone that asked.
    expect(await core.contacts.contactOf('acme', email)).toBeUndefined();
    expect(await say(core, acmeNumber, code)).toMatch(/email is now linked/);
    const contactId = await core.contacts.contactOf('acme', phone);
    expect(contactId).toBeDefined();
    expect(await core.contacts.contactOf('acme', email)).toBe(contactId);
    // The context follows: writing from either identity is the same contact's conversation.
    expect(await core.contacts.linkedIdentitiesOf('acme', email)).toEqual(
      expect.arrayContaining([phone, email]),
    );
    expect(prompts).toEqual([]);

    const recorded = JSON.stringify(audited);
    expect(recorded).not.toContain(code);
    expect(recorded).not.toContain(customer);
    expect(recorded).not.toContain('jo@example.com');
    expect(audited.map((input) => input.eventType)).toEqual(
      expect.arrayContaining(['contact.link-code.issued', 'contact.link-code.linked']),
    );

    // The same code again is an ordinary message for the agent.
    await say(core, acmeNumber, code);
    expect(prompts).toEqual([{ tenantId: 'acme', prompt: code }]);
  });

  it('a code asked of acme typed to globex links nothing in either tenant', async () => {
    const core = await newCore();
    await say(core, acmeNumber, 'link my email jo@example.com');
    const code = emailedCode();
    await say(core, globexNumber, code);
    expect(prompts.map((prompt) => prompt.tenantId)).toEqual(['globex']);
    expect(await core.contacts.contactOf('globex', email)).toBeUndefined();
    expect(await core.contacts.contactOf('globex', phone)).toBeUndefined();
    expect(await core.contacts.contactOf('acme', email)).toBeUndefined();
  });

  it('refuses an identity held by another contact of the tenant, without saying whose', async () => {
    const core = await newCore();
    await core.contacts.create('acme', { displayName: 'Someone Else', identities: [email] }, 'key:k1');
    const answer = await say(core, acmeNumber, 'link my email jo@example.com');
    expect(answer).toBe('We cannot link that email from here. Please contact us directly.');
    expect(relay.messages).toEqual([]);
    expect(await core.contacts.contactOf('acme', phone)).toBeUndefined();
    const refused = audited.find((input) => input.eventType === 'contact.link-request.refused');
    expect(refused?.payload).toMatchObject({
      reason: 'held-by-another-contact',
      target: 'email:***@example.com',
    });
    expect(JSON.stringify(audited)).not.toContain('jo@example.com');
    expect(prompts).toEqual([]);
  });

  it("another tenant's contact holding the identity is irrelevant", async () => {
    const core = await newCore();
    await core.contacts.create('globex', { identities: [email] }, 'key:k2');
    await say(core, acmeNumber, 'link my email jo@example.com');
    expect(await say(core, acmeNumber, emailedCode())).toMatch(/email is now linked/);
    expect(await core.contacts.contactOf('acme', email)).toBe(await core.contacts.contactOf('acme', phone));
    expect(await core.contacts.contactOf('globex', phone)).toBeUndefined();
  });

  it('a new request replaces the pending code, and a sender asking too often is refused', async () => {
    const core = await newCore();
    await say(core, acmeNumber, 'link my email jo@example.com');
    const first = emailedCode();
    await say(core, acmeNumber, 'link my email jo@example.com');
    const second = emailedCode();
    await say(core, acmeNumber, 'link my email jo@example.com');
    expect(relay.messages).toHaveLength(3);
    expect(await say(core, acmeNumber, 'link my email jo@example.com')).toMatch(/cannot link/);
    expect(relay.messages).toHaveLength(3);
    // The first code was spent by the later requests: only the last one pending counts.
    if (first !== second) expect(await say(core, acmeNumber, first)).toMatch(/not right/);
    expect(await core.contacts.contactOf('acme', email)).toBeUndefined();
    expect(prompts).toEqual([]);
  });

  it('caps the codes sent to one target however many senders ask, in that tenant only', async () => {
    const core = await newCore();
    await core.bindings.bind({
      channel: 'email',
      routeKey: 'desk@globex.example',
      tenantId: 'globex',
      agentId: 'desk',
    });
    const senders = ['+14155550301', '+14155550302', '+14155550303', '+14155550304'];
    const ask = async (to: string, from: string) => {
      await core.receive('sms', text(to, 'link my email jo@example.com', from));
      await core.processDue(4);
      return api.messages.at(-1)?.body;
    };
    for (const sender of senders.slice(0, 3))
      expect(await ask(acmeNumber, sender)).toMatch(/^We sent a code/);
    expect(relay.messages).toHaveLength(3);
    // A fourth sender, within the codes' lifetime: nothing more goes to the target.
    expect(await ask(acmeNumber, senders[3]!)).toBe(
      'We cannot link that email from here. Please contact us directly.',
    );
    expect(relay.messages).toHaveLength(3);
    const refused = audited.filter((input) => input.eventType === 'contact.link-request.refused');
    expect(refused.map((input) => input.payload)).toEqual([
      expect.objectContaining({ reason: 'target-limit', target: 'email:***@example.com' }),
    ]);
    expect(refused[0]?.tenantId).toBe('acme');
    // The same address asked of another tenant is that tenant's own count.
    expect(await ask(globexNumber, senders[3]!)).toMatch(/^We sent a code/);
    expect(relay.messages).toHaveLength(4);
    expect(prompts).toEqual([]);
  });
});

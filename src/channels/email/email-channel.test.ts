import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelApp } from '../../../test/support/channel-app.js';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { channelAgents } from '../../../test/support/recording-agents.js';
import { type SmtpRelay, startSmtpRelay } from '../../../test/support/smtp-relay.js';
import type { StewardApp } from '../../server/index.js';
import type { ChannelCore } from '../core.js';
import { createEmailChannel } from './email-channel.js';

const signingKey = 'key-email-channel-test';
let tokenSequence = 0;

/** Mailgun's parsed forward() post, signed now with a fresh token (a retry by Mailgun gets a new token). */
function mailgunPost(overrides: Record<string, string> = {}, messageId = '<CAF=reply-2@mail.gmail.com>') {
  tokenSequence++;
  const token = `token-${tokenSequence}-${'x'.repeat(40)}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const fields: Record<string, string> = {
    recipient: 'orders@acme.example',
    sender: 'maria.lopez@example.com',
    from: 'Maria Lopez <maria.lopez@example.com>',
    subject: 'Re: Your cake order',
    'body-plain':
      'Yes, chocolate please.\r\n\r\nOn Thu, Dec 3, 2026 at 4:12 PM Acme Bakery <orders@acme.example> wrote:\r\n> Which flavour?\r\n',
    'message-headers': JSON.stringify([
      ['From', 'Maria Lopez <maria.lopez@example.com>'],
      ['To', 'Acme Bakery <orders@acme.example>'],
      ['Subject', 'Re: Your cake order'],
      ['Message-Id', messageId],
      ['In-Reply-To', '<order-1@acme.example>'],
      ['References', '<root-0@acme.example> <order-1@acme.example>'],
    ]),
    timestamp,
    token,
    signature: createHmac('sha256', signingKey)
      .update(timestamp + token)
      .digest('hex'),
    ...overrides,
  };
  return new URLSearchParams(fields).toString();
}

describe.each(storeEngines)(
  'the email channel through the core and /channels/email/inbound ($name)',
  (engine) => {
    let opened: TestStore;
    let relay: SmtpRelay;
    let app: StewardApp;
    let core: ChannelCore;
    let closeApp: () => Promise<void>;
    let prompts: string[];
    const agents = channelAgents({
      store: () => opened.store,
      answer: async ({ prompt }) => {
        prompts.push(prompt);
        return 'Chocolate it is: **ready on Saturday**.';
      },
    });

    beforeAll(async () => {
      opened = await engine.open();
      const store = opened.store;
      relay = await startSmtpRelay();
      prompts = [];
      const email = createEmailChannel({
        config: {
          type: 'email',
          smtp: { host: '127.0.0.1', port: relay.port },
          from: 'Acme Bakery <orders@acme.example>',
          address: 'orders@acme.example',
          inbound: { mailgun: { signingKey } },
        },
        env: {},
      });
      ({
        core,
        app,
        close: closeApp,
      } = channelApp({
        store,
        adapters: [email],
        useAgent: agents.useAgent,
        served: { tenantId: 'acme', agentId: 'desk' },
      }));
      await core.bindings.bind({
        channel: 'email',
        routeKey: 'orders@acme.example',
        tenantId: 'acme',
        agentId: 'desk',
      });
    });
    afterEach(() => agents.reset());
    afterAll(async () => {
      await closeApp();
      await relay.close();
      await opened.cleanup();
    });

    const post = (body: string) =>
      app.request('/channels/email/inbound', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });

    it('answers a mail with its reply part only, threaded (In-Reply-To, References, Re:), once per Message-ID', async () => {
      expect((await post(mailgunPost())).status).toBe(200);
      // Mailgun's retry of the same mail: a new token, the same Message-Id: not queued again.
      expect((await post(mailgunPost())).status).toBe(200);
      expect(await core.processDue()).toBe(1);
      expect(await core.processDue()).toBe(0);
      expect(prompts).toEqual(['Yes, chocolate please.']);
      expect(relay.messages).toHaveLength(1);
      const sent = relay.messages[0]!;
      expect(sent.recipients).toEqual(['maria.lopez@example.com']);
      const raw = sent.raw.toString('utf8');
      expect(raw).toContain('In-Reply-To: <CAF=reply-2@mail.gmail.com>');
      expect(raw).toMatch(
        /References: <root-0@acme\.example> <order-1@acme\.example>\s+<CAF=reply-2@mail\.gmail\.com>/,
      );
      expect(raw).toContain('Subject: Re: Your cake order');
      expect(raw).toContain('text/html');
      expect(raw).toContain('<strong>ready on Saturday</strong>');
    });

    it('refuses a forged signature (401) and drops a mail to an address no tenant owns', async () => {
      expect((await post(mailgunPost({ signature: 'f'.repeat(64) }))).status).toBe(401);
      const runs = prompts.length;
      const response = await post(
        mailgunPost({ recipient: 'sales@globex.example' }, '<other-1@mail.example>'),
      );
      expect(response.status).toBe(200);
      expect(await core.processDue()).toBe(0);
      expect(prompts).toHaveLength(runs);
      expect((await core.drops(1))[0]).toMatchObject({
        channel: 'email',
        routeKey: 'sales@globex.example',
        reason: 'unknown-destination',
      });
    });
  },
);

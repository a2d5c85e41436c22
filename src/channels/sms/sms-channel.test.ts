import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelApp } from '../../../test/support/channel-app.js';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { channelAgents } from '../../../test/support/recording-agents.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../../test/support/twilio-api-server.js';
import type { StewardApp } from '../../server/index.js';
import type { ChannelCore } from '../core.js';
import { countSegments } from './segments.js';
import { createSmsChannel } from './sms-channel.js';

const accountSid = `AC${'a'.repeat(32)}`;
const authToken = 'sms-channel-auth-token';
// What Twilio calls (behind a proxy); the app sees http://localhost/channels/twilio/sms.
const publicUrl = 'https://steward.example/channels/twilio/sms';
const acmeNumber = '+14155550100';
const customer = '+14155550199';
const longReply = `We open at **9am** every day. ${'Fresh bread, cakes and pastries are ready early. '.repeat(12)}See [our menu](https://acme.example/menu).`;

let sequence = 0;
function textMessage(body: string, options: { to?: string; sid?: string } = {}) {
  sequence++;
  const params: Record<string, string> = {
    MessageSid: options.sid ?? `SM${sequence.toString(16).padStart(32, '0')}`,
    AccountSid: accountSid,
    From: customer,
    To: options.to ?? acmeNumber,
    Body: body,
    NumMedia: '0',
  };
  return { params, signature: twilio.getExpectedTwilioSignature(authToken, publicUrl, params) };
}

describe.each(storeEngines)('the SMS channel through the core and /channels/twilio/sms ($name)', (engine) => {
  let opened: TestStore;
  let api: TwilioApiServer;
  let app: StewardApp;
  let core: ChannelCore;
  let closeApp: () => Promise<void>;
  let prompts: string[];
  const agents = channelAgents({
    store: () => opened.store,
    answer: async ({ prompt }) => {
      prompts.push(prompt);
      return longReply;
    },
  });

  beforeAll(async () => {
    opened = await engine.open();
    const store = opened.store;
    api = await startTwilioApiServer({ accountSid, authToken });
    prompts = [];
    const sms = createSmsChannel({
      config: {
        type: 'sms',
        accountSid,
        authToken,
        from: acmeNumber,
        publicUrl,
        apiUrl: api.url,
        features: ['short_responses'],
        maxSegments: 2,
        helpText: 'Acme Bakery: reply STOP to opt out.',
      },
      store,
      env: {},
    });
    ({
      core,
      app,
      close: closeApp,
    } = channelApp({
      store,
      adapters: [sms],
      useAgent: agents.useAgent,
      served: { tenantId: 'acme', agentId: 'desk' },
    }));
    await core.bindings.bind({ channel: 'sms', routeKey: acmeNumber, tenantId: 'acme', agentId: 'desk' });
  });
  afterEach(() => agents.reset());
  afterAll(async () => {
    await closeApp();
    await api.close();
    await opened.cleanup();
  });

  function post(message: { params: Record<string, string>; signature: string }) {
    return app.request('/channels/twilio/sms', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': message.signature,
      },
      body: new URLSearchParams(message.params).toString(),
    });
  }

  it('acknowledges with empty TwiML, then answers from the texted number within the segment limit, once per MessageSid', async () => {
    const message = textMessage('When do you open?');
    const first = await post(message);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/xml');
    expect(await first.text()).toContain('<Response/>');
    // Twilio's retry of the same message (same MessageSid) is acknowledged and not queued again.
    expect((await post(message)).status).toBe(200);
    expect(await core.processDue()).toBe(1);
    expect(await core.processDue()).toBe(0);
    expect(prompts).toEqual(['When do you open?']);
    expect(api.messages).toHaveLength(1);
    const sent = api.messages[0]!;
    expect(sent).toMatchObject({ from: acmeNumber, to: customer });
    expect(countSegments(sent.body).segments).toBeLessThanOrEqual(2);
    expect(sent.body).toContain('We open at 9am');
    expect(sent.body).not.toContain('**');
  });

  it('sends the reply once when Twilio accepted it but the answer was lost, on the retry', async () => {
    const before = api.messages.length;
    api.failNext({ status: 500, afterAccept: true });
    expect((await post(textMessage('Do you deliver?'))).status).toBe(200);
    expect(await core.processDue()).toBe(1);
    expect(api.messages).toHaveLength(before + 1);
    // The retry (backoff 0) asks Twilio first and finds the message there.
    expect(await core.processDue()).toBe(1);
    expect(api.messages).toHaveLength(before + 1);
    expect(prompts.filter((prompt) => prompt === 'Do you deliver?')).toHaveLength(1);
  });

  it('answers HELP by TwiML and applies STOP before any agent runs; an opted-out customer gets no reply', async () => {
    const runs = prompts.length;
    const sent = api.messages.length;
    const help = await post(textMessage('HELP'));
    expect(await help.text()).toContain('Acme Bakery: reply STOP to opt out.');
    expect(await (await post(textMessage('STOP'))).text()).toContain('<Response/>');
    expect(await core.processDue()).toBe(0);
    expect(prompts).toHaveLength(runs);

    // An opted-out customer's text is acknowledged and dropped: no agent runs, nothing is sent.
    await post(textMessage('Are you there?'));
    expect(await core.processDue()).toBe(0);
    expect(prompts).toHaveLength(runs);
    expect(api.messages).toHaveLength(sent);
    // START lets replies through again.
    await post(textMessage('START'));
    await post(textMessage('Back again'));
    await core.processDue();
    expect(api.messages).toHaveLength(sent + 1);
  });

  it('refuses a forged signature (401) and drops a text to a number no tenant owns', async () => {
    const forged = textMessage('Hello');
    const response = await post({ ...forged, signature: `${forged.signature.slice(0, -4)}AAA=` });
    expect(response.status).toBe(401);
    const runs = prompts.length;
    expect((await post(textMessage('Hello', { to: '+14155550111' }))).status).toBe(200);
    expect(await core.processDue()).toBe(0);
    expect(prompts).toHaveLength(runs);
    expect((await core.drops(1))[0]).toMatchObject({
      channel: 'sms',
      routeKey: '+14155550111',
      reason: 'unknown-destination',
    });
  });
});

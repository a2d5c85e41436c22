import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../../test/support/twilio-api-server.js';
import { openStore } from '../../store/index.js';
import { SmsOptOutRepository } from './opt-out-repository.js';
import { handleSmsWebhook, twimlResponse } from './sms-webhook.js';
import { createTwilioSmsSender } from './twilio-sender.js';

const accountSid = 'AC0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const authToken = 'b7e3f1c2a9d84e6f0a1b2c3d4e5f6a7b';
const publicUrl = 'https://steward.example.com/channels/twilio/sms';
const tenantNumber = '+14155550100';
const customer = '+14155550123';

let sequence = 0;
function signedRequest(body: string) {
  sequence += 1;
  const form = new URLSearchParams({
    MessageSid: `SM${sequence.toString(16).padStart(32, '0')}`,
    AccountSid: accountSid,
    From: customer,
    To: tenantNumber,
    Body: body,
    NumMedia: '0',
  }).toString();
  const signature = twilio.getExpectedTwilioSignature(
    authToken,
    publicUrl,
    Object.fromEntries(new URLSearchParams(form)),
  );
  return {
    headers: { 'x-twilio-signature': signature },
    rawBody: Buffer.from(form),
    url: 'http://127.0.0.1:3000/channels/twilio/sms',
  };
}

describe.each(storeEngines)('SMS webhook keywords on $name', (engine) => {
  let opened: TestStore;
  let api: TwilioApiServer;
  beforeEach(async () => {
    opened = await engine.open();
    api = await startTwilioApiServer({ accountSid, authToken });
  });
  afterEach(async () => {
    await api.close();
    await opened.cleanup();
  });

  it('STOP opts the sender out durably (a new store handle, as on another instance, still refuses); START opts back in', async () => {
    const dependencies = { store: opened.store, tenantId: 'acme' };
    const config = { authToken, publicUrl };
    expect((await handleSmsWebhook(signedRequest('When do you open?'), config, dependencies)).kind).toBe(
      'message',
    );
    expect((await handleSmsWebhook(signedRequest('unsubscribe'), config, dependencies)).kind).toBe(
      'opted-out',
    );

    const reopened = await openStore(opened.config, {});
    try {
      const sender = createTwilioSmsSender(
        { accountSid, authToken, from: tenantNumber, apiUrl: api.url },
        { store: reopened, tenantId: 'acme' },
      );
      expect(await sender.send({ to: customer, text: 'We open at 9', idempotencyKey: 'a' })).toEqual({
        status: 'opted-out',
      });
      expect(api.messages).toHaveLength(0);
      expect((await handleSmsWebhook(signedRequest('START'), config, dependencies)).kind).toBe('opted-in');
      expect(await sender.send({ to: customer, text: 'We open at 9', idempotencyKey: 'b' })).toMatchObject({
        status: 'sent',
      });
      expect(api.messages).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  });

  it('counts opt-outs per tenant number for the analytics, one tenant at a time', async () => {
    const optOuts = new SmsOptOutRepository(opened.store);
    await optOuts.optOut({ tenantId: 'acme', tenantNumber: '+14155550100', sender: '+1555000001' }, 'STOP');
    await optOuts.optOut({ tenantId: 'acme', tenantNumber: '+14155550100', sender: '+1555000002' }, 'QUIT');
    await optOuts.optOut({ tenantId: 'acme', tenantNumber: '+14155550199', sender: '+1555000001' }, 'STOP');
    await optOuts.optOut({ tenantId: 'globex', tenantNumber: '+14155550100', sender: '+1555000003' }, 'STOP');
    expect(await optOuts.countByNumber('acme')).toEqual([
      { tenantNumber: '+14155550100', optOuts: 2 },
      { tenantNumber: '+14155550199', optOuts: 1 },
    ]);
    expect(await optOuts.countByNumber('initech')).toEqual([]);
  });

  it('answers HELP with the configured text and runs no agent', async () => {
    const outcome = await handleSmsWebhook(
      signedRequest('help'),
      { authToken, publicUrl, helpText: 'Acme Bakery: reply STOP to opt out.' },
      { store: opened.store, tenantId: 'acme' },
    );
    expect(outcome).toMatchObject({ kind: 'help', reply: 'Acme Bakery: reply STOP to opt out.' });
  });

  it('refuses a forged request before touching the opt-outs', async () => {
    const request = signedRequest('STOP');
    request.headers['x-twilio-signature'] = 'AAAA';
    await expect(
      handleSmsWebhook(request, { authToken, publicUrl }, { store: opened.store, tenantId: 'acme' }),
    ).rejects.toMatchObject({ code: 'invalid-signature' });
  });
});

describe('twimlResponse', () => {
  it('acknowledges with an empty Response, or answers with an escaped Message', () => {
    expect(twimlResponse()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(twimlResponse('Reply STOP to opt out & START <again>')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Reply STOP to opt out &amp; START &lt;again&gt;</Message></Response>',
    );
  });
});

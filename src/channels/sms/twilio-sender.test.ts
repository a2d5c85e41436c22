import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../../test/support/twilio-api-server.js';
import { SmsOptOutRepository } from './opt-out-repository.js';
import { createTwilioSmsSender } from './twilio-sender.js';

const accountSid = 'AC0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const authToken = 'b7e3f1c2a9d84e6f0a1b2c3d4e5f6a7b';
const tenantNumber = '+14155550100';
const customer = '+14155550123';

describe.each(storeEngines)('Twilio SMS sender on $name', (engine) => {
  let opened: TestStore;
  let api: TwilioApiServer;
  let clock: number;
  const now = () => clock;
  const senderFor = (tenantId = 'acme', extra: { maxSegments?: number } = {}) =>
    createTwilioSmsSender(
      { accountSid, authToken, from: tenantNumber, apiUrl: api.url, ...extra },
      { store: opened.store, tenantId, now },
    );

  beforeEach(async () => {
    clock = 1_780_000_000_000;
    opened = await engine.open();
    api = await startTwilioApiServer({ accountSid, authToken });
  });
  afterEach(async () => {
    await api.close();
    await opened.cleanup();
  });

  it('sends through the Messages API with the twilio client, fitted to the segment budget', async () => {
    const result = await senderFor('acme', { maxSegments: 1 }).send({
      to: customer,
      text: `**Yes!** We have openings at 9am and 11am. ${'Reply with the time you want. '.repeat(8)}`,
      mediaUrls: ['https://example.com/menu.jpg'],
      idempotencyKey: 'reply-1',
    });
    expect(result).toMatchObject({ status: 'sent', duplicate: false });
    expect(api.messages).toHaveLength(1);
    const sent = api.messages[0]!;
    expect(sent).toMatchObject({
      to: customer,
      from: tenantNumber,
      mediaUrls: ['https://example.com/menu.jpg'],
    });
    expect(sent.body.startsWith('Yes! We have openings')).toBe(true);
    expect(sent.body.length).toBeLessThanOrEqual(160);
    expect(api.requests.at(-1)).toEqual({
      method: 'POST',
      path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
    });
  });

  it('sends a retried reply once: the second call answers from the ledger', async () => {
    const sender = senderFor();
    const first = await sender.send({ to: customer, text: 'See you at 9', idempotencyKey: 'reply-2' });
    const second = await senderFor().send({ to: customer, text: 'See you at 9', idempotencyKey: 'reply-2' });
    expect(second).toEqual({ ...first, duplicate: true });
    expect(api.messages).toHaveLength(1);
    await expect(
      sender.send({ to: customer, text: 'Other text', idempotencyKey: 'reply-2' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('scopes idempotency keys to the tenant: the same key in two tenants sends two messages', async () => {
    const acme = await senderFor('acme').send({
      to: customer,
      text: 'Hi from Acme',
      idempotencyKey: 'reply-1',
    });
    const globex = await senderFor('globex').send({
      to: customer,
      text: 'Hi from Globex',
      idempotencyKey: 'reply-1',
    });
    expect([acme.status, globex.status]).toEqual(['sent', 'sent']);
    expect(api.messages.map((message) => message.body)).toEqual(['Hi from Acme', 'Hi from Globex']);
  });

  it('finds at Twilio a message it accepted when the answer was lost (5xx), instead of sending it again', async () => {
    api.failNext({ status: 502, afterAccept: true });
    const sender = senderFor();
    await expect(
      sender.send({ to: customer, text: 'Booked for 9', idempotencyKey: 'reply-3' }),
    ).rejects.toMatchObject({
      code: 'runtime-failed',
      details: { outcome: 'uncertain' },
    });
    expect(api.messages).toHaveLength(1);
    const retried = await sender.send({ to: customer, text: 'Booked for 9', idempotencyKey: 'reply-3' });
    expect(retried).toMatchObject({ status: 'sent', duplicate: true, messageSid: api.messages[0]!.sid });
    expect(api.messages).toHaveLength(1);
  });

  it('sends again after a refusal (4xx) or a lost request (5xx before accept)', async () => {
    api.failNext({ status: 429, code: 20429 }, { status: 503 });
    const sender = senderFor();
    await expect(sender.send({ to: customer, text: 'Hi', idempotencyKey: 'reply-4' })).rejects.toMatchObject({
      details: { outcome: 'failed' },
    });
    await expect(sender.send({ to: customer, text: 'Hi', idempotencyKey: 'reply-4' })).rejects.toMatchObject({
      details: { outcome: 'uncertain' },
    });
    expect(await sender.send({ to: customer, text: 'Hi', idempotencyKey: 'reply-4' })).toMatchObject({
      status: 'sent',
      duplicate: false,
    });
    expect(api.messages).toHaveLength(1);
  });

  it('treats an attempt that died mid-call as in flight until it is stale, then looks at Twilio and sends', async () => {
    const sender = senderFor();
    // An instance claimed the key and died before calling Twilio: the row stays `sending`.
    api.failNext({ status: 503 });
    await sender.send({ to: customer, text: 'Hello', idempotencyKey: 'reply-5' }).catch(() => undefined);
    await opened.store.db
      .withTables<{ sms_outbound: { status: string; idempotency_key: string } }>()
      .updateTable('sms_outbound')
      .set({ status: 'sending' })
      .where('idempotency_key', '=', 'reply-5')
      .execute();
    await expect(
      sender.send({ to: customer, text: 'Hello', idempotencyKey: 'reply-5' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    clock += 61_000;
    expect(await sender.send({ to: customer, text: 'Hello', idempotencyKey: 'reply-5' })).toMatchObject({
      status: 'sent',
      duplicate: false,
    });
    expect(api.messages).toHaveLength(1);
  });

  it('never texts a sender who opted out of this tenant number; another tenant is not affected', async () => {
    await new SmsOptOutRepository(opened.store, now).optOut(
      { tenantId: 'acme', tenantNumber, sender: customer },
      'STOP',
    );
    expect(await senderFor('acme').send({ to: customer, text: 'Hi', idempotencyKey: 'reply-6' })).toEqual({
      status: 'opted-out',
    });
    expect(api.messages).toHaveLength(0);
    expect(
      await senderFor('globex').send({ to: customer, text: 'Hi', idempotencyKey: 'reply-7' }),
    ).toMatchObject({
      status: 'sent',
    });
  });

  it('records the opt-out Twilio reports (error 21610) so later sends do not even call', async () => {
    api.failNext({ status: 400, code: 21610 });
    const sender = senderFor();
    expect(await sender.send({ to: customer, text: 'Hi', idempotencyKey: 'reply-8' })).toEqual({
      status: 'opted-out',
    });
    expect(await sender.send({ to: customer, text: 'Hi again', idempotencyKey: 'reply-9' })).toEqual({
      status: 'opted-out',
    });
    expect(api.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
  });
});

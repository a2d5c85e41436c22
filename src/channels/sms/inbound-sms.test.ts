import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { parseInboundSms, signedUrlOf, verifyTwilioSignature } from './inbound-sms.js';
import { smsKeywordOf } from './keywords.js';

const authToken = 'b7e3f1c2a9d84e6f0a1b2c3d4e5f6a7b';
const publicUrl = 'https://steward.example.com/channels/twilio/sms';

/** A form body as Twilio posts it for an inbound message (field names and order from a real webhook). */
function twilioForm(overrides: Record<string, string> = {}): string {
  return new URLSearchParams({
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    NumMedia: '0',
    ToCity: 'SAN FRANCISCO',
    FromZip: '94105',
    SmsSid: 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: 'SAN FRANCISCO',
    Body: 'Do you have any openings Saturday morning?',
    FromCountry: 'US',
    To: '+14155550100',
    MessagingServiceSid: 'MG0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    AccountSid: 'AC0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    From: '+14155550123',
    ApiVersion: '2010-04-01',
    ...overrides,
  }).toString();
}

function signed(body: string, url = publicUrl, token = authToken): string {
  return twilio.getExpectedTwilioSignature(token, url, Object.fromEntries(new URLSearchParams(body)));
}

describe('verifyTwilioSignature', () => {
  it('accepts Twilio’s signature of the public URL although the request arrived on the proxy’s inner URL', () => {
    const body = twilioForm();
    const request = {
      headers: { 'X-Twilio-Signature': signed(body) },
      rawBody: Buffer.from(body),
      url: 'http://10.0.3.7:8080/channels/twilio/sms',
    };
    expect(() => verifyTwilioSignature(request, { authToken, publicUrl })).not.toThrow();
    // Checked against the received URL instead, the same request fails: that is the proxy bug avoided.
    expect(() => verifyTwilioSignature(request, { authToken, publicUrl: request.url })).toThrow(
      /does not match/,
    );
  });

  it('signs the query string too, and takes the path from the request when the public URL is an origin', () => {
    expect(
      signedUrlOf('https://steward.example.com', 'http://10.0.3.7/channels/twilio/sms?tenant=acme'),
    ).toBe('https://steward.example.com/channels/twilio/sms?tenant=acme');
    const body = twilioForm();
    const url = `${publicUrl}?tenant=acme`;
    const request = {
      headers: { 'x-twilio-signature': signed(body, url) },
      rawBody: body,
      url: '/channels/twilio/sms?tenant=acme',
    };
    expect(() => verifyTwilioSignature(request, { authToken, publicUrl })).not.toThrow();
  });

  it.each([
    ['a missing header', {}, twilioForm()],
    [
      'another token',
      { 'x-twilio-signature': signed(twilioForm(), publicUrl, 'f'.repeat(32)) },
      twilioForm(),
    ],
    [
      'a changed body',
      { 'x-twilio-signature': signed(twilioForm()) },
      twilioForm({ Body: 'Refund me $500' }),
    ],
  ])('rejects %s with invalid-signature (401)', (_name, headers: Record<string, string>, body) => {
    try {
      verifyTwilioSignature({ headers, rawBody: body, url: publicUrl }, { authToken, publicUrl });
      expect.unreachable();
    } catch (error) {
      expect(StewardError.isInstance(error) && error.code).toBe('invalid-signature');
      expect((error as StewardError).status).toBe(401);
    }
  });

  it('refuses an oversize body with payload-too-large (413)', () => {
    const body = twilioForm({ Body: 'x'.repeat(70_000) });
    expect(() =>
      verifyTwilioSignature(
        { headers: { 'x-twilio-signature': signed(body) }, rawBody: body, url: publicUrl },
        {
          authToken,
          publicUrl,
        },
      ),
    ).toThrow(expect.objectContaining({ code: 'payload-too-large', status: 413 }));
  });

  it('rejects every forged signature and throws only StewardErrors (fuzzed)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 400 }),
        fc.string({ maxLength: 80 }),
        (signature, body, url) => {
          try {
            verifyTwilioSignature(
              { headers: { 'x-twilio-signature': signature }, rawBody: body, url },
              { authToken, publicUrl },
            );
            expect.unreachable('a forged signature passed');
          } catch (error) {
            expect(StewardError.isInstance(error)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('parseInboundSms', () => {
  it('parses the real webhook form', () => {
    expect(parseInboundSms(twilioForm())).toEqual({
      messageSid: 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      accountSid: 'AC0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      from: '+14155550123',
      to: '+14155550100',
      body: 'Do you have any openings Saturday morning?',
      media: [],
      keyword: undefined,
    });
  });

  it('keeps MMS media as attachment URLs with their types', () => {
    const sms = parseInboundSms(
      twilioForm({
        NumMedia: '2',
        MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
        MediaContentType0: 'image/jpeg',
        MediaUrl1: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
        MediaContentType1: 'application/pdf',
        Body: '',
      }),
    );
    expect(sms.media).toEqual([
      {
        url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
        contentType: 'image/jpeg',
      },
      {
        url: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2',
        contentType: 'application/pdf',
      },
    ]);
  });

  it.each([
    ['no From', { From: '' }],
    ['no MessageSid', { MessageSid: '', SmsMessageSid: '' }],
    ['a NumMedia that is not a count', { NumMedia: 'lots' }],
    ['a NumMedia above the URLs given', { NumMedia: '1' }],
    ['a media URL that is not http', { NumMedia: '1', MediaUrl0: 'file:///etc/passwd' }],
  ])('refuses a form with %s as invalid-request (400)', (_name, overrides) => {
    expect(() => parseInboundSms(twilioForm(overrides))).toThrow(
      expect.objectContaining({ code: 'invalid-request', status: 400 }),
    );
  });

  it('types every failure on arbitrary bodies (fuzzed)', () => {
    const field = fc.constantFrom(
      'From',
      'To',
      'Body',
      'MessageSid',
      'AccountSid',
      'NumMedia',
      'MediaUrl0',
      'MediaUrl1',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }),
          fc.dictionary(field, fc.string({ maxLength: 40 })).map((fields) => twilioForm(fields)),
        ),
        (body) => {
          try {
            const sms = parseInboundSms(body);
            expect(sms.from.length).toBeGreaterThan(0);
          } catch (error) {
            expect(StewardError.isInstance(error)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('smsKeywordOf', () => {
  it.each([
    ['STOP', 'stop'],
    [' stop ', 'stop'],
    ['Stop.', 'stop'],
    ['STOPALL', 'stop'],
    ['unsubscribe', 'stop'],
    ['Cancel', 'stop'],
    ['END', 'stop'],
    ['quit!', 'stop'],
    ['START', 'start'],
    ['yes', 'start'],
    ['UNSTOP', 'start'],
    ['help', 'help'],
    ['Info?', 'help'],
    ['stop by tomorrow', undefined],
    ['yes please book me', undefined],
    ['', undefined],
    ['constructor', undefined],
  ])('%j → %s', (body, keyword) => {
    expect(smsKeywordOf(body)).toBe(keyword);
  });

  it('recognises a keyword in any case with spaces around it, and never a message of several words (fuzzed)', () => {
    const keyword = fc.constantFrom(
      'stop',
      'stopall',
      'unsubscribe',
      'cancel',
      'end',
      'quit',
      'start',
      'yes',
      'unstop',
      'help',
      'info',
    );
    fc.assert(
      fc.property(
        keyword,
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        fc.nat(3),
        (word, upper, spaces) => {
          const cased = Array.from(word, (character, index) =>
            upper[index] ? character.toUpperCase() : character,
          ).join('');
          expect(smsKeywordOf(`${' '.repeat(spaces)}${cased}\n`)).toBeDefined();
          expect(smsKeywordOf(`${cased} please call me`)).toBeUndefined();
        },
      ),
    );
  });
});

import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { createMailgunWebhook } from './mailgun-webhook.js';

const signingKey = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
const nowMs = 1_780_000_000_000;
const timestamp = String(nowMs / 1000);

function signature(token: string, at = timestamp, key = signingKey): string {
  return createHmac('sha256', key)
    .update(at + token)
    .digest('hex');
}

/** The fields of Mailgun's parsed `forward()` post, as its documentation lists them. */
function mailgunFields(token: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    recipient: 'orders@acme.example',
    sender: 'maria.lopez@example.com',
    from: 'Maria Lopez <maria.lopez@example.com>',
    subject: 'Re: Your cake order',
    'body-plain':
      'Yes, chocolate please.\r\n\r\nOn Thu, Dec 3, 2026 at 4:12 PM Acme Bakery <orders@acme.example> wrote:\r\n> Which flavour?\r\n',
    'stripped-text': 'Yes, chocolate please.',
    'body-html': '<div>Yes, chocolate please.</div><blockquote>Which flavour?</blockquote>',
    'message-headers': JSON.stringify([
      ['Received', 'by mail-wr1-f41.google.com with SMTP id x; Thu, 03 Dec 2026 16:20:00 -0800'],
      ['From', 'Maria Lopez <maria.lopez@example.com>'],
      ['To', 'Acme Bakery <orders@acme.example>'],
      ['Subject', 'Re: Your cake order'],
      ['Message-Id', '<CAF=reply-2@mail.gmail.com>'],
      ['In-Reply-To', '<order-1@acme.example>'],
      ['References', '<root-0@acme.example> <order-1@acme.example>'],
      ['Date', 'Thu, 03 Dec 2026 16:20:00 -0800'],
    ]),
    timestamp,
    token,
    signature: signature(token),
    ...overrides,
  };
}

function urlencoded(fields: Record<string, string>) {
  return {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    rawBody: Buffer.from(new URLSearchParams(fields).toString()),
  };
}

async function multipart(fields: Record<string, string>, files: File[]) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [index, file] of files.entries()) form.append(`attachment-${index + 1}`, file);
  form.append('attachment-count', String(files.length));
  const response = new Response(form);
  return {
    headers: { 'content-type': response.headers.get('content-type') ?? '' },
    rawBody: new Uint8Array(await response.arrayBuffer()),
  };
}

const webhook = () => createMailgunWebhook({ signingKey, now: () => nowMs, maxAttachmentBytes: 1000 });

describe('Mailgun inbound webhook', () => {
  it('parses a signed forward() post to the same InboundEmail as SMTP: reply, thread root, headers', async () => {
    const email = await webhook().receive(urlencoded(mailgunFields('a'.repeat(50))));
    expect(email).toMatchObject({
      from: { address: 'maria.lopez@example.com', name: 'Maria Lopez' },
      to: [{ address: 'orders@acme.example', name: 'Acme Bakery' }],
      recipient: 'orders@acme.example',
      subject: 'Re: Your cake order',
      reply: 'Yes, chocolate please.',
      messageId: '<CAF=reply-2@mail.gmail.com>',
      inReplyTo: '<order-1@acme.example>',
      references: ['<root-0@acme.example>', '<order-1@acme.example>'],
      conversationKey: '<root-0@acme.example>',
      attachments: [],
    });
    expect(email.date?.toISOString()).toBe('2026-12-04T00:20:00.000Z');
  });

  it("gives a mail without Message-Id the same made-up id on Mailgun's retry (a new token), so it is deduped", async () => {
    const receiver = webhook();
    const withoutId = {
      'message-headers': JSON.stringify([
        ['From', 'maria@example.com'],
        ['Date', 'Thu, 03 Dec 2026 16:20:00 -0800'],
      ]),
    };
    const first = await receiver.receive(urlencoded(mailgunFields('i'.repeat(50), withoutId)));
    const retry = await receiver.receive(urlencoded(mailgunFields('j'.repeat(50), withoutId)));
    const other = await receiver.receive(
      urlencoded(mailgunFields('k'.repeat(50), { ...withoutId, 'body-plain': 'Another mail' })),
    );
    expect(first.messageId).toMatch(/^<[0-9a-f]{32}@missing-message-id\.invalid>$/);
    expect(retry.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
  });

  it('keeps multipart attachments within the limit and refuses the others with a reason', async () => {
    const request = await multipart(mailgunFields('b'.repeat(50)), [
      new File([Buffer.alloc(300, 7)], 'receipt.pdf', { type: 'application/pdf' }),
      new File([Buffer.alloc(5000, 8)], 'photo.jpg', { type: 'image/jpeg' }),
    ]);
    const email = await webhook().receive(request);
    expect(email.attachments.map((file) => [file.filename, file.size, file.content.length])).toEqual([
      ['receipt.pdf', 300, 300],
    ]);
    expect(email.refusedAttachments).toEqual([
      { filename: 'photo.jpg', contentType: 'image/jpeg', size: 5000, reason: 'larger than 1000 bytes' },
    ]);
  });

  it('parses the raw MIME post (a route URL ending in mime)', async () => {
    const mime = [
      'From: Maria <maria@example.com>',
      'To: orders@acme.example',
      'Subject: Hello',
      'Message-ID: <mime-1@example.com>',
      '',
      'Do you deliver on Sundays?',
      '',
    ].join('\r\n');
    const email = await webhook().receive(
      urlencoded({
        recipient: 'orders@acme.example',
        'body-mime': mime,
        timestamp,
        token: 'c'.repeat(50),
        signature: signature('c'.repeat(50)),
      }),
    );
    expect(email).toMatchObject({ messageId: '<mime-1@example.com>', reply: 'Do you deliver on Sundays?' });
  });

  it.each([
    ['a forged signature', { signature: 'f'.repeat(64) }],
    ['a signature under another key', { signature: signature('d'.repeat(50), timestamp, 'key-other') }],
    [
      'a stale timestamp (6 minutes old)',
      {
        timestamp: String(nowMs / 1000 - 360),
        signature: signature('d'.repeat(50), String(nowMs / 1000 - 360)),
      },
    ],
    [
      'a timestamp from the future',
      {
        timestamp: String(nowMs / 1000 + 360),
        signature: signature('d'.repeat(50), String(nowMs / 1000 + 360)),
      },
    ],
    ['no signature', { signature: '' }],
  ])('rejects %s with invalid-signature (401)', async (_name, overrides) => {
    await expect(
      webhook().receive(urlencoded(mailgunFields('d'.repeat(50), overrides))),
    ).rejects.toMatchObject({
      code: 'invalid-signature',
      status: 401,
    });
  });

  it('rejects a replayed request (same token) inside the window', async () => {
    const receiver = webhook();
    const request = urlencoded(mailgunFields('e'.repeat(50)));
    await receiver.receive(request);
    await expect(receiver.receive(request)).rejects.toMatchObject({ code: 'invalid-signature' });
  });

  it('forgets tokens once they are past the window, and keeps at most the configured number', async () => {
    let clock = nowMs;
    const receiver = createMailgunWebhook({ signingKey, now: () => clock, maxRememberedTokens: 2 });
    const at = (token: string, seconds: number) =>
      urlencoded(
        mailgunFields(token, { timestamp: String(seconds), signature: signature(token, String(seconds)) }),
      );
    await receiver.receive(at('t1'.padEnd(50, 'x'), nowMs / 1000));
    await receiver.receive(at('t2'.padEnd(50, 'x'), nowMs / 1000));
    await receiver.receive(at('t3'.padEnd(50, 'x'), nowMs / 1000));
    // t1 was evicted by the cap (its timestamp is still in the window, so only the cap lets it through again).
    await expect(receiver.receive(at('t1'.padEnd(50, 'x'), nowMs / 1000))).resolves.toBeDefined();
    await expect(receiver.receive(at('t3'.padEnd(50, 'x'), nowMs / 1000))).rejects.toMatchObject({
      code: 'invalid-signature',
    });
    clock += 11 * 60_000;
    await expect(receiver.receive(at('t4'.padEnd(50, 'x'), clock / 1000))).resolves.toBeDefined();
  });

  it('answers 413 for an oversize body, 415 for JSON, 400 for a missing recipient', async () => {
    const small = createMailgunWebhook({ signingKey, now: () => nowMs, maxBodyBytes: 1000 });
    await expect(small.receive(urlencoded(mailgunFields('f'.repeat(50))))).rejects.toMatchObject({
      status: 413,
    });
    await expect(
      webhook().receive({ headers: { 'content-type': 'application/json' }, rawBody: Buffer.from('{}') }),
    ).rejects.toMatchObject({ status: 415 });
    await expect(
      webhook().receive(urlencoded(mailgunFields('g'.repeat(50), { recipient: '' }))),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it('rejects every unsigned body and throws only StewardErrors (fuzzed)', async () => {
    const field = fc.constantFrom(
      'recipient',
      'from',
      'timestamp',
      'token',
      'signature',
      'message-headers',
      'body-plain',
      'attachment-count',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((bytes) => ({
            headers: { 'content-type': 'multipart/form-data; boundary=x' },
            rawBody: bytes,
          })),
          fc.dictionary(field, fc.string({ maxLength: 60 })).map((fields) => urlencoded(fields)),
          fc
            .dictionary(field, fc.string({ maxLength: 60 }))
            .map((fields) =>
              urlencoded({ ...mailgunFields('h'.repeat(50)), ...fields, signature: 'a'.repeat(64) }),
            ),
        ),
        async (request) => {
          try {
            await webhook().receive(request);
            expect.unreachable('an unsigned request was accepted');
          } catch (error) {
            expect(StewardError.isInstance(error)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('types every failure of a correctly signed but malformed post (fuzzed)', async () => {
    const field = fc.constantFrom(
      'recipient',
      'from',
      'message-headers',
      'body-plain',
      'body-mime',
      'attachment-count',
      'subject',
    );
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, fc.string({ maxLength: 80 })), async (fields) => {
        counter += 1;
        const token = `fuzz-${counter}`.padEnd(50, 'z');
        try {
          const email = await webhook().receive(
            urlencoded({ ...fields, timestamp, token, signature: signature(token) }),
          );
          expect(email.recipient).toContain('@');
        } catch (error) {
          expect(StewardError.isInstance(error)).toBe(true);
          expect((error as StewardError).code).toBe('invalid-request');
        }
      }),
      { numRuns: 300 },
    );
  });
});

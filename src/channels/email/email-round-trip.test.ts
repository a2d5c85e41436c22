import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { type SmtpRelay, startSmtpRelay } from '../../../test/support/smtp-relay.js';
import { createEmailSender, type EmailSender } from './email-sender.js';
import type { InboundEmail } from './email-types.js';
import { replyTextOf } from './reply-text.js';
import { type SmtpListener, startSmtpListener } from './smtp-listener.js';

describe('an email conversation over real SMTP', () => {
  let listener: SmtpListener | undefined;
  let relay: SmtpRelay | undefined;
  let sender: EmailSender | undefined;
  afterEach(async () => {
    sender?.close();
    await listener?.close();
    await relay?.close();
  });

  it('keeps one conversation key from the first message through our reply to the customer’s answer', async () => {
    const received: InboundEmail[] = [];
    listener = await startSmtpListener({
      port: 0,
      acceptRecipient: () => ({ accept: true }),
      onEmail: async (email) => {
        received.push(email);
      },
    });
    relay = await startSmtpRelay();
    sender = createEmailSender({
      smtp: { host: '127.0.0.1', port: relay.port },
      from: 'Acme <orders@acme.example>',
    });
    const customer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    });

    await customer.sendMail({
      from: 'maria@example.com',
      to: 'orders@acme.example',
      subject: 'Cake for Saturday',
      messageId: '<first@example.com>',
      text: 'Can you make a chocolate cake for Saturday?',
    });
    const first = received[0]!;
    await sender.send({
      to: first.from.address,
      markdown: 'Yes, **chocolate** works.',
      replyTo: first,
      idempotencyKey: 'r1',
    });
    const ours = await simpleParser(relay.messages[0]!.raw);

    // The customer's mail client answers our reply the usual way: In-Reply-To ours, References the chain.
    const references = [
      ...(Array.isArray(ours.references) ? ours.references : [ours.references ?? '']),
      ours.messageId!,
    ];
    await customer.sendMail({
      from: 'maria@example.com',
      to: 'orders@acme.example',
      subject: ours.subject!,
      messageId: '<second@example.com>',
      inReplyTo: ours.messageId!,
      references,
      text: `Great, thanks!\n\nOn Fri, Dec 4, 2026 Acme <orders@acme.example> wrote:\n> Yes, chocolate works.\n`,
    });
    const second = received[1]!;
    expect(ours.subject).toBe('Re: Cake for Saturday');
    expect(second.reply).toBe('Great, thanks!');
    expect([first.conversationKey, second.conversationKey]).toEqual([
      '<first@example.com>',
      '<first@example.com>',
    ]);
  });
});

describe('replyTextOf on arbitrary text (fuzzed)', () => {
  it('never throws and never returns more than it was given', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const reply = replyTextOf(text);
        expect(reply.length).toBeLessThanOrEqual(text.replace(/\r\n?/g, '\n').length);
      }),
      { numRuns: 300 },
    );
  });
});

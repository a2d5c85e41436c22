import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SmtpRelay, startSmtpRelay } from '../../../test/support/smtp-relay.js';
import { createEmailSender, type EmailSender, messageIdFor } from './email-sender.js';

const from = 'Acme Bakery <orders@acme.example>';
const original = {
  messageId: '<CAF=reply-2@mail.gmail.com>',
  references: ['<root-0@acme.example>', '<order-1@acme.example>'],
  subject: 'Re: Your cake order',
};

describe('email sender (real SMTP to a loopback relay)', () => {
  let relay: SmtpRelay;
  let sender: EmailSender;
  let scratch: string;
  let workspace: string;

  beforeEach(async () => {
    relay = await startSmtpRelay({ refuse: (recipient) => recipient.startsWith('bounce@') });
    sender = createEmailSender({
      smtp: { host: '127.0.0.1', port: relay.port },
      from,
      maxAttachmentBytes: 10_000,
    });
    scratch = mkdtempSync(join(tmpdir(), 'steward-email-'));
    workspace = join(scratch, 'workspace');
    mkdirSync(join(workspace, 'out'), { recursive: true });
    writeFileSync(join(workspace, 'out', 'quote.pdf'), Buffer.from('%PDF-1.4 quote'));
    writeFileSync(join(scratch, 'secret.txt'), 'tenant secrets');
  });
  afterEach(async () => {
    sender.close();
    await relay.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('sends a threaded reply: Re: subject, In-Reply-To, References, HTML with a text alternative, a workspace attachment', async () => {
    const result = await sender.send({
      to: 'maria.lopez@example.com',
      markdown:
        'Here is your **quote**, see [our terms](https://acme.example/terms).\n\n- 1 chocolate cake\n- delivery',
      replyTo: original,
      attachments: ['out/quote.pdf'],
      workspaceDirectory: workspace,
      idempotencyKey: 'reply-42',
    });
    expect(result).toEqual({
      messageId: messageIdFor('reply-42', from),
      accepted: ['maria.lopez@example.com'],
      rejected: [],
    });
    expect(relay.messages).toHaveLength(1);
    const raw = relay.messages[0]!.raw.toString('utf8');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    const mail = await simpleParser(relay.messages[0]!.raw);
    expect(mail.subject).toBe('Re: Your cake order');
    expect(mail.messageId).toBe(result.messageId);
    expect(mail.inReplyTo).toBe('<CAF=reply-2@mail.gmail.com>');
    expect(mail.references).toEqual([
      '<root-0@acme.example>',
      '<order-1@acme.example>',
      '<CAF=reply-2@mail.gmail.com>',
    ]);
    expect(mail.text?.trim()).toBe(
      'Here is your quote, see our terms <https://acme.example/terms>.\n\n- 1 chocolate cake\n- delivery',
    );
    expect(mail.html).toContain('<strong>quote</strong>');
    expect(mail.html).toContain('<a href="https://acme.example/terms">our terms</a>');
    expect(mail.html).toContain('<ul><li>1 chocolate cake</li><li>delivery</li></ul>');
    expect(mail.attachments.map((file) => [file.filename, file.content.toString()])).toEqual([
      ['quote.pdf', '%PDF-1.4 quote'],
    ]);
  });

  it('gives a retry the same Message-ID (derived from the idempotency key), another key another one', async () => {
    const message = {
      to: 'maria@example.com',
      subject: 'Your order',
      markdown: 'Ready!',
      idempotencyKey: 'k-1',
    };
    const first = await sender.send(message);
    const retry = await sender.send(message);
    const other = await sender.send({ ...message, idempotencyKey: 'k-2' });
    expect(retry.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
    expect(first.messageId).toMatch(/^<steward\.[0-9a-f]{40}@acme\.example>$/);
    const ids = await Promise.all(
      relay.messages.map(async (relayed) => (await simpleParser(relayed.raw)).messageId),
    );
    expect(ids).toEqual([first.messageId, first.messageId, other.messageId]);
  });

  it.each([
    ['a path climbing out', () => '../secret.txt'],
    ['an absolute path outside', () => join(scratch, 'secret.txt')],
    [
      'a symlink inside pointing outside',
      () => {
        symlinkSync(join(scratch, 'secret.txt'), join(workspace, 'out', 'innocent.pdf'));
        return 'out/innocent.pdf';
      },
    ],
  ])('refuses %s (permission-denied) and sends nothing', async (_name, pathOf) => {
    await expect(
      sender.send({
        to: 'maria@example.com',
        markdown: 'x',
        attachments: [pathOf()],
        workspaceDirectory: workspace,
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({ code: 'permission-denied' });
    expect(relay.messages).toHaveLength(0);
  });

  it('refuses a missing or oversize attachment, and attachments without a workspace', async () => {
    await expect(
      sender.send({
        to: 'm@example.com',
        markdown: 'x',
        attachments: ['out/none.pdf'],
        workspaceDirectory: workspace,
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({ code: 'not-found' });
    writeFileSync(join(workspace, 'out', 'big.bin'), Buffer.alloc(20_000));
    await expect(
      sender.send({
        to: 'm@example.com',
        markdown: 'x',
        attachments: ['out/big.bin'],
        workspaceDirectory: workspace,
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({ code: 'payload-too-large' });
    await expect(
      sender.send({
        to: 'm@example.com',
        markdown: 'x',
        attachments: ['out/quote.pdf'],
        idempotencyKey: 'k',
      }),
    ).rejects.toMatchObject({
      code: 'invalid-request',
    });
    expect(relay.messages).toHaveLength(0);
  });

  it('reports a recipient the relay refuses as a typed error with the SMTP code', async () => {
    await expect(
      sender.send({ to: 'bounce@example.com', markdown: 'x', idempotencyKey: 'k' }),
    ).rejects.toMatchObject({
      code: 'invalid-request',
      details: { responseCode: 550 },
    });
  });
});

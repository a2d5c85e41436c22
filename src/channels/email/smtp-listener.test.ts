import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEmail } from './email-types.js';
import { type SmtpListener, type SmtpListenerOptions, startSmtpListener } from './smtp-listener.js';

const known = new Set(['orders@acme.example', 'hello@globex.example']);

describe('SMTP listener (real SMTP over loopback, nodemailer as the sending server)', () => {
  let listener: SmtpListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  async function start(extra: Partial<SmtpListenerOptions> = {}) {
    const received: InboundEmail[] = [];
    const dropped: Array<{ recipient: string | undefined; reason: string }> = [];
    listener = await startSmtpListener({
      port: 0,
      acceptRecipient: (address) =>
        known.has(address)
          ? { accept: true }
          : address.endsWith('@acme.example')
            ? { accept: false, reason: 'unknown address', drop: true }
            : { accept: false, reason: 'no such mailbox here' },
      onEmail: async (email) => {
        received.push(email);
      },
      onDropped: (event) => dropped.push(event),
      ...extra,
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    });
    return { received, dropped, transport };
  }

  it('receives a Gmail-style reply: threading ids, the reply without the quote, attachments within limits', async () => {
    const { received, transport } = await start({ maxAttachmentBytes: 1000 });
    const info = await transport.sendMail({
      from: 'Maria Lopez <Maria.Lopez@example.com>',
      to: 'Acme Bakery <orders@acme.example>',
      subject: 'Re: Your cake order',
      messageId: '<CAF=reply-2@mail.gmail.com>',
      inReplyTo: '<order-1@acme.example>',
      references: ['<root-0@acme.example>', '<order-1@acme.example>'],
      text: [
        'Saturday at 10 works, thank you!',
        '',
        'Sent from my iPhone',
        '',
        'On Thu, Dec 3, 2026 at 4:12 PM Acme Bakery <orders@acme.example> wrote:',
        '> Hi Maria, we have openings Saturday at 10am and 2pm.',
        '> Acme Bakery',
      ].join('\n'),
      html: '<div>Saturday at 10 works, thank you!</div><blockquote>Hi Maria, we have openings</blockquote>',
      attachments: [
        { filename: 'sketch.png', content: Buffer.alloc(500, 1), contentType: 'image/png' },
        { filename: '../../etc/big.pdf', content: Buffer.alloc(5000, 2), contentType: 'application/pdf' },
      ],
    });
    expect(info.accepted).toEqual(['orders@acme.example']);
    expect(received).toHaveLength(1);
    const email = received[0]!;
    expect(email).toMatchObject({
      from: { address: 'maria.lopez@example.com', name: 'Maria Lopez' },
      to: [{ address: 'orders@acme.example', name: 'Acme Bakery' }],
      recipient: 'orders@acme.example',
      subject: 'Re: Your cake order',
      reply: 'Saturday at 10 works, thank you!',
      messageId: '<CAF=reply-2@mail.gmail.com>',
      inReplyTo: '<order-1@acme.example>',
      references: ['<root-0@acme.example>', '<order-1@acme.example>'],
      conversationKey: '<root-0@acme.example>',
    });
    expect(email.html).toContain('<blockquote>');
    expect(email.attachments).toHaveLength(1);
    expect(email.attachments[0]).toMatchObject({
      filename: 'sketch.png',
      contentType: 'image/png',
      size: 500,
    });
    expect(email.attachments[0]!.content.equals(Buffer.alloc(500, 1))).toBe(true);
    expect(email.refusedAttachments).toEqual([
      { filename: 'big.pdf', contentType: 'application/pdf', size: 5000, reason: 'larger than 1000 bytes' },
    ]);
  });

  it('rejects an unknown recipient at RCPT TO (550) and drops an unknown address of a served domain, reporting why', async () => {
    const { received, dropped, transport } = await start();
    await expect(
      transport.sendMail({ from: 'a@example.com', to: 'someone@elsewhere.example', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    const info = await transport.sendMail({
      from: 'a@example.com',
      to: ['nobody@acme.example', 'hello@globex.example'],
      subject: 'Hi',
      text: 'Hello there',
    });
    expect(info.accepted).toEqual(['nobody@acme.example', 'hello@globex.example']);
    expect(received.map((email) => email.recipient)).toEqual(['hello@globex.example']);
    expect(dropped).toEqual([
      { recipient: 'nobody@acme.example', from: 'a@example.com', reason: 'unknown address' },
    ]);
  });

  it('refuses a message over the size limit (552) and hands nothing on', async () => {
    const { received, transport } = await start({ maxMessageBytes: 20_000 });
    await expect(
      transport.sendMail({
        from: 'a@example.com',
        to: 'orders@acme.example',
        subject: 'big',
        text: 'x'.repeat(50_000),
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(received).toHaveLength(0);
  });

  it('answers 451 when the handler fails, so the sending server retries; the retry is taken', async () => {
    let failures = 1;
    const received: InboundEmail[] = [];
    const { transport } = await start({
      onEmail: async (email) => {
        if (failures-- > 0) throw new Error('store down');
        received.push(email);
      },
    });
    const mail = {
      from: 'a@example.com',
      to: 'orders@acme.example',
      subject: 'Order',
      text: 'One loaf please',
    };
    await expect(transport.sendMail(mail)).rejects.toMatchObject({ responseCode: 451 });
    await transport.sendMail(mail);
    expect(received.map((email) => email.reply)).toEqual(['One loaf please']);
  });

  it('forgets the recipients of a transaction reset before DATA (RSET): the next message goes only to its own', async () => {
    const { received } = await start();
    const socket = createConnection({ host: '127.0.0.1', port: listener!.port });
    socket.setEncoding('utf8');
    let buffer = '';
    const waitFor = (code: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          const lines = buffer.split('\r\n');
          const index = lines.findIndex((line) => line.startsWith(`${code} `));
          if (index >= 0) {
            buffer = lines.slice(index + 1).join('\r\n');
            socket.off('data', onData);
            resolve();
          } else if (/^[45]\d\d /m.test(buffer)) reject(new Error(buffer));
        };
        const onData = (chunk: string) => {
          buffer += chunk;
          check();
        };
        socket.on('data', onData);
        check();
      });
    const say = async (line: string, code: string) => {
      socket.write(`${line}\r\n`);
      await waitFor(code);
    };
    await waitFor('220');
    await say('EHLO client.example', '250');
    await say('MAIL FROM:<a@example.com>', '250');
    await say('RCPT TO:<orders@acme.example>', '250');
    await say('RSET', '250');
    await say('MAIL FROM:<a@example.com>', '250');
    await say('RCPT TO:<hello@globex.example>', '250');
    await say('DATA', '354');
    await say(
      'From: a@example.com\r\nTo: hello@globex.example\r\nSubject: Hi\r\n\r\nOnly for Globex\r\n.',
      '250',
    );
    socket.end('QUIT\r\n');
    expect(received.map((email) => email.recipient)).toEqual(['hello@globex.example']);
  });

  it('offers STARTTLS with the given key and certificate, and takes mail over it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'steward-smtp-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-keyout',
          join(directory, 'key.pem'),
          '-out',
          join(directory, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const tls = {
        key: readFileSync(join(directory, 'key.pem')),
        cert: readFileSync(join(directory, 'cert.pem')),
      };
      const { received } = await start({ tls });
      const secureClient = nodemailer.createTransport({
        host: '127.0.0.1',
        port: listener!.port,
        secure: false,
        requireTLS: true,
        tls: { rejectUnauthorized: false },
      });
      const info = await secureClient.sendMail({
        from: 'a@example.com',
        to: 'orders@acme.example',
        subject: 'Over TLS',
        text: 'Encrypted hello',
      });
      expect(info.accepted).toEqual(['orders@acme.example']);
      expect(received.map((email) => email.reply)).toEqual(['Encrypted hello']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

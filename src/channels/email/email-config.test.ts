import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/index.js';
import { InvalidConfigError } from '../../errors/index.js';
import { emailChannelSchema } from '../config.js';
import { resolveEmailChannel } from './email-config.js';

const parse = (input: Record<string, unknown>) =>
  validateConfig(emailChannelSchema, { type: 'email', ...input });

describe('resolveEmailChannel', () => {
  it('keeps the issue’s config shape (smtp: host and port) and fills the rest from the environment', () => {
    const resolved = resolveEmailChannel(
      parse({ smtp: { host: '127.0.0.1', port: 2525 }, features: ['attachments', 'html'] }),
      {
        STEWARD_EMAIL_FROM: 'Acme <orders@acme.example>',
        STEWARD_EMAIL_ADDRESS: 'Orders@Acme.example',
        STEWARD_SMTP_USER: 'relay',
        STEWARD_SMTP_PASSWORD: 'secret',
        MAILGUN_WEBHOOK_SIGNING_KEY: 'key-1',
      },
    );
    expect(resolved).toEqual({
      smtp: { host: '127.0.0.1', port: 2525, secure: false, auth: { user: 'relay', pass: 'secret' } },
      from: 'Acme <orders@acme.example>',
      address: 'orders@acme.example',
      mailgunSigningKey: 'key-1',
      maxAttachmentBytes: undefined,
      listener: undefined,
    });
  });

  it('turns the SMTP listener on from `inbound.smtp` or STEWARD_SMTP_LISTEN_PORT, each field falling back to the environment', () => {
    const base = { smtp: { host: 'relay.example' }, from: 'a@b.example', address: 'a@b.example' };
    expect(resolveEmailChannel(parse({ ...base, inbound: { smtp: {} } }), {}).listener).toEqual({
      host: '127.0.0.1',
      port: 2525,
      maxMessageBytes: undefined,
    });
    expect(
      resolveEmailChannel(parse(base), {
        STEWARD_SMTP_LISTEN_PORT: '25',
        STEWARD_SMTP_LISTEN_HOST: '0.0.0.0',
        STEWARD_SMTP_MAX_MESSAGE_BYTES: '1000000',
      }).listener,
    ).toEqual({ host: '0.0.0.0', port: 25, maxMessageBytes: 1_000_000 });
    expect(
      resolveEmailChannel(parse({ ...base, inbound: { smtp: { port: 2600, host: '::1' } } }), {
        STEWARD_SMTP_LISTEN_PORT: '25',
      }).listener,
    ).toEqual({ host: '::1', port: 2600, maxMessageBytes: undefined });
    expect(() => resolveEmailChannel(parse(base), { STEWARD_SMTP_LISTEN_PORT: 'smtp' })).toThrow(
      /inbound\.smtp\.port.*STEWARD_SMTP_LISTEN_PORT/s,
    );
  });

  it('takes the listener’s STARTTLS files from `inbound.smtp.tls` or both STEWARD_SMTP_TLS_* variables, and refuses one without the other', () => {
    const base = { smtp: { host: 'relay.example' }, from: 'a@b.example', address: 'a@b.example' };
    expect(
      resolveEmailChannel(
        parse({ ...base, inbound: { smtp: { tls: { keyFile: '/k.pem', certFile: '/c.pem' } } } }),
        {},
      ).listener?.tls,
    ).toEqual({ keyFile: '/k.pem', certFile: '/c.pem', required: false });
    expect(
      resolveEmailChannel(parse({ ...base, inbound: { smtp: {} } }), {
        STEWARD_SMTP_TLS_KEY_FILE: '/k.pem',
        STEWARD_SMTP_TLS_CERT_FILE: '/c.pem',
        STEWARD_SMTP_TLS_REQUIRED: 'true',
      }).listener?.tls,
    ).toEqual({ keyFile: '/k.pem', certFile: '/c.pem', required: true });
    expect(resolveEmailChannel(parse({ ...base, inbound: { smtp: {} } }), {}).listener?.tls).toBeUndefined();
    expect(() =>
      resolveEmailChannel(parse({ ...base, inbound: { smtp: {} } }), { STEWARD_SMTP_TLS_KEY_FILE: '/k.pem' }),
    ).toThrow(/inbound\.smtp\.tls.*STEWARD_SMTP_TLS_CERT_FILE/s);
  });

  it('lists every missing setting with every way to supply it', () => {
    try {
      resolveEmailChannel(parse({ inbound: { mailgun: {} } }), {
        STEWARD_SMTP_USER: 'relay',
        STEWARD_SMTP_PORT: 'smtp',
      });
      expect.unreachable();
    } catch (error) {
      expect(InvalidConfigError.isInstance(error)).toBe(true);
      expect((error as InvalidConfigError).issues.map((issue) => issue.path)).toEqual([
        'channels.email.smtp.host',
        'channels.email.from',
        'channels.email.address',
        'channels.email.smtp.port',
        'channels.email.smtp.auth',
        'channels.email.inbound.mailgun.signingKey',
      ]);
      expect((error as Error).message).toContain('or the environment variable MAILGUN_WEBHOOK_SIGNING_KEY');
    }
  });
});

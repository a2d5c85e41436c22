/** The `email` channel config resolved once: relay, sender and inbound secrets from the config or the environment, or an error listing every way. */
import type { z } from 'zod';
import { type ConfigIssue, InvalidConfigError } from '../../errors/index.js';
import type { emailChannelSchema } from '../config.js';
import type { SmtpConfig } from './email-sender.js';

export type EmailChannelConfig = z.output<typeof emailChannelSchema>;

export interface ResolvedEmailChannel {
  smtp: SmtpConfig;
  from: string;
  /** The inbound address, lower-cased. */
  address: string;
  /** Present when the Mailgun webhook is configured (`inbound.mailgun`) or its key is in the environment. */
  mailgunSigningKey: string | undefined;
  maxAttachmentBytes: number | undefined;
  /** Present when the SMTP listener is configured (`inbound.smtp`) or `STEWARD_SMTP_LISTEN_PORT` is set. */
  listener:
    | {
        host: string;
        port: number;
        maxMessageBytes: number | undefined;
        /** STARTTLS offered with these PEM files (read when the listener starts). */
        tls?: { keyFile: string; certFile: string; required: boolean };
      }
    | undefined;
}

/**
 * @example
 * const email = resolveEmailChannel(parsedChannel, process.env);
 * createEmailSender({ smtp: email.smtp, from: email.from });
 */
export function resolveEmailChannel(
  config: EmailChannelConfig,
  environment: Record<string, string | undefined> = process.env,
  path = 'channels.email',
): ResolvedEmailChannel {
  const issues: ConfigIssue[] = [];
  const env = (name: string) => nonEmpty(environment[name]);
  const require = (option: string, given: string | undefined, variable: string, example: string): string => {
    if (given !== undefined) return given;
    issues.push({
      path: `${path}.${option}`,
      received: 'nothing',
      expected: `the option \`${option}\` in the channel config, or the environment variable ${variable} (e.g. ${example})`,
    });
    return '';
  };
  const host = require('smtp.host', config.smtp?.host ??
    env('STEWARD_SMTP_HOST'), 'STEWARD_SMTP_HOST', 'smtp.example.com');
  const from = require('from', config.from ??
    env('STEWARD_EMAIL_FROM'), 'STEWARD_EMAIL_FROM', 'Acme <orders@acme.example>');
  const address = require('address', config.address ??
    env('STEWARD_EMAIL_ADDRESS'), 'STEWARD_EMAIL_ADDRESS', 'orders@acme.example');
  const portText = env('STEWARD_SMTP_PORT');
  const port = config.smtp?.port ?? (portText === undefined ? undefined : Number(portText));
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    issues.push({
      path: `${path}.smtp.port`,
      received: String(portText),
      expected: 'a port 1-65535 (STEWARD_SMTP_PORT)',
    });
  }
  const user = config.smtp?.auth?.user ?? env('STEWARD_SMTP_USER');
  const pass = config.smtp?.auth?.pass ?? env('STEWARD_SMTP_PASSWORD');
  if ((user === undefined) !== (pass === undefined)) {
    issues.push({
      path: `${path}.smtp.auth`,
      received: user === undefined ? 'a password without a user' : 'a user without a password',
      expected:
        'both `smtp.auth.user` and `smtp.auth.pass` in the channel config, or both STEWARD_SMTP_USER and STEWARD_SMTP_PASSWORD, or neither (an unauthenticated relay)',
    });
  }
  let mailgunSigningKey: string | undefined;
  if (config.inbound?.mailgun !== undefined) {
    mailgunSigningKey = require('inbound.mailgun.signingKey', config.inbound.mailgun.signingKey ??
      env(
        'MAILGUN_WEBHOOK_SIGNING_KEY',
      ), 'MAILGUN_WEBHOOK_SIGNING_KEY', 'the HTTP webhook signing key from Mailgun → Sending → Webhooks');
  } else {
    mailgunSigningKey = env('MAILGUN_WEBHOOK_SIGNING_KEY');
  }
  const listener = listenerOf(config, env, path, issues);
  if (issues.length > 0) throw new InvalidConfigError(issues, 'email channel config');
  const secure = config.smtp?.secure ?? env('STEWARD_SMTP_SECURE') === 'true';
  return {
    smtp: {
      host,
      ...(port === undefined ? {} : { port }),
      secure,
      ...(user !== undefined && pass !== undefined ? { auth: { user, pass } } : {}),
      ...(config.smtp?.requireTls === undefined ? {} : { requireTls: config.smtp.requireTls }),
    },
    from,
    address: address.toLowerCase(),
    mailgunSigningKey,
    maxAttachmentBytes: config.maxAttachmentBytes,
    listener,
  };
}

/** The inbound SMTP listener's address and size limit, each from the config, else the environment, else the default. */
function listenerOf(
  config: EmailChannelConfig,
  env: (name: string) => string | undefined,
  path: string,
  issues: ConfigIssue[],
): ResolvedEmailChannel['listener'] {
  const given = config.inbound?.smtp;
  const portText = env('STEWARD_SMTP_LISTEN_PORT');
  if (given === undefined && portText === undefined) return undefined;
  const whole = (option: string, variable: string, text: string | undefined, min: number, max: number) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    issues.push({
      path: `${path}.inbound.smtp.${option}`,
      received: text,
      expected: `a whole number ${min}-${max} (${variable})`,
    });
    return undefined;
  };
  const port = given?.port ?? whole('port', 'STEWARD_SMTP_LISTEN_PORT', portText, 0, 65535) ?? 2525;
  const maxMessageBytes =
    given?.maxMessageBytes ??
    whole(
      'maxMessageBytes',
      'STEWARD_SMTP_MAX_MESSAGE_BYTES',
      env('STEWARD_SMTP_MAX_MESSAGE_BYTES'),
      1,
      Number.MAX_SAFE_INTEGER,
    );
  const tls = tlsOf(given?.tls, env, path, issues);
  return {
    host: given?.host ?? env('STEWARD_SMTP_LISTEN_HOST') ?? '127.0.0.1',
    port,
    maxMessageBytes,
    ...(tls === undefined ? {} : { tls }),
  };
}

/** The listener's STARTTLS files: both from the config, or both from the environment, or none. */
function tlsOf(
  given: { keyFile: string; certFile: string; required?: boolean | undefined } | undefined,
  env: (name: string) => string | undefined,
  path: string,
  issues: ConfigIssue[],
): { keyFile: string; certFile: string; required: boolean } | undefined {
  if (given !== undefined) {
    return { keyFile: given.keyFile, certFile: given.certFile, required: given.required ?? false };
  }
  const keyFile = env('STEWARD_SMTP_TLS_KEY_FILE');
  const certFile = env('STEWARD_SMTP_TLS_CERT_FILE');
  if (keyFile === undefined && certFile === undefined) return undefined;
  if (keyFile === undefined || certFile === undefined) {
    issues.push({
      path: `${path}.inbound.smtp.tls`,
      received: keyFile === undefined ? 'a certificate without a key' : 'a key without a certificate',
      expected:
        'both `inbound.smtp.tls.keyFile` and `inbound.smtp.tls.certFile` in the channel config, or both STEWARD_SMTP_TLS_KEY_FILE and STEWARD_SMTP_TLS_CERT_FILE (PEM files), or neither (plain SMTP)',
    });
    return undefined;
  }
  return { keyFile, certFile, required: env('STEWARD_SMTP_TLS_REQUIRED') === 'true' };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

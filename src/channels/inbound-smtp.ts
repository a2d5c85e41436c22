/**
 * The email channel's SMTP listener fed into the channels core: each recipient is checked against the
 * routing table while the sending server waits, and a message is acknowledged (250) only after its copy
 * for each bound recipient is committed to the queue; an unknown recipient is accepted, dropped and recorded.
 */
import { readFileSync } from 'node:fs';
import { StewardError } from '../errors/index.js';
import type { ChannelCore } from './core.js';
import { type EmailChannel, emailDraftOf, type SmtpListener, startSmtpListener } from './email/index.js';

export interface InboundSmtpOptions {
  core: ChannelCore;
  /** The email adapter in `core`'s adapters; its `config.listener` says where to listen. */
  email: EmailChannel;
  /** Overrides `email.config.listener` (tests: `{ port: 0 }`). */
  listen?: {
    host?: string;
    port?: number;
    maxMessageBytes?: number;
    tls?: { keyFile: string; certFile: string; required: boolean };
  };
  now?: () => number;
  /** Told when recording a drop failed (the message itself was answered already). */
  onError?: (error: unknown) => void;
}

/**
 * Starts the listener; resolves once it listens. Mail for an address no agent is bound to is dropped (the
 * sender learns nothing about which addresses exist) and recorded in `channel_drops` as `unknown-destination`.
 *
 * @example
 * const listener = await startInboundSmtp({ core, email });
 * console.log(`SMTP on ${listener.host}:${listener.port}`);
 * await listener.close();
 */
export async function startInboundSmtp(options: InboundSmtpOptions): Promise<SmtpListener> {
  const { core, email } = options;
  const now = options.now ?? Date.now;
  const listen = { ...email.config.listener, ...options.listen };
  const maxMessageBytes = listen.maxMessageBytes;
  const maxAttachmentBytes = email.config.maxAttachmentBytes;
  const tls = listen.tls === undefined ? undefined : readTlsFiles(listen.tls);
  return startSmtpListener({
    ...(tls === undefined ? {} : { tls }),
    ...(listen.host === undefined ? {} : { host: listen.host }),
    ...(listen.port === undefined ? {} : { port: listen.port }),
    ...(maxMessageBytes === undefined ? {} : { maxMessageBytes }),
    ...(maxAttachmentBytes === undefined ? {} : { maxAttachmentBytes }),
    async acceptRecipient(address) {
      const binding = await core.bindings.route('email', address);
      return binding ? { accept: true } : { accept: false, drop: true, reason: 'unknown-destination' };
    },
    // A copy whose binding went away since RCPT TO is dropped and recorded by the core, like a webhook's.
    onEmail: (inbound) => core.accept([emailDraftOf(inbound, now())]),
    onDropped(event) {
      core
        .recordDrop('email', undefined, event.recipient, event.reason.slice(0, 200))
        .catch((error: unknown) => options.onError?.(error));
    },
  });
}

/** The STARTTLS key and certificate, read now: a file that cannot be read stops the start with its name. */
function readTlsFiles(files: { keyFile: string; certFile: string; required: boolean }): {
  key: Buffer;
  cert: Buffer;
  required: boolean;
} {
  const read = (file: string, what: string, option: string, variable: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new StewardError(
        'invalid-config',
        `the SMTP listener's TLS ${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
          `set \`inbound.smtp.tls.${option}\` in the email entry or ${variable} to a readable PEM file`,
        { cause: error },
      );
    }
  };
  return {
    key: read(files.keyFile, 'key', 'keyFile', 'STEWARD_SMTP_TLS_KEY_FILE'),
    cert: read(files.certFile, 'certificate', 'certFile', 'STEWARD_SMTP_TLS_CERT_FILE'),
    required: files.required,
  };
}

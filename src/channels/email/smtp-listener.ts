/**
 * The inbound SMTP listener (`smtp-server`): recipients checked while the sender is still connected, the
 * message size capped, each accepted copy parsed and handed on; a message is acknowledged (250) only after
 * the handler resolved, so a failure there makes the sending server retry (451).
 */
import type { AddressInfo } from 'node:net';
import type * as SmtpServer from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerOptions } from 'smtp-server';
import { StewardError, toStewardError } from '../../errors/index.js';
import { lazyRequire } from '../../loading/index.js';
import type { AttachmentLimits, InboundEmail } from './email-types.js';
import { parseRawEmail } from './parse-email.js';

// Loaded on first use: a server without this channel never loads the package.
const smtpServer = lazyRequire<typeof SmtpServer>('smtp-server');

/**
 * What to do with a recipient: accept it; reject it (550, the sender learns it does not exist); or drop it
 * (accepted at SMTP, discarded and reported, so probing cannot learn which addresses exist).
 */
export type RecipientDecision = { accept: true } | { accept: false; reason: string; drop?: boolean };

export interface SmtpListenerOptions extends AttachmentLimits {
  /** Default 127.0.0.1; `0.0.0.0` to take mail from the internet. */
  host?: string;
  /** 0 for any free port (tests). Default 2525. */
  port?: number;
  /** Largest message taken, in bytes (announced as SIZE; a larger one gets 552). Default 25 MiB. */
  maxMessageBytes?: number;
  /** Name in the greeting. Default `steward`. */
  name?: string;
  /**
   * Key and certificate (PEM) to offer STARTTLS, as sending mail servers expect on port 25; absent: plain SMTP
   * only (a listener behind a TLS-terminating proxy, or loopback).
   */
  tls?: {
    key: string | Buffer;
    cert: string | Buffer /** Refuse MAIL before STARTTLS (530). */;
    required?: boolean;
  };
  /** Decides each RCPT TO (the core knows which addresses belong to which tenant's agent). */
  acceptRecipient(address: string): RecipientDecision | Promise<RecipientDecision>;
  /** Receives each parsed copy, one per accepted recipient; a rejection makes the sender retry later. */
  onEmail(email: InboundEmail): Promise<void>;
  /** Told about each dropped recipient and each refused message, with the reason. */
  onDropped?(event: { recipient: string | undefined; from: string | undefined; reason: string }): void;
}

export interface SmtpListener {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/**
 * @example
 * const listener = await startSmtpListener({
 *   port: 2525,
 *   acceptRecipient: (address) => (routes.has(address) ? { accept: true } : { accept: false, reason: 'unknown address' }),
 *   onEmail: async (email) => queue.enqueue(email),
 * });
 */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  /** Recipients accepted per session (smtp-server keeps dropped ones in the envelope too). */
  const accepted = new WeakMap<object, string[]>();

  const serverOptions: SMTPServerOptions = {
    name: options.name ?? 'steward',
    size: maxMessageBytes,
    authOptional: true,
    disabledCommands: options.tls === undefined ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    logger: false,
    maxClients: 100,
    socketTimeout: 60_000,
    ...(options.tls === undefined ? {} : { key: options.tls.key, cert: options.tls.cert }),
    onMailFrom(_address, session, callback) {
      if (options.tls?.required === true && !session.secure) {
        callback(smtpError(530, '5.7.0 Must issue a STARTTLS command first'));
        return;
      }
      // A new transaction (also after RSET) starts with no recipients: none may carry over into another
      // tenant's message.
      accepted.set(session, []);
      callback();
    },
    onRcptTo(address, session, callback) {
      const recipient = address.address.toLowerCase();
      Promise.resolve()
        .then(() => options.acceptRecipient(recipient))
        .then(
          (decision) => {
            if (decision.accept) {
              accepted.set(session, [...(accepted.get(session) ?? []), recipient]);
              callback();
            } else if (decision.drop === true) {
              options.onDropped?.({ recipient, from: mailFromOf(session), reason: decision.reason });
              callback();
            } else {
              callback(smtpError(550, `5.1.1 <${recipient}>: ${decision.reason}`));
            }
          },
          () => callback(smtpError(451, '4.3.0 Recipient check failed, try again later')),
        );
    },
    onData(stream, session, callback) {
      readStream(stream, maxMessageBytes).then(
        async (raw) => {
          const recipients = accepted.get(session) ?? [];
          accepted.delete(session);
          if (raw === undefined) {
            options.onDropped?.({
              recipient: undefined,
              from: mailFromOf(session),
              reason: 'message too large',
            });
            callback(smtpError(552, `5.3.4 Message larger than ${maxMessageBytes} bytes`));
            return;
          }
          if (recipients.length === 0) {
            callback();
            return;
          }
          try {
            for (const recipient of recipients) {
              await options.onEmail(await parseRawEmail(raw, { ...options, recipient }));
            }
            callback();
          } catch (error) {
            const typed = toStewardError(error);
            if (typed.code === 'invalid-request') {
              options.onDropped?.({
                recipient: recipients[0],
                from: mailFromOf(session),
                reason: typed.message,
              });
              callback(smtpError(554, `5.6.0 ${typed.message}`));
            } else {
              callback(smtpError(451, '4.3.0 Message not stored, try again later'));
            }
          }
        },
        () => callback(smtpError(451, '4.3.0 Message not received, try again later')),
      );
    },
  };

  const server = new (smtpServer().SMTPServer)(serverOptions);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 2525, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors on client sockets (a reset connection) are the client's problem, not the listener's.
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    host,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The whole message, or undefined when it passed the size limit (the rest is drained, not kept). */
async function readStream(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size <= maxBytes) chunks.push(chunk as Buffer);
  }
  return stream.sizeExceeded || size > maxBytes ? undefined : Buffer.concat(chunks);
}

function mailFromOf(session: { envelope: { mailFrom: false | { address: string } } }): string | undefined {
  return session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address;
}

function smtpError(responseCode: number, message: string): Error {
  const error = new StewardError(responseCode >= 500 ? 'invalid-request' : 'store-unavailable', message);
  return Object.assign(error, { responseCode });
}

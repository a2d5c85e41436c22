/**
 * A local SMTP server standing in for the outbound relay (smtp.example.com): it keeps every message it is
 * given, raw, and can refuse recipients.
 *
 *   const relay = await startSmtpRelay();
 *   createEmailSender({ smtp: { host: '127.0.0.1', port: relay.port }, from });
 *   relay.messages[0].raw
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RelayedMessage {
  mailFrom: string | undefined;
  recipients: string[];
  raw: Buffer;
}

export interface SmtpRelay {
  port: number;
  messages: RelayedMessage[];
  close(): Promise<void>;
}

export async function startSmtpRelay(
  options: { refuse?: (recipient: string) => boolean } = {},
): Promise<SmtpRelay> {
  const messages: RelayedMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'relay-user' });
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address) === true) {
        callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }));
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          mailFrom: session.envelope.mailFrom === false ? undefined : session.envelope.mailFrom.address,
          recipients: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Replies by SMS through Twilio's REST API (the `twilio` package), at most once per idempotency key, and
 * never to a sender who opted out of the tenant's number.
 */
import { createHash } from 'node:crypto';
import type TwilioSdk from 'twilio';
import { StewardError } from '../../errors/index.js';
import { lazyRequire } from '../../loading/index.js';
import type { StewardStore } from '../../store/index.js';
import { SmsOptOutRepository } from './opt-out-repository.js';
import { type OutboundEntry, SmsOutboundLedger } from './outbound-ledger.js';
import { fitShortResponse } from './short-response.js';

// Loaded on first use: a server without this channel never loads the package.
const twilio = lazyRequire<typeof TwilioSdk>('twilio');

export interface TwilioSenderConfig {
  accountSid: string;
  authToken: string;
  /** The tenant's number messages are sent from (E.164). */
  from: string;
  /** Twilio's API origin; tests point it at a local server. Default `https://api.twilio.com`. */
  apiUrl?: string;
  /** `short_responses`: fit each reply into this many segments. Absent: the text is sent as given (plain). */
  maxSegments?: number;
  /**
   * A `sending` entry older than this is taken as an attempt that died mid-call: the next retry looks for it
   * at Twilio before sending again. Default 60 s.
   */
  staleAfterMs?: number;
}

export interface SmsOutbound {
  /** The customer's number (E.164). */
  to: string;
  /** The reply, markdown allowed (made plain). */
  text: string;
  /** MMS: public URLs of media to attach (Twilio fetches them). */
  mediaUrls?: string[];
  /** The same key for every retry of the same reply; a retry never sends it twice. */
  idempotencyKey: string;
}

export type SmsSendResult =
  | { status: 'sent'; messageSid: string; duplicate: boolean; text: string }
  | { status: 'opted-out' };

export interface SmsSender {
  send(message: SmsOutbound): Promise<SmsSendResult>;
}

/**
 * @example
 * const sender = createTwilioSmsSender(
 *   { accountSid, authToken, from: '+15550001111', maxSegments: 2 },
 *   { store, tenantId: 'acme' },
 * );
 * await sender.send({ to: '+15557654321', text: 'We open at **9am**.', idempotencyKey: 'reply-42' });
 */
export function createTwilioSmsSender(
  config: TwilioSenderConfig,
  dependencies: { store: StewardStore; tenantId: string; now?: () => number },
): SmsSender {
  const now = dependencies.now ?? Date.now;
  const optOuts = new SmsOptOutRepository(dependencies.store, now);
  const ledger = new SmsOutboundLedger(dependencies.store, dependencies.tenantId, now);
  const staleAfterMs = config.staleAfterMs ?? 60_000;
  const client = twilio()(config.accountSid, config.authToken, {
    ...(config.apiUrl === undefined ? {} : { httpClient: requestClientFor(new URL(config.apiUrl)) }),
    autoRetry: false,
  });

  async function create(message: SmsOutbound, body: string): Promise<string> {
    const created = await client.messages.create({
      to: message.to,
      from: config.from,
      ...(body === '' ? {} : { body }),
      ...(message.mediaUrls !== undefined && message.mediaUrls.length > 0
        ? { mediaUrl: message.mediaUrls }
        : {}),
    });
    return created.sid;
  }

  /** Looks at Twilio for a message this attempt may already have sent (same number pair, body, since the claim). */
  async function findAtProvider(entry: OutboundEntry, body: string): Promise<string | undefined> {
    const listed = await client.messages.list({
      to: entry.recipient,
      from: config.from,
      dateSentAfter: new Date(entry.createdAt - 60_000),
      limit: 100,
    });
    return listed.find((candidate) => candidate.body === body)?.sid;
  }

  async function attempt(message: SmsOutbound, body: string, entry: OutboundEntry): Promise<SmsSendResult> {
    let messageSid: string;
    try {
      messageSid = await create(message, body);
    } catch (error) {
      const status = providerStatus(error);
      // A 4xx is a refusal (nothing was sent); anything else may have reached Twilio.
      const settled = status !== undefined && status >= 400 && status < 500 ? 'failed' : 'uncertain';
      const current = await ledger.find(message.idempotencyKey);
      if (current !== undefined) await ledger.transition(message.idempotencyKey, current, settled);
      if (status === 400 && providerCode(error) === 21610) {
        // Twilio knows the recipient opted out (STOP sent before we recorded it): record it too.
        await optOuts.optOut(
          { tenantId: entry.tenantId, tenantNumber: config.from, sender: message.to },
          'STOP',
        );
        return { status: 'opted-out' };
      }
      throw new StewardError(
        'runtime-failed',
        `Twilio did not take the SMS to ${message.to}: ${describe(error)}`,
        {
          cause: error,
          details: {
            idempotencyKey: message.idempotencyKey,
            providerStatus: status ?? null,
            outcome: settled,
          },
        },
      );
    }
    const current = await ledger.find(message.idempotencyKey);
    if (current !== undefined) await ledger.transition(message.idempotencyKey, current, 'sent', messageSid);
    return { status: 'sent', messageSid, duplicate: false, text: body };
  }

  return {
    async send(message) {
      const party = { tenantId: dependencies.tenantId, tenantNumber: config.from, sender: message.to };
      if (await optOuts.isOptedOut(party)) return { status: 'opted-out' };
      const body =
        config.maxSegments === undefined
          ? message.text
          : fitShortResponse(message.text, { maxSegments: config.maxSegments }).text;
      const contentHash = createHash('sha256')
        .update(JSON.stringify([message.to, body, message.mediaUrls ?? []]))
        .digest('hex');
      const claim = {
        idempotencyKey: message.idempotencyKey,
        tenantNumber: config.from,
        recipient: message.to,
        contentHash,
      };
      if (await ledger.claim(claim)) {
        const entry = await ledger.find(message.idempotencyKey);
        if (entry === undefined)
          throw new StewardError('internal', 'The SMS outbound entry vanished after its claim');
        return attempt(message, body, entry);
      }
      const entry = await ledger.find(message.idempotencyKey);
      if (entry === undefined)
        throw new StewardError('internal', 'The SMS outbound entry vanished after its claim');
      if (entry.contentHash !== contentHash) {
        throw new StewardError(
          'conflict',
          `The idempotency key ${message.idempotencyKey} was used for another SMS; use a new key for new content`,
        );
      }
      if (entry.status === 'sent' && entry.messageSid !== null) {
        return { status: 'sent', messageSid: entry.messageSid, duplicate: true, text: body };
      }
      if (entry.status === 'sending' && now() - entry.updatedAt < staleAfterMs) {
        throw new StewardError(
          'conflict',
          `The SMS for idempotency key ${message.idempotencyKey} is being sent by another attempt; retry later`,
        );
      }
      if (entry.status === 'sending' || entry.status === 'uncertain') {
        const found = await findAtProvider(entry, body);
        if (found !== undefined) {
          await ledger.transition(message.idempotencyKey, entry, 'sent', found);
          return { status: 'sent', messageSid: found, duplicate: true, text: body };
        }
      }
      if (!(await ledger.transition(message.idempotencyKey, entry, 'sending'))) {
        throw new StewardError(
          'conflict',
          `Another attempt took over the SMS for idempotency key ${message.idempotencyKey}; retry later`,
        );
      }
      const taken = await ledger.find(message.idempotencyKey);
      if (taken === undefined) throw new StewardError('internal', 'The SMS outbound entry vanished');
      return attempt(message, body, taken);
    },
  };
}

/** A Twilio HTTP client that sends every API call to another origin (a local server in tests, a proxy in some deployments). */
function requestClientFor(origin: URL): TwilioSdk.RequestClient {
  const client = new (twilio().RequestClient)();
  const request = client.request.bind(client);
  client.request = ((options: Parameters<typeof request>[0]) => {
    const target = new URL(options.uri);
    target.protocol = origin.protocol;
    target.host = origin.host;
    return request({ ...options, uri: target.href });
  }) as typeof client.request;
  return client;
}

function providerStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function providerCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

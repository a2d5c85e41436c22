/**
 * A local server that speaks the part of Twilio's Messages API our SMS sender uses (create and list), for
 * tests: it checks Basic auth, records every call, and can be told to fail the next calls.
 *
 *   const twilio = await startTwilioApiServer({ accountSid, authToken });
 *   ... createTwilioSmsSender({ apiUrl: twilio.url, ... }) ...
 *   twilio.messages // what was accepted
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedTwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  mediaUrls: string[];
  dateCreated: Date;
}

export interface PlannedFailure {
  status: number;
  /** Twilio's error code in the JSON body (e.g. 21610: the recipient texted STOP). */
  code?: number;
  /** Accept (record) the message, then answer with the failure: the provider has it, the caller does not know. */
  afterAccept?: boolean;
}

export interface TwilioApiServer {
  url: string;
  messages: RecordedTwilioMessage[];
  /** Every request, as method and path. */
  requests: Array<{ method: string; path: string }>;
  /** Fails the next calls that create a message, in order. */
  failNext(...failures: PlannedFailure[]): void;
  close(): Promise<void>;
}

export async function startTwilioApiServer(options: {
  accountSid: string;
  authToken: string;
}): Promise<TwilioApiServer> {
  const messages: RecordedTwilioMessage[] = [];
  const requests: Array<{ method: string; path: string }> = [];
  const failures: PlannedFailure[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const messagesPath = `/2010-04-01/Accounts/${options.accountSid}/Messages.json`;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      respond(response, 500, { code: 20500, message: String(error), status: 500 });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({ method: request.method ?? '', path: url.pathname });
    if (request.headers.authorization !== expectedAuth) {
      respond(response, 401, { code: 20003, message: 'Authenticate', status: 401 });
      return;
    }
    if (url.pathname !== messagesPath) {
      respond(response, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      return;
    }
    if (request.method === 'GET') {
      const to = url.searchParams.get('To');
      const from = url.searchParams.get('From');
      const listed = messages.filter(
        (message) => (to === null || message.to === to) && (from === null || message.from === from),
      );
      respond(response, 200, {
        messages: listed.map((message) => resourceOf(options.accountSid, message)),
        page: 0,
        page_size: 50,
        first_page_uri: `${messagesPath}?PageSize=50&Page=0`,
        next_page_uri: null,
        previous_page_uri: null,
        uri: `${messagesPath}?PageSize=50&Page=0`,
        start: 0,
        end: Math.max(0, listed.length - 1),
      });
      return;
    }
    if (request.method !== 'POST') {
      respond(response, 405, { code: 20004, message: 'Method not allowed', status: 405 });
      return;
    }
    const form = new URLSearchParams(await readBody(request));
    const failure = failures.shift();
    const message: RecordedTwilioMessage = {
      sid: `SM${String(messages.length + 1).padStart(32, '0')}`,
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      mediaUrls: form.getAll('MediaUrl'),
      dateCreated: new Date(),
    };
    if (failure !== undefined) {
      if (failure.afterAccept === true) messages.push(message);
      respond(response, failure.status, {
        code: failure.code ?? 20500,
        message: 'planned failure',
        more_info: 'https://www.twilio.com/docs/errors',
        status: failure.status,
      });
      return;
    }
    if (message.to === '' || message.from === '' || (message.body === '' && message.mediaUrls.length === 0)) {
      respond(response, 400, { code: 21602, message: 'Message body is required.', status: 400 });
      return;
    }
    messages.push(message);
    respond(response, 201, resourceOf(options.accountSid, message));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    failNext: (...planned) => failures.push(...planned),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function resourceOf(accountSid: string, message: RecordedTwilioMessage): Record<string, unknown> {
  return {
    sid: message.sid,
    account_sid: accountSid,
    to: message.to,
    from: message.from,
    body: message.body,
    status: 'queued',
    direction: 'outbound-api',
    num_media: String(message.mediaUrls.length),
    num_segments: '1',
    date_created: message.dateCreated.toUTCString(),
    date_updated: message.dateCreated.toUTCString(),
    date_sent: message.dateCreated.toUTCString(),
    api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
  };
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

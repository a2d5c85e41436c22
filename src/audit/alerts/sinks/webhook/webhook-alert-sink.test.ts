import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StewardError } from '../../../../errors/index.js';
import type { Alert } from '../../types.js';
import { signAlertPayload, verifyAlertSignature } from './signature.js';
import { createWebhookAlertSink, WebhookDeliveryError } from './webhook-alert-sink.js';

const secret = 'whsec_0123456789abcdef';
const now = Date.parse('2026-06-01T12:00:00Z');

const alert: Alert = {
  id: 'alert-1',
  type: 'permission_escalation',
  reason: 'repeated-denials',
  severity: 'high',
  tenantId: 'acme',
  agentId: 'front-desk',
  at: now,
  summary: 'front-desk tried 5 times within 10 min to use tools above its trust level (Bash)',
  evidence: { recordIds: ['r-1'], seqs: [1], measurements: { attempts: 5 } },
  dedupKey: 'permission_escalation/repeated-denials/acme/front-desk',
};

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
  verified: boolean;
}

/** A real HTTP receiver on 127.0.0.1 that answers with `respond` and verifies every signature. */
async function receiver(respond: (request: number, response: ServerResponse) => void) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = request.headers;
      received.push({
        headers,
        body,
        verified: verifyAlertSignature(
          secret,
          headers['x-steward-timestamp'] as string,
          body,
          headers['x-steward-signature'] as string,
          { now: () => now },
        ),
      });
      respond(received.length, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/steward`, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('createWebhookAlertSink', () => {
  it('POSTs the alert as JSON with a signature the receiver verifies', async () => {
    const { url, received } = await receiver((_, response) => response.writeHead(204).end());
    const errors: unknown[] = [];
    const sink = createWebhookAlertSink({
      url,
      secret,
      now: () => now,
      onError: (error) => errors.push(error),
    });
    await sink.deliver(alert);
    expect(errors).toEqual([]);
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.verified).toBe(true);
    expect(JSON.parse(request!.body)).toEqual({ event: 'audit-alert-raised', alert });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-steward-timestamp': String(now / 1000),
      'x-steward-signature': signAlertPayload(secret, now / 1000, request!.body),
      'x-steward-alert-id': 'alert-1',
      'x-steward-delivery-attempt': '1',
    });
  });

  it('retries 5xx and 429 with backoff, re-signing each attempt', async () => {
    const { url, received } = await receiver((request, response) => {
      if (request === 1) response.writeHead(503).end('busy');
      else if (request === 2) response.writeHead(429, { 'retry-after': '0' }).end();
      else response.writeHead(200).end('ok');
    });
    const errors: unknown[] = [];
    const sink = createWebhookAlertSink({
      url,
      secret,
      now: () => now,
      backoffMs: 5,
      onError: (e) => errors.push(e),
    });
    await sink.deliver(alert);
    expect(errors).toEqual([]);
    expect(received.map((request) => request.headers['x-steward-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(received.every((request) => request.verified)).toBe(true);
  });

  it('never throws: a webhook that keeps failing goes to onError after the last retry', async () => {
    const { url, received } = await receiver((_, response) => response.writeHead(500).end());
    const errors: unknown[] = [];
    const sink = createWebhookAlertSink({
      url,
      secret,
      retries: 2,
      backoffMs: 1,
      onError: (error, failed) => errors.push([error, failed.id]),
    });
    await expect(sink.deliver(alert)).resolves.toBeUndefined();
    expect(received).toHaveLength(3);
    expect(errors).toHaveLength(1);
    const [error, alertId] = errors[0] as [WebhookDeliveryError, string];
    expect(alertId).toBe('alert-1');
    expect(WebhookDeliveryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ attempts: 3, responseStatus: 500 });
    expect(error.message).toContain('answered 500 to alert alert-1');
  });

  it('does not retry a 4xx answer', async () => {
    const { url, received } = await receiver((_, response) => response.writeHead(401).end());
    const errors: WebhookDeliveryError[] = [];
    await createWebhookAlertSink({
      url,
      secret,
      backoffMs: 1,
      onError: (e) => errors.push(e as WebhookDeliveryError),
    }).deliver(alert);
    expect(received).toHaveLength(1);
    expect(errors[0]).toMatchObject({ attempts: 1, responseStatus: 401 });
  });

  it('times out a receiver that never answers, and reports an unreachable one', async () => {
    const { url } = await receiver(() => {
      // never answers
    });
    const errors: WebhookDeliveryError[] = [];
    const onError = (error: unknown) => errors.push(error as WebhookDeliveryError);
    const started = Date.now();
    await createWebhookAlertSink({ url, secret, timeoutMs: 100, retries: 1, backoffMs: 1, onError }).deliver(
      alert,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(errors[0]).toMatchObject({ attempts: 2, responseStatus: null });
    expect(errors[0]!.message).toContain('did not answer alert alert-1 within 100 ms');

    const closed = await receiver(() => {});
    await new Promise((resolve) => closed.server.close(resolve));
    await createWebhookAlertSink({ url: closed.url, secret, retries: 0, onError }).deliver(alert);
    expect(errors[1]!.message).toContain('could not be reached for alert alert-1');
  });

  it('says how to supply a missing secret and rejects bad options', () => {
    const missing = () => createWebhookAlertSink({ url: 'https://hooks.example.com', secret: '' });
    expect(missing).toThrow(StewardError);
    expect(missing).toThrow(/STEWARD_ALERT_WEBHOOK_SECRET/);
    expect(() => createWebhookAlertSink({ url: 'ftp://example.com', secret })).toThrow(/url/);
    const short = () => createWebhookAlertSink({ url: 'https://example.com', secret: 'short-secret' });
    expect(short).toThrow(/at least 16/);
    // The secret itself never appears in an error.
    expect(short).not.toThrow(/short-secret/);
    expect(() => createWebhookAlertSink({ url: 'https://example.com', secret, retries: 50 })).toThrow(
      /retries/,
    );
  });
});

describe('verifyAlertSignature', () => {
  const body = JSON.stringify({ event: 'audit-alert-raised', alert });
  const timestamp = String(now / 1000);
  const signature = signAlertPayload(secret, timestamp, body);
  const at = (ms: number) => ({ now: () => ms });

  it('accepts a matching signature within the tolerance', () => {
    expect(verifyAlertSignature(secret, timestamp, body, signature, at(now))).toBe(true);
    expect(verifyAlertSignature(secret, Number(timestamp), body, signature, at(now + 299_000))).toBe(true);
  });

  it('rejects another secret, an altered body or timestamp, a replay and malformed input', () => {
    expect(verifyAlertSignature('another-secret-0123', timestamp, body, signature, at(now))).toBe(false);
    expect(verifyAlertSignature(secret, timestamp, body.replace('high', 'low'), signature, at(now))).toBe(
      false,
    );
    expect(verifyAlertSignature(secret, String(now / 1000 + 1), body, signature, at(now))).toBe(false);
    expect(verifyAlertSignature(secret, timestamp, body, signature, at(now + 301_000))).toBe(false);
    expect(
      verifyAlertSignature(secret, timestamp, body, signature, {
        now: () => now + 60_000,
        toleranceSeconds: 30,
      }),
    ).toBe(false);
    expect(verifyAlertSignature(secret, timestamp, body, signature.slice(7), at(now))).toBe(false);
    expect(verifyAlertSignature(secret, '12e3', body, signature, at(now))).toBe(false);
    expect(verifyAlertSignature(secret, undefined, body, signature, at(now))).toBe(false);
    expect(verifyAlertSignature(secret, timestamp, body, undefined, at(now))).toBe(false);
  });
});

/**
 * An AlertSink that POSTs each alert as signed JSON, with a timeout per attempt and bounded retries
 * with exponential backoff. It never rejects: a delivery that finally fails goes to `onError`.
 */
import { z } from 'zod';
import { validateConfig } from '../../../../config/index.js';
import { StewardError } from '../../../../errors/index.js';
import type { Alert, AlertSink } from '../../types.js';
import { SIGNATURE_HEADER, signAlertPayload, TIMESTAMP_HEADER } from './signature.js';

const isFunction = (value: unknown) => typeof value === 'function';

const webhookAlertSinkOptionsSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    // Checked by hand before parsing: a validation message would print the value.
    secret: z.string(),
    timeoutMs: z.number().int().min(1).max(120_000).default(5_000),
    retries: z.number().int().min(0).max(10).default(3),
    backoffMs: z.number().int().min(0).max(60_000).default(500),
    maxBackoffMs: z.number().int().min(0).max(300_000).default(10_000),
    headers: z.record(z.string(), z.string()).optional(),
    onError: z.custom<(error: unknown, alert: Alert) => void>(isFunction, 'a function').optional(),
    now: z.custom<() => number>(isFunction, 'a function returning epoch ms').optional(),
  })
  .strict();

export interface WebhookAlertSinkOptions {
  /** http(s) URL the alerts are POSTed to. */
  url: string;
  /**
   * HMAC key shared with the receiver (at least 16 characters), e.g.
   * `process.env.STEWARD_ALERT_WEBHOOK_SECRET`; the receiver checks with `verifyAlertSignature`.
   */
  secret: string;
  /** Per attempt; default 5,000. */
  timeoutMs?: number;
  /** Attempts after the first, on network errors, timeouts, 429 and 5xx; default 3. */
  retries?: number;
  /** Wait before the first retry, doubled for each next one; default 500. */
  backoffMs?: number;
  /** Longest wait between attempts (also caps a `Retry-After`); default 10,000. */
  maxBackoffMs?: number;
  /** Extra request headers (e.g. an Authorization the receiver wants). */
  headers?: Record<string, string>;
  /** Called once per alert that could not be delivered after every attempt. */
  onError?: (error: unknown, alert: Alert) => void;
  /** Epoch ms for `X-Steward-Timestamp`; default `Date.now`. */
  now?: () => number;
}

/**
 * Why a delivery failed: the last attempt's HTTP status (null for a network error or timeout) and
 * how many attempts were made. Passed to `onError`, never thrown to the caller of `deliver`.
 *
 * @example
 * onError: (error) => { if (WebhookDeliveryError.isInstance(error)) metrics.inc({ status: error.responseStatus }) }
 */
export class WebhookDeliveryError extends StewardError {
  override readonly name = 'WebhookDeliveryError';
  readonly attempts: number;
  readonly responseStatus: number | null;

  constructor(message: string, attempts: number, responseStatus: number | null, cause?: unknown) {
    // No error code fits an outbound notification better; the pipeline never sees this error anyway.
    super('internal', message, { cause, details: { attempts, responseStatus } });
    this.attempts = attempts;
    this.responseStatus = responseStatus;
  }

  static override isInstance(error: unknown): error is WebhookDeliveryError {
    return StewardError.isInstance(error) && error.name === 'WebhookDeliveryError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const sink = createWebhookAlertSink({
 *   url: 'https://hooks.example.com/steward', secret: process.env.STEWARD_ALERT_WEBHOOK_SECRET!,
 *   onError: (error, alert) => console.error(`alert ${alert.id} not delivered`, error),
 * });
 */
export function createWebhookAlertSink(options: WebhookAlertSinkOptions): AlertSink {
  if (typeof options?.secret !== 'string' || options.secret === '') {
    throw new StewardError(
      'invalid-config',
      'createWebhookAlertSink needs `secret`, the HMAC key the receiver verifies signatures with: pass it ' +
        'from your secret store or environment (e.g. `secret: process.env.STEWARD_ALERT_WEBHOOK_SECRET`), ' +
        'and give the receiver the same value for verifyAlertSignature',
    );
  }
  if (options.secret.length < 16) {
    throw new StewardError(
      'invalid-config',
      `the webhook secret is ${options.secret.length} characters long; use at least 16 (e.g. \`openssl rand -hex 32\`)`,
    );
  }
  const config = validateConfig(webhookAlertSinkOptionsSchema, options, 'webhook alert sink options');
  const now = config.now ?? Date.now;

  async function attempt(alert: Alert, body: string, number: number): Promise<Response> {
    const timestamp = String(Math.floor(now() / 1000));
    return fetch(config.url, {
      method: 'POST',
      headers: {
        ...config.headers,
        'content-type': 'application/json',
        'user-agent': 'claude-steward-alerts',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signAlertPayload(config.secret, timestamp, body),
        'X-Steward-Alert-Id': alert.id,
        'X-Steward-Delivery-Attempt': String(number),
      },
      body,
      signal: AbortSignal.timeout(config.timeoutMs),
      redirect: 'error',
    });
  }

  async function send(alert: Alert): Promise<void> {
    const body = JSON.stringify({ event: 'audit-alert-raised', alert });
    const attempts = config.retries + 1;
    let failure: WebhookDeliveryError | undefined;
    for (let number = 1; number <= attempts; number++) {
      let wait = Math.min(config.maxBackoffMs, config.backoffMs * 2 ** (number - 1));
      try {
        const response = await attempt(alert, body, number);
        // Read the body so the connection can be reused.
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        const retryable = response.status === 429 || response.status >= 500;
        failure = new WebhookDeliveryError(
          `webhook ${config.url} answered ${response.status} to alert ${alert.id}`,
          number,
          response.status,
        );
        if (!retryable) break;
        const retryAfter = Number(response.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0)
          wait = Math.min(config.maxBackoffMs, retryAfter * 1000);
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        failure = new WebhookDeliveryError(
          timedOut
            ? `webhook ${config.url} did not answer alert ${alert.id} within ${config.timeoutMs} ms`
            : `webhook ${config.url} could not be reached for alert ${alert.id}: ${error instanceof Error ? error.message : String(error)}`,
          number,
          null,
          error,
        );
      }
      if (number < attempts) await sleep(wait);
    }
    throw failure;
  }

  return {
    name: 'webhook',
    async deliver(alert) {
      try {
        await send(alert);
      } catch (error) {
        try {
          config.onError?.(error, alert);
        } catch {
          // The pipeline must not see a failing error reporter either.
        }
      }
    },
  };
}

/**
 * Webhook signatures: `X-Steward-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
 * with `X-Steward-Timestamp` in Unix seconds, so a receiver can reject altered and replayed calls.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Steward-Signature';
export const TIMESTAMP_HEADER = 'X-Steward-Timestamp';

/**
 * The signature header value for a body sent at `timestamp` (Unix seconds).
 *
 * @example
 * signAlertPayload(secret, '1767225600', body) // 'sha256=3f1c…'
 */
export function signAlertPayload(secret: string, timestamp: string | number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyAlertSignatureOptions {
  /** Largest difference between the timestamp and now, in seconds; default 300. */
  toleranceSeconds?: number;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
}

/**
 * Checks a received webhook: the signature matches the raw body and timestamp, and the timestamp is
 * within the tolerance of now (a replayed old call fails). Compares in constant time.
 *
 * @example
 * const ok = verifyAlertSignature(secret, request.headers['x-steward-timestamp'], rawBody,
 *   request.headers['x-steward-signature']);
 * if (!ok) return response.writeHead(401).end();
 */
export function verifyAlertSignature(
  secret: string,
  timestamp: string | number | undefined | null,
  body: string,
  signature: string | undefined | null,
  options: VerifyAlertSignatureOptions = {},
): boolean {
  if (!secret || timestamp === undefined || timestamp === null || typeof signature !== 'string') return false;
  const seconds = Number(timestamp);
  if (!/^\d{1,15}$/.test(String(timestamp)) || !Number.isSafeInteger(seconds)) return false;
  const now = (options.now ?? Date.now)() / 1000;
  if (Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signAlertPayload(secret, String(timestamp), body));
  const received = Buffer.from(signature.trim());
  return received.length === expected.length && timingSafeEqual(received, expected);
}

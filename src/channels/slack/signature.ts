/**
 * Slack's request signature (v0): HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the app's signing
 * secret, compared in constant time; a timestamp more than 300 s from now is refused (a replay).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { StewardError } from '../../errors/index.js';

export const signatureToleranceSeconds = 300;

const signatureShape = /^v0=[0-9a-f]{64}$/;

/** The `X-Slack-Signature` value for a body (used by tests and the benchmark to sign like Slack). */
export function signSlackRequest(
  signingSecret: string,
  timestamp: number | string,
  body: Uint8Array | string,
): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Throws StewardError `invalid-signature` unless the request carries a fresh, valid v0 signature.
 *
 * @example
 * verifySlackSignature({ signingSecret, headers: request.headers, rawBody, now: Date.now() });
 */
export function verifySlackSignature(input: {
  signingSecret: string;
  headers: Record<string, string | undefined>;
  rawBody: Uint8Array;
  /** Epoch ms. */
  now: number;
}): void {
  const timestampText = input.headers['x-slack-request-timestamp'];
  const signature = input.headers['x-slack-signature'];
  if (!timestampText || !signature) {
    throw new StewardError('invalid-signature', 'missing X-Slack-Signature or X-Slack-Request-Timestamp');
  }
  if (!/^\d{1,12}$/.test(timestampText))
    throw new StewardError('invalid-signature', 'malformed X-Slack-Request-Timestamp');
  const timestamp = Number(timestampText);
  if (Math.abs(input.now / 1000 - timestamp) > signatureToleranceSeconds) {
    throw new StewardError('invalid-signature', 'stale X-Slack-Request-Timestamp (more than 300 s from now)');
  }
  // Signed over the header as sent: `0123` and `123` are different base strings. Compared as the raw
  // 32 digest bytes (no hex string of ours to build): only a lowercase `v0=` + 64 hex digits can match.
  const hmac = createHmac('sha256', input.signingSecret);
  hmac.update(`v0:${timestampText}:`);
  hmac.update(input.rawBody);
  const expected = hmac.digest();
  const given = signatureShape.test(signature) ? Buffer.from(signature.slice(3), 'hex') : undefined;
  if (given === undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new StewardError('invalid-signature', 'the Slack signature does not match this request');
  }
}

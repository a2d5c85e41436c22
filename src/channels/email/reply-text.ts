/** The new part of an email: quoted replies removed with `planer` (a port of Mailgun's talon), then signatures and mobile footers. */
import type Planer from 'planer';
import { lazyRequire } from '../../loading/index.js';

// Loaded on first use: a server without this channel never loads the package.
const planer = lazyRequire<typeof Planer>('planer');

/** Footers mail apps append, matched as a whole line. */
const appFooters = [
  /^sent from my (iphone|ipad|android|samsung|galaxy|mobile|phone|blackberry|smartphone)\b.*$/i,
  /^sent from (yahoo mail|mail for windows|outlook|my samsung galaxy smartphone)\b.*$/i,
  /^get outlook for (ios|android)\b.*$/i,
  /^envoyé de mon (iphone|ipad)\b.*$/i,
  /^von meinem (iphone|ipad) gesendet\b.*$/i,
  /^enviado desde mi (iphone|ipad)\b.*$/i,
];

/**
 * The reply without quoted history, the `-- ` signature block and app footers ("Sent from my iPhone").
 *
 * @example
 * replyTextOf('Yes, 10am works.\n\nOn Thu, Dec 3 Acme <a@acme.example> wrote:\n> Shall we say 10?') // 'Yes, 10am works.'
 */
export function replyTextOf(text: string): string {
  const normalized = text.replace(/\r\n?/g, '\n');
  let reply: string;
  try {
    reply = planer().extractFrom(normalized, 'text/plain');
  } catch {
    // planer is heuristic; on text it cannot handle the whole text is the reply.
    reply = normalized;
  }
  const lines = reply.split('\n');
  // RFC 3676 §4.3: a line of "-- " starts the signature (many clients trim the space).
  const signatureStart = lines.findIndex((line) => line === '-- ' || line === '--');
  const kept = signatureStart >= 0 ? lines.slice(0, signatureStart) : lines;
  // A separator rule (an HTML mail's <hr> rendered to text) may stay above the quote planer removed.
  while (kept.length > 0) {
    const last = kept[kept.length - 1]!.trim();
    if (last === '' || /^[-_=]{10,}$/.test(last) || appFooters.some((footer) => footer.test(last)))
      kept.pop();
    else break;
  }
  return kept.join('\n').trim();
}

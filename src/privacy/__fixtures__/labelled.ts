/**
 * The labelled set: realistic support messages to small businesses with PII embedded, and hard
 * negatives (order numbers, invoice ids, tracking numbers, prices, non-birthday dates, versions).
 *
 * Messages are written with inline labels, `{{alias:value}}`, which `label` strips while recording
 * the exact span of each value, so spans can never drift from the text. Aliases: e email, p phone,
 * c payment-card, s us-ssn, i iban, ip ip-address, d date-of-birth, a street-address,
 * n person-name, k secret, u url-credentials, mr medical-record-number, hp health-plan-id. Everything
 * unlabelled is a negative.
 */
import type { PiiType } from '../types.js';
import { foodMessages } from './messages-food.js';
import { healthMessages } from './messages-health.js';
import { mixedMessages } from './messages-mixed.js';
import { retailMessages } from './messages-retail.js';
import { servicesMessages } from './messages-services.js';
import { tradesMessages } from './messages-trades.js';

export interface LabelledSpan {
  type: PiiType;
  start: number;
  end: number;
  text: string;
}

export interface LabelledMessage {
  id: string;
  business: string;
  text: string;
  spans: LabelledSpan[];
}

/** A message as written in the fixture files: business kind and marked-up text. */
export type RawMessage = [business: string, markup: string];

const ALIASES: Record<string, PiiType> = {
  e: 'email',
  p: 'phone',
  c: 'payment-card',
  s: 'us-ssn',
  i: 'iban',
  ip: 'ip-address',
  d: 'date-of-birth',
  a: 'street-address',
  n: 'person-name',
  k: 'secret',
  u: 'url-credentials',
  mr: 'medical-record-number',
  hp: 'health-plan-id',
};

const MARK = /\{\{([a-z]+):([\s\S]*?)\}\}/g;

/** Strips the `{{alias:value}}` marks from `markup`, recording each value's span. */
export function label(id: string, business: string, markup: string): LabelledMessage {
  const spans: LabelledSpan[] = [];
  let text = '';
  let last = 0;
  for (const match of markup.matchAll(MARK)) {
    const [whole, alias = '', value = ''] = match;
    const type = ALIASES[alias];
    if (type === undefined) throw new Error(`${id}: unknown label alias "${alias}" in ${whole}`);
    text += markup.slice(last, match.index);
    spans.push({ type, start: text.length, end: text.length + value.length, text: value });
    text += value;
    last = match.index + whole.length;
  }
  text += markup.slice(last);
  if (text.includes('{{') || text.includes('}}')) throw new Error(`${id}: unbalanced label marks`);
  return { id, business, text, spans };
}

function labelAll(prefix: string, messages: RawMessage[]): LabelledMessage[] {
  return messages.map(([business, markup], index) => label(`${prefix}-${index + 1}`, business, markup));
}

/** Every labelled message (at least 150), grouped by the kind of business they were written to. */
export const labelledMessages: readonly LabelledMessage[] = [
  ...labelAll('food', foodMessages),
  ...labelAll('trades', tradesMessages),
  ...labelAll('health', healthMessages),
  ...labelAll('retail', retailMessages),
  ...labelAll('services', servicesMessages),
  ...labelAll('mixed', mixedMessages),
];

/**
 * What a written handler replies: the examples' most common reply, or, when their replies differ only in
 * the slots they repeat from their requests (an order number, a date), the template those replies share,
 * filled from the request (src/classify/slots.ts).
 */
import { fillTemplateSource, slotTokensSource, templateOf } from '../classify/index.js';

export interface ReplyPlan {
  /** The reply, or the template (`{{k}}`: the request's k-th slot). */
  reply: string;
  template: boolean;
}

/** A template is used when at least this share of the examples' replies are that template filled. */
const TEMPLATE_SHARE = 0.8;

export function replyPlan(examples: ReadonlyArray<{ request: string; reply: string }>): ReplyPlan {
  const fixed = mostCommon(examples.map((example) => example.reply));
  if (fixed.count === examples.length) return { reply: fixed.value, template: false };
  const templates = examples.map((example) => templateOf(example.request, example.reply) ?? example.reply);
  const template = mostCommon(templates);
  if (template.value.includes('{{') && template.count >= TEMPLATE_SHARE * examples.length) {
    return { reply: template.value, template: true };
  }
  return { reply: fixed.value, template: false };
}

/** Function declarations the handler needs for its reply (none for a fixed reply). */
export function replyFunctions(plan: ReplyPlan): string {
  return plan.template ? `${slotTokensSource}\n${fillTemplateSource}` : '';
}

/** The expression a handler returns once it has decided the request is its kind (`text`: the request text). */
export function replyExpression(plan: ReplyPlan, text: string): string {
  return plan.template ? `fillTemplate(${JSON.stringify(plan.reply)}, ${text})` : JSON.stringify(plan.reply);
}

function mostCommon(values: readonly string[]): { value: string; count: number } {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best = { value: '', count: 0 };
  for (const [value, count] of counts) if (count > best.count) best = { value, count };
  return best;
}

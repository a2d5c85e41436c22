/**
 * Slots: the parts of a request a reply can repeat back (an order number, a date, a booking reference):
 * words of three characters or more with a digit in them. A reply that repeats a slot of its request is a
 * template: the slot replaced by `{{k}}`, k counting the request's slots from 1. Replies that differ only
 * in the slots they repeat are one kind of answer, and a handler fills the template from the request.
 * Kept as one ES5 source string because the same function runs on the host (detection, the offline
 * writer) and inside the handlers the offline writer writes.
 */

export const slotTokensSource = `function slotTokens(text) {
  var words = String(text).match(/[A-Za-z0-9][A-Za-z0-9\\/-]*/g) || [];
  var slots = [];
  for (var i = 0; i < words.length; i++) {
    var word = words[i].replace(/[\\/-]+$/, '');
    if (word.length >= 3 && /[0-9]/.test(word) && slots.indexOf(word) < 0) slots.push(word);
  }
  return slots;
}`;

/** The slots of a text, in order, each once. */
export const slotTokens = new Function(`${slotTokensSource}; return slotTokens;`)() as (
  text: string,
) => string[];

/** ES5 source of `function fillTemplate(template, text)`: the template with the text's slots, or null when one is missing. */
export const fillTemplateSource = `function fillTemplate(template, text) {
  var slots = slotTokens(text);
  var missing = false;
  var filled = template.replace(/\\{\\{([0-9]+)\\}\\}/g, function (_, index) {
    var slot = slots[Number(index) - 1];
    if (slot === undefined) missing = true;
    return slot === undefined ? '' : slot;
  });
  return missing ? null : filled;
}`;

export const fillTemplate = new Function(
  `${slotTokensSource}\n${fillTemplateSource}; return fillTemplate;`,
)() as (template: string, text: string) => string | null;

/**
 * The reply as a template of its request, or undefined when it repeats none of the request's slots.
 *
 * @example
 * templateOf('where is order A-10442?', 'Order A-10442 ships tomorrow.') // 'Order {{1}} ships tomorrow.'
 */
export function templateOf(request: string, reply: string): string | undefined {
  const slots = slotTokens(request);
  let template = reply;
  let used = false;
  for (const [index, slot] of slots.entries()) {
    const pattern = new RegExp(
      `(?<![A-Za-z0-9])${slot.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}(?![A-Za-z0-9])`,
      'g',
    );
    if (!pattern.test(template)) continue;
    template = template.replace(pattern, `{{${index + 1}}}`);
    used = true;
  }
  return used ? template : undefined;
}

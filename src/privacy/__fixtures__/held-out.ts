/** The held-out set, labelled: never used to tune the recognizers (see messages-held-out.ts). */
import { type LabelledMessage, label } from './labelled.js';
import { heldOutRawMessages } from './messages-held-out.js';

export const heldOutMessages: readonly LabelledMessage[] = heldOutRawMessages.map(
  ([business, markup], index) => label(`held-out-${index + 1}`, business, markup),
);

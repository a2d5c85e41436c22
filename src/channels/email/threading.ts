/** Email threads: the conversation key is the root message of the thread, read from `References`, else `In-Reply-To`, else the message itself. */

/** Message ids found in a header value, each as `<id>` (RFC 5322 msg-id), in order. */
export function messageIdsIn(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(' ') : value;
  const bracketed = text.match(/<[^<>\s]+>/g);
  if (bracketed !== null) return bracketed;
  // Some mailers drop the brackets; take bare tokens that look like ids.
  return text
    .split(/[\s,]+/)
    .filter((token) => /^[^\s<>@]+@[^\s<>@]+$/.test(token))
    .map((token) => `<${token}>`);
}

/**
 * The conversation key of a message: the first id of `References` (the thread's root), else `In-Reply-To`,
 * else its own `Message-ID`; so every reply in a thread maps to the same key.
 *
 * @example
 * conversationKeyOf({ messageId: '<c@x>', inReplyTo: '<b@x>', references: ['<a@x>', '<b@x>'] }) // '<a@x>'
 */
export function conversationKeyOf(message: {
  messageId: string;
  inReplyTo: string | undefined;
  references: string[];
}): string {
  return message.references[0] ?? message.inReplyTo ?? message.messageId;
}

/** The `Subject` of a reply: one `Re: ` prefix, however many (or which localized ones) the original had. */
export function replySubjectOf(subject: string): string {
  const bare = subject.replace(/^\s*((re|aw|sv|antw|réf|ref|fw|fwd)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
  return `Re: ${bare === '' ? '(no subject)' : bare}`;
}

/** The `References` of a reply: the original's references plus its own id (RFC 5322 §3.6.4), the oldest kept first. */
export function replyReferencesOf(
  original: { messageId: string; references: string[] },
  limit = 20,
): string[] {
  const chain = [...original.references.filter((id) => id !== original.messageId), original.messageId];
  // Keep the root and the most recent ones when a long thread would overflow header limits.
  return chain.length <= limit ? chain : [chain[0]!, ...chain.slice(chain.length - (limit - 1))];
}

/**
 * Markdown (what the model writes) → Slack mrkdwn, and long replies split within Slack's limits: 40,000
 * characters of text per message and 3,000 per section block (50 blocks). Code blocks and inline code
 * are kept as they are; a split prefers paragraph, then line, then word boundaries, and never drops text.
 */

export const maxMessageChars = 40_000;
export const maxSectionChars = 3_000;

/**
 * @example
 * markdownToMrkdwn('**Open** at [our site](https://x.test)') // '*Open* at <https://x.test|our site>'
 */
export function markdownToMrkdwn(markdown: string): string {
  const parts = markdown.split(/(```[\s\S]*?```|`[^`\n]+`)/g);
  return parts.map((part, index) => (index % 2 === 1 ? part : convertProse(part))).join('');
}

function convertProse(text: string): string {
  return (
    text
      // Slack's three escaped characters, before we add our own < > markup.
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/^(\s*)&gt; ?/gm, '$1> ')
      .replace(
        /!?\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g,
        (_match, label: string, url: string) => `<${url}|${label}>`,
      )
      // Italic first: bold and headings become *…*, which an italic pass would turn into _…_.
      .replace(/(^|[^*])\*(?!\s)([^*\n]+?)\*(?!\*)/g, '$1_$2_')
      .replace(
        /\*\*(.+?)\*\*|__(.+?)__/g,
        (_match, bold?: string, underscored?: string) => `*${bold ?? underscored}*`,
      )
      .replace(/^#{1,6}\s+(.+?)\s*#*$/gm, '*$1*')
      .replace(/~~(.+?)~~/g, '~$1~')
      .replace(/^(\s*)[-*+]\s+/gm, '$1• ')
  );
}

/** Splits text into pieces of at most `limit` characters at the best boundary; joined, they are the text. */
export function splitText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = Math.max(window.lastIndexOf('\n\n'), 0);
    if (cut < limit / 2) cut = Math.max(window.lastIndexOf('\n'), cut);
    if (cut < limit / 2) cut = Math.max(window.lastIndexOf(' '), cut);
    if (cut < limit / 2) cut = limit;
    // Never cut between the two halves of a surrogate pair.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

export interface SlackMessagePart {
  /** The notification and fallback text (the whole part). */
  text: string;
  /** Section blocks of at most 3,000 characters each. */
  blocks: Array<{ type: 'section'; text: { type: 'mrkdwn'; text: string } }>;
}

/** A reply as Slack messages: mrkdwn, each message within 40,000 characters, each block within 3,000. */
export function slackMessageParts(markdown: string): SlackMessagePart[] {
  return splitText(markdownToMrkdwn(markdown), maxMessageChars).map((text) => ({
    text,
    blocks: splitText(text, maxSectionChars)
      .filter((piece) => piece.trim() !== '')
      .map((piece) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: piece } })),
  }));
}

import { describe, expect, it } from 'vitest';
import {
  markdownToMrkdwn,
  maxMessageChars,
  maxSectionChars,
  slackMessageParts,
  splitText,
} from './mrkdwn.js';

describe('markdownToMrkdwn', () => {
  it('converts bold, italic, links, headings, strike and lists, and escapes Slack’s control characters', () => {
    expect(markdownToMrkdwn('**Open** today, *really*. See [our site](https://x.test/a?b=1).')).toBe(
      '*Open* today, _really_. See <https://x.test/a?b=1|our site>.',
    );
    expect(markdownToMrkdwn('## Hours\n- Mon: 9-5\n- ~~Sun~~\n1 < 2 & 3 > 2')).toBe(
      '*Hours*\n• Mon: 9-5\n• ~Sun~\n1 &lt; 2 &amp; 3 &gt; 2',
    );
    expect(markdownToMrkdwn('> quoted')).toBe('> quoted');
  });

  it('leaves code as it is', () => {
    expect(markdownToMrkdwn('Run `a **b**` then\n```\n**x** <y>\n```')).toBe(
      'Run `a **b**` then\n```\n**x** <y>\n```',
    );
  });
});

describe('splitting', () => {
  it('splits at paragraph, line or word boundaries and loses nothing', () => {
    const text = Array.from(
      { length: 400 },
      (_, index) => `Paragraph ${index} ${'word '.repeat(index % 30)}`,
    ).join('\n\n');
    const pieces = splitText(text, 1_000);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(1_000);
    expect(splitText('x'.repeat(2_500), 1_000).map((piece) => piece.length)).toEqual([1_000, 1_000, 500]);
    expect(splitText('', 10)).toEqual(['']);
  });

  it('never splits a surrogate pair', () => {
    const pieces = splitText('😀'.repeat(10), 5);
    expect(pieces.join('')).toBe('😀'.repeat(10));
    for (const piece of pieces) expect(piece).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
  });

  it('shapes a long reply into messages of at most 40,000 characters, blocks of at most 3,000', () => {
    const reply = Array.from(
      { length: 3_000 },
      (_, index) => `Line ${index}: ${'lorem ipsum '.repeat(3)}`,
    ).join('\n');
    const parts = slackMessageParts(reply);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((part) => part.text).join('')).toBe(markdownToMrkdwn(reply));
    for (const part of parts) {
      expect(part.text.length).toBeLessThanOrEqual(maxMessageChars);
      expect(part.blocks.length).toBeLessThanOrEqual(50);
      for (const block of part.blocks) expect(block.text.text.length).toBeLessThanOrEqual(maxSectionChars);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { markdownToHtml, markdownToText } from './markdown-email.js';

describe('markdown email bodies', () => {
  it('renders the common blocks', () => {
    expect(
      markdownToHtml(
        '# Hours\n\nOpen *daily*.\nClosed on `holidays`.\n\n1. Mon\n2. Tue\n\n> quoted\n\n```\n<b>x</b>\n```',
      ),
    ).toBe(
      [
        '<h2>Hours</h2>',
        '<p>Open <em>daily</em>.<br>\nClosed on <code>holidays</code>.</p>',
        '<ol><li>Mon</li><li>Tue</li></ol>',
        '<blockquote><p>quoted</p></blockquote>',
        '<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>',
      ].join('\n'),
    );
  });

  it('escapes HTML and links only web and mail URLs', () => {
    const html = markdownToHtml(
      '<script>alert(1)</script> [click](javascript:alert(1)) [mail](mailto:a@acme.example) https://acme.example/a?b=1&c=2.',
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<a href="mailto:a@acme.example">mail</a>');
    expect(html).toContain(
      '<a href="https://acme.example/a?b=1&amp;c=2">https://acme.example/a?b=1&amp;c=2</a>.',
    );
  });

  it('keeps snake_case and arithmetic as they are', () => {
    expect(markdownToHtml('order_id is 2 * 3')).toBe('<p>order_id is 2 * 3</p>');
    expect(markdownToText('order_id is 2 * 3')).toBe('order_id is 2 * 3');
  });
});

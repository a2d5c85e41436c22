/** An agent's markdown reply as email bodies: HTML (escaped, a small safe subset) and its plain-text alternative. */

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => escapes[character] ?? character);
}

/** Only web and mail links become anchors; `javascript:` and friends stay text. */
function safeHref(url: string): string | undefined {
  return /^(https?:\/\/|mailto:)/i.test(url) ? url : undefined;
}

function inlineHtml(text: string): string {
  const codeSpans: string[] = [];
  let html = escapeHtml(text).replace(/`([^`\n]+)`/g, (_match, code: string) => {
    codeSpans.push(`<code>${code}</code>`);
    return `\u0000${codeSpans.length - 1}\u0000`;
  });
  const anchors: string[] = [];
  const keep = (anchor: string): string => {
    anchors.push(anchor);
    return `\u0001${anchors.length - 1}\u0001`;
  };
  html = html.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (match, label: string, url: string) => {
    const href = safeHref(url.replace(/&amp;/g, '&'));
    return href === undefined ? match : keep(`<a href="${escapeHtml(href)}">${label}</a>`);
  });
  html = html.replace(/\bhttps?:\/\/[^\s<]+[^\s<.,;:!?)]/g, (url) => keep(`<a href="${url}">${url}</a>`));
  html = html
    .replace(/(\*\*|__)(?=\S)(.+?\S)\1/g, '<strong>$2</strong>')
    .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1<em>$2</em>');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: placeholders for spans set aside above
  html = html.replace(/\u0001(\d+)\u0001/g, (_match, index: string) => anchors[Number(index)] ?? '');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: placeholders for spans set aside above
  return html.replace(/\u0000(\d+)\u0000/g, (_match, index: string) => codeSpans[Number(index)] ?? '');
}

/**
 * Markdown to an HTML body: paragraphs, headings, lists, quotes, code, links (http, https, mailto only),
 * emphasis; everything else is escaped text.
 *
 * @example
 * markdownToHtml('We open at **9am**.') // '<p>We open at <strong>9am</strong>.</p>'
 */
export function markdownToHtml(markdown: string): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.trim() === '') {
      index += 1;
    } else if (line.startsWith('```')) {
      const code: string[] = [];
      index += 1;
      while (index < lines.length && !lines[index]!.startsWith('```')) code.push(lines[index++]!);
      index += 1;
      blocks.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
    } else if (/^#{1,6}\s/.test(line)) {
      const level = Math.min(line.match(/^#+/)![0].length + 1, 6);
      blocks.push(`<h${level}>${inlineHtml(line.replace(/^#+\s+/, ''))}</h${level}>`);
      index += 1;
    } else if (/^\s*[-*+]\s/.test(line) || /^\s*\d+[.)]\s/.test(line)) {
      const ordered = /^\s*\d+[.)]\s/.test(line);
      const items: string[] = [];
      while (index < lines.length && /^\s*([-*+]|\d+[.)])\s/.test(lines[index]!)) {
        items.push(`<li>${inlineHtml(lines[index++]!.replace(/^\s*([-*+]|\d+[.)])\s+/, ''))}</li>`);
      }
      blocks.push(ordered ? `<ol>${items.join('')}</ol>` : `<ul>${items.join('')}</ul>`);
    } else if (line.startsWith('>')) {
      const quoted: string[] = [];
      while (index < lines.length && lines[index]!.startsWith('>'))
        quoted.push(lines[index++]!.replace(/^>\s?/, ''));
      blocks.push(`<blockquote>${markdownToHtml(quoted.join('\n'))}</blockquote>`);
    } else if (/^\s*(-{3,}|\*{3,}|_{3,})\s*$/.test(line)) {
      blocks.push('<hr>');
      index += 1;
    } else {
      const paragraph: string[] = [];
      while (
        index < lines.length &&
        lines[index]!.trim() !== '' &&
        !/^(```|#{1,6}\s|>|\s*[-*+]\s|\s*\d+[.)]\s)/.test(lines[index]!)
      ) {
        paragraph.push(inlineHtml(lines[index++]!));
      }
      blocks.push(`<p>${paragraph.join('<br>\n')}</p>`);
    }
  }
  return blocks.join('\n');
}

/**
 * Markdown to the plain-text alternative: markers dropped, `[label](url)` as `label <url>`, lists kept as
 * lines starting with `- `.
 *
 * @example
 * markdownToText('See [our hours](https://acme.example/hours).') // 'See our hours <https://acme.example/hours>.'
 */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/^```[^\n]*\n?/gm, '')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_match, label: string, url: string) =>
      label === url ? url : `${label} <${url}>`,
    )
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^\s*[*+]\s+/gm, '- ')
    .replace(/(\*\*|__)(?=\S)(.+?\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1$2')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

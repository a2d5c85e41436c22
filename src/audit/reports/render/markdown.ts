/** The report as GitHub-flavoured Markdown: headings, fact lists and tables. */
import type { Block, ReportDocument } from './document.js';

/** Makes text safe for one table cell or list item: no line breaks, pipes escaped, no raw HTML. */
export function markdownText(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\\`*_[\]|]/g, (character) => `\\${character}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function block(part: Block): string {
  switch (part.kind) {
    case 'facts':
      return part.rows
        .map(([label, value]) => `- **${markdownText(label)}:** ${markdownText(value)}`)
        .join('\n');
    case 'note':
      return `_${markdownText(part.text)}_`;
    case 'table': {
      const heading = part.title ? `### ${markdownText(part.title)}\n\n` : '';
      if (part.rows.length === 0) return `${heading}_${markdownText(part.empty)}_`;
      const row = (cells: string[]) => `| ${cells.map(markdownText).join(' | ')} |`;
      return (
        heading +
        [row(part.columns), `|${part.columns.map(() => ' --- |').join('')}`, ...part.rows.map(row)].join('\n')
      );
    }
  }
}

/**
 * Renders a report document as Markdown.
 *
 * @example
 * const markdown = renderMarkdown(reportDocument(report));
 */
export function renderMarkdown(document: ReportDocument): string {
  const parts = [`# ${markdownText(document.title)}`, markdownText(document.subtitle)];
  for (const section of document.sections) {
    parts.push(`## ${markdownText(section.title)}`);
    for (const part of section.blocks) parts.push(block(part));
  }
  return `${parts.join('\n\n')}\n`;
}

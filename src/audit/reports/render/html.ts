/** The report as one self-contained HTML page: inline CSS, no scripts, every value escaped. */
import type { Block, ReportDocument } from './document.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
  :root { color-scheme: light; }
  body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
    margin: 0 auto; padding: 2rem; max-width: 1200px; }
  h1 { font-size: 1.75rem; margin: 0 0 .25rem; }
  h3 { font-size: 1rem; margin: 1rem 0 .5rem; }
  h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid #d0d7de; }
  .subtitle { color: #59636e; margin: 0 0 1.5rem; }
  nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0 0 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; }
  table { border-collapse: collapse; width: 100%; margin: 0 0 1rem; font-size: 13px; }
  th, td { border: 1px solid #d0d7de; padding: .35rem .5rem; text-align: left; vertical-align: top;
    overflow-wrap: anywhere; }
  th { background: #f6f8fa; }
  tr:nth-child(even) td { background: #fbfcfd; }
  .note, .empty { color: #59636e; font-style: italic; }
  .status-attention, .status-NO { color: #b42318; font-weight: 600; }
  .status-evidence { color: #1a7f37; }
  @media print { body { padding: 0; } nav { display: none; } }
`;

function cell(text: string): string {
  const statusClass = /^(attention|evidence|no-activity|not-assessed|NO)$/.test(text)
    ? ` class="status-${text}"`
    : '';
  return `<td${statusClass}>${escapeHtml(text)}</td>`;
}

function block(part: Block): string {
  switch (part.kind) {
    case 'facts':
      return `<dl>${part.rows
        .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd>`)
        .join('')}</dl>`;
    case 'note':
      return `<p class="note">${escapeHtml(part.text)}</p>`;
    case 'table': {
      const heading = part.title ? `<h3>${escapeHtml(part.title)}</h3>\n` : '';
      if (part.rows.length === 0) return `${heading}<p class="empty">${escapeHtml(part.empty)}</p>`;
      return [
        `${heading}<table>`,
        `<thead><tr>${part.columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('')}</tr></thead>`,
        `<tbody>${part.rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n')}</tbody>`,
        '</table>',
      ].join('\n');
    }
  }
}

/**
 * Renders a report document as a standalone HTML page (printable, no external resources).
 *
 * @example
 * await writeFile('report.html', renderHtml(reportDocument(report)));
 */
export function renderHtml(document: ReportDocument): string {
  const navigation = document.sections
    .map((section) => `<li><a href="#${escapeHtml(section.id)}">${escapeHtml(section.title)}</a></li>`)
    .join('');
  const sections = document.sections
    .map(
      (section) =>
        `<section id="${escapeHtml(section.id)}">\n<h2>${escapeHtml(section.title)}</h2>\n${section.blocks
          .map(block)
          .join('\n')}\n</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(document.title)}</h1>
<p class="subtitle">${escapeHtml(document.subtitle)}</p>
<nav><ul>${navigation}</ul></nav>
</header>
<main>
${sections}
</main>
</body>
</html>
`;
}

/** One entry point for every report format. */
import { StewardError } from '../../../errors/index.js';
import type { AuditReport } from '../types.js';
import { reportDocument } from './document.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export type ReportFormat = 'json' | 'md' | 'html';

/**
 * The report as JSON (the report object, indented), Markdown (tables) or a self-contained HTML page.
 *
 * @example
 * const html = renderReport(await generateAuditReport(store, options), 'html');
 */
export function renderReport(report: AuditReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'md':
      return renderMarkdown(reportDocument(report));
    case 'html':
      return renderHtml(reportDocument(report));
    default:
      throw new StewardError(
        'invalid-request',
        `unknown report format ${JSON.stringify(format)}; use json, md or html`,
      );
  }
}

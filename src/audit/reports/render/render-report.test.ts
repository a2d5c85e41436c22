import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../../test/support/engines.js';
import { verifyChain } from '../../log/index.js';
import { periodEnd, periodStart, seedAuditLog } from '../__fixtures__/seed.js';
import { generateAuditReport } from '../generate-report.js';
import type { AuditReport } from '../types.js';
import { renderReport } from './render-report.js';

describe('renderReport', () => {
  let opened: TestStore;
  let report: AuditReport;
  beforeAll(async () => {
    opened = await storeEngines.find((engine) => engine.name === 'sqlite')!.open();
    await seedAuditLog(opened.store);
    report = await generateAuditReport(opened.store, {
      standard: 'SOC2',
      tenantId: 'acme',
      from: periodStart,
      to: periodEnd,
      now: () => periodEnd,
      verify: (tenantId) => verifyChain(opened.store, { tenantId }),
      retention: { policyDuration: '1y', archivedSegments: 3, legalHold: false },
    });
  });
  afterAll(() => opened.cleanup());

  it('renders JSON that parses back to the report', () => {
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(report);
  });

  it('renders a self-contained HTML page with every value escaped', () => {
    const html = renderReport(report, 'html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    // No script of the report's own, no external resources, and the payload's script is inert text.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link|src=|https?:\/\//i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; | trust set to 0.9');
    for (const title of [
      'Period and scope',
      'Control mapping',
      'Totals',
      'PII access accounting',
      'Permission and trust changes',
      'Denied actions',
      'Approvals',
      'Anomalies',
      'Integrity verification',
      'Retention',
    ]) {
      expect(html).toContain(`<h2>${title}</h2>`);
    }
    expect(html).toMatch(/<td>Bash<\/td><td>13<\/td><td>13<\/td><td>level: 13<\/td>/);
    expect(html).toContain('<td>CC6.3</td>');
  });

  it('renders Markdown tables with cells escaped', () => {
    const markdown = renderReport(report, 'md');
    expect(markdown.startsWith('# SOC 2 audit report\n')).toBe(true);
    expect(markdown).toContain('| Tool | Denied | Above level | Rules | First | Last |');
    expect(markdown).toMatch(/\| Bash \| 13 \| 13 \| level: 13 \|/);
    expect(markdown).toContain('| auditor@acme | 2 | 4 | 0 |');
    // A pipe in a value cannot break the table, and HTML in a value is not live.
    expect(markdown).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| trust set to 0.9');
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('- **Records:** 36');
    expect(markdown).toContain('- **Legal hold:** off');
  });

  it('rejects an unknown format', () => {
    expect(() => renderReport(report, 'pdf' as 'json')).toThrow(/use json, md or html/);
  });
});

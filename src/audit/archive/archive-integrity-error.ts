/** The typed error for an archived segment that does not match its manifest or its own chain. */
import { StewardError } from '../../errors/index.js';
import type { SegmentIssue } from './types.js';

/**
 * A segment failed verification while being read; `segment` names it (`acme/1-100`) and `issues`
 * lists what is wrong.
 *
 * @example
 * try { await archive.readSegment(ref) } catch (error) {
 *   if (ArchiveIntegrityError.isInstance(error)) alert(error.segment, error.issues);
 * }
 */
export class ArchiveIntegrityError extends StewardError {
  override readonly name = 'ArchiveIntegrityError';
  readonly segment: string;
  readonly issues: SegmentIssue[];

  constructor(segment: string, issues: SegmentIssue[]) {
    const lines = issues.map((issue) => `${issue.kind}: ${issue.message}`);
    super(
      'integrity-check-failed',
      `Archived audit segment ${segment} failed verification:\n  ${lines.join('\n  ')}`,
      {
        details: { segment, issues },
      },
    );
    this.segment = segment;
    this.issues = issues;
  }

  static override isInstance(error: unknown): error is ArchiveIntegrityError {
    return StewardError.isInstance(error) && error.code === 'integrity-check-failed' && 'segment' in error;
  }
}

import { describe, expect, it } from 'vitest';
import { label } from './__fixtures__/labelled.js';
import { evaluatePii } from './evaluate.js';
import type { PiiFinding, PiiType } from './types.js';

const fixed = (findings: Array<[PiiType, number, number]>) => ({
  detect: (text: string): PiiFinding[] =>
    findings.map(([type, start, end]) => ({
      type,
      start,
      end,
      text: text.slice(start, end),
      score: 1,
      recognizer: type,
    })),
});

describe('label', () => {
  it('strips the marks and records exact spans', () => {
    const item = label('x', 'shop', 'Mail {{e:jo@example.com}}, call {{p:(415) 555-2671}}.');
    expect(item.text).toBe('Mail jo@example.com, call (415) 555-2671.');
    expect(item.spans.map((span) => item.text.slice(span.start, span.end))).toEqual([
      'jo@example.com',
      '(415) 555-2671',
    ]);
    expect(() => label('y', 'shop', '{{zz:oops}}')).toThrow(/unknown label alias/);
  });
});

describe('evaluatePii', () => {
  const item = label('1', 'shop', 'Mail {{e:jo@example.com}} or {{e:al@example.com}}, card 4111.');

  it('counts a finding covering at least half of a labelled span of the same type', () => {
    // jo@example.com is 5..19; a finding over 5..13 covers 8 of 14 characters.
    const result = evaluatePii(fixed([['email', 5, 13]]), [item]);
    expect(result.byType.email).toMatchObject({ tp: 1, fp: 0, fn: 1, precision: 1, recall: 0.5 });
  });

  it('counts too little overlap, the wrong type and unlabelled findings as errors', () => {
    const result = evaluatePii(
      fixed([
        ['email', 5, 10],
        ['phone', 23, 37],
        ['payment-card', 44, 48],
      ]),
      [item],
    );
    expect(result.byType.email).toMatchObject({ tp: 0, fp: 1, fn: 2 });
    expect(result.byType.phone).toMatchObject({ tp: 0, fp: 1, fn: 0, precision: 0 });
    expect(result.overall).toMatchObject({ tp: 0, fp: 3, fn: 2, f1: 0 });
    expect(result.errors.map((error) => error.kind)).toEqual([
      'false-negative',
      'false-negative',
      'false-positive',
      'false-positive',
      'false-positive',
    ]);
  });

  it('matches each label and each finding at most once', () => {
    const result = evaluatePii(
      fixed([
        ['email', 5, 19],
        ['email', 5, 19],
      ]),
      [item],
    );
    expect(result.byType.email).toMatchObject({ tp: 1, fp: 1, fn: 1 });
  });

  it('reports 1 for precision and recall of a type nobody labelled or found', () => {
    expect(evaluatePii(fixed([]), [item]).byType.iban).toMatchObject({ precision: 1, recall: 1 });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countSegments } from './segments.js';
import { fitShortResponse, plainTextFromMarkdown } from './short-response.js';

describe('plainTextFromMarkdown', () => {
  it('drops emphasis, headings, code markers and quotes; links become "label: url"', () => {
    const markdown = [
      '## Opening hours',
      '',
      'We are **open** from *9am* to `5pm`, see [our hours](https://example.com/hours?day=mon).',
      '',
      '> Closed on holidays',
      '* Monday',
      '* Tuesday',
      '',
      '![map](https://example.com/map.png)',
    ].join('\n');
    expect(plainTextFromMarkdown(markdown)).toBe(
      [
        'Opening hours',
        '',
        'We are open from 9am to 5pm, see our hours: https://example.com/hours?day=mon.',
        '',
        'Closed on holidays',
        '- Monday',
        '- Tuesday',
        '',
        'https://example.com/map.png',
      ].join('\n'),
    );
  });

  it('replaces typographic quotes and dashes by GSM-7 look-alikes, so the text stays GSM-7', () => {
    const plain = plainTextFromMarkdown('We’re “open” today – until 5… ');
    expect(plain).toBe('We\'re "open" today - until 5...');
    expect(countSegments(plain).encoding).toBe('gsm-7');
  });

  it('keeps snake_case words and arithmetic stars', () => {
    expect(plainTextFromMarkdown('order_id is 2 * 3')).toBe('order_id is 2 * 3');
  });
});

describe('fitShortResponse', () => {
  it('leaves a reply that fits untouched (after stripping markdown)', () => {
    expect(fitShortResponse('We open at **9am**.', { maxSegments: 1 })).toEqual({
      text: 'We open at 9am.',
      segments: 1,
      encoding: 'gsm-7',
      truncated: false,
    });
  });

  it('cuts a long reply at a word boundary inside the segment budget', () => {
    const long = 'word '.repeat(100).trim();
    const fitted = fitShortResponse(long, { maxSegments: 1 });
    expect(fitted.truncated).toBe(true);
    expect(fitted.segments).toBe(1);
    expect(fitted.text.length).toBeLessThanOrEqual(160);
    expect(fitted.text).toMatch(/^(word )*word\.\.\.$/);
    expect(fitted.text.length).toBeGreaterThan(150);
  });

  it('never cuts inside a link: the link is kept whole or left out whole', () => {
    const url = 'https://example.com/book/appointment?service=haircut&slot=2026-12-05T09:00';
    const text = `${'Please book here '.repeat(7)}${url} and thanks`;
    const fitted = fitShortResponse(text, { maxSegments: 1 });
    expect(fitted.segments).toBe(1);
    expect(fitted.text.includes('https://')).toBe(false);
    const two = fitShortResponse(`${text} ${'more words '.repeat(30)}`, { maxSegments: 2 });
    expect(two.text).toContain(url);
    expect(two.segments).toBeLessThanOrEqual(2);
  });

  it('counts UCS-2 when the kept text needs it (67 per part)', () => {
    const fitted = fitShortResponse('😀 '.repeat(100), { maxSegments: 2 });
    expect(fitted.encoding).toBe('ucs-2');
    expect(fitted.segments).toBe(2);
    expect(countSegments(fitted.text).units).toBeLessThanOrEqual(134);
  });

  it('always fits the budget and keeps a prefix of the plain text (fuzzed)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 800 }), fc.integer({ min: 1, max: 5 }), (markdown, maxSegments) => {
        const fitted = fitShortResponse(markdown, { maxSegments });
        expect(countSegments(fitted.text).segments).toBeLessThanOrEqual(maxSegments);
        if (fitted.truncated) {
          const kept = fitted.text.slice(0, -3);
          expect(plainTextFromMarkdown(markdown).startsWith(kept)).toBe(true);
        }
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { parseLabelledCsv } from './labelled-csv.js';

describe('parseLabelledCsv', () => {
  it('reads quoted fields with commas, doubled quotes and CRLF line ends', () => {
    const csv =
      'text,category\r\n"Hi, there",greeting\r\n"She said ""no""",refusal\r\nplain text,other\r\n\r\n';
    expect(parseLabelledCsv(csv)).toEqual([
      { text: 'Hi, there', label: 'greeting' },
      { text: 'She said "no"', label: 'refusal' },
      { text: 'plain text', label: 'other' },
    ]);
  });

  it('reads a last row without a line end, and other column names', () => {
    expect(parseLabelledCsv('label,utterance\nthanks,ty', 'utterance', 'label')).toEqual([
      { text: 'ty', label: 'thanks' },
    ]);
  });

  it('says which column is missing', () => {
    expect(() => parseLabelledCsv('text,intent\nhi,greeting')).toThrow(
      /lacks the "text" or "category" column/,
    );
  });
});

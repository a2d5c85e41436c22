/** Reads `text,label` CSV files (RFC 4180 quoting), the format of the banking77 data set. */

/** One request and the intent it belongs to. */
export interface LabelledText {
  text: string;
  label: string;
}

/**
 * Parses CSV text whose first row is a header; `textColumn` and `labelColumn` name the columns.
 *
 * @example
 * parseLabelledCsv('text,category\n"Hi, there",greeting\n')
 * // [{ text: 'Hi, there', label: 'greeting' }]
 */
export function parseLabelledCsv(csv: string, textColumn = 'text', labelColumn = 'category'): LabelledText[] {
  const rows = parseCsvRows(csv);
  const header = rows.shift() ?? [];
  const textIndex = header.indexOf(textColumn);
  const labelIndex = header.indexOf(labelColumn);
  if (textIndex < 0 || labelIndex < 0) {
    throw new Error(
      `CSV header ${JSON.stringify(header)} lacks the "${textColumn}" or "${labelColumn}" column`,
    );
  }
  return rows
    .filter((row) => row.length > Math.max(textIndex, labelIndex))
    .map((row) => ({ text: row[textIndex]!, label: row[labelIndex]! }));
}

function parseCsvRows(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < csv.length; index++) {
    const character = csv[index]!;
    if (quoted) {
      if (character !== '"') field += character;
      else if (csv[index + 1] === '"') {
        field += '"';
        index++;
      } else quoted = false;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && csv[index + 1] === '\n') index++;
      row.push(field);
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
      field = '';
    } else field += character;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

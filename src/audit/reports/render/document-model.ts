/** The neutral document a report becomes: sections of facts, tables and notes, rendered as Markdown or HTML. */

export type Block =
  | { kind: 'facts'; rows: [label: string, value: string][] }
  | { kind: 'table'; title?: string; columns: string[]; rows: string[][]; empty: string }
  | { kind: 'note'; text: string };

export interface DocumentSection {
  id: string;
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  sections: DocumentSection[];
}

/** Cell formatting shared by the report's document sections. */
import { sortedCounts } from '../bounded.js';
import type { RecordReference } from '../types.js';
import type { Block } from './document-model.js';

export const time = (at: number | null) => (at === null ? '—' : new Date(at).toISOString());
export const number = (value: number | null) => (value === null ? '—' : value.toLocaleString('en-US'));
export const orDash = (value: string | null | undefined) =>
  value === null || value === undefined || value === '' ? '—' : value;
export const countsText = (record: Record<string, number>) =>
  sortedCounts(record)
    .map(([key, count]) => `${key}: ${count}`)
    .join(', ') || '—';

export function where(entry: RecordReference, multiTenant: boolean): string[] {
  return [time(entry.at), ...(multiTenant ? [entry.tenantId] : []), entry.agentId, String(entry.seq)];
}

export function truncatedNote(shown: number, total: number, truncated: boolean): Block[] {
  return truncated
    ? [{ kind: 'note', text: `Listed: the first ${number(shown)} of ${number(total)} (counts cover all).` }]
    : [];
}

import { describe, expect, it } from 'vitest';
import { recordColumns, recordValues, toRecordRow } from './schema.js';

describe('audit_records row mapping', () => {
  it('pushes each column value in recordColumns order, as toRecordRow names them', () => {
    const record = {
      tenantId: 't',
      seq: 7,
      id: 'id-1',
      agentId: 'a',
      eventType: 'reply-sent',
      at: 1_700_000_000_000,
      conversationId: 'c',
      interactionId: 'i',
      channel: 'web',
      actor: 'operator',
      level: 'standard',
      payload: '{"x":1}',
      keyId: 'k1',
      prevHash: 'p'.repeat(64),
      hash: 'h'.repeat(64),
    };
    const values: unknown[] = ['before'];
    recordValues(record, values);
    const row = toRecordRow(record);
    expect(values).toEqual(['before', ...recordColumns.map((column) => row[column])]);
    expect(new Set(recordColumns)).toEqual(new Set(Object.keys(row)));
  });
});

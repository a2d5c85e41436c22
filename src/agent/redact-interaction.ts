/** The interaction record as it is stored: request, reply, error and tool calls masked (src/privacy). */
import { maskPayload, type Redactor } from '../privacy/index.js';
import type { InteractionRecord } from '../store/index.js';

/** A copy of an interaction record with request, reply, error and tool call inputs masked. */
export function redactInteraction(record: InteractionRecord, redactor: Redactor): InteractionRecord {
  if (!redactor.enabled) return record;
  const masked: InteractionRecord = {
    ...record,
    requestText: redactor.text(record.requestText),
    replyText: redactor.text(record.replyText),
    toolCalls: maskPayload(record.toolCalls, redactor),
  };
  if (record.errorMessage !== undefined) masked.errorMessage = redactor.text(record.errorMessage);
  if (record.feedback?.note !== undefined) {
    masked.feedback = { ...record.feedback, note: redactor.text(record.feedback.note) };
  }
  return masked;
}

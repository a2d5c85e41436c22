/** Test support for the audit log: a fake clock and plausible record inputs. */
import type { AuditRecordInput } from '../record.js';

/** A clock the test moves by hand. */
export function fakeClock(start = Date.parse('2026-06-15T12:00:00Z')): {
  now: () => number;
  advance(ms: number): void;
} {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
  };
}

let counter = 0;

/** A plausible record input; override any field. */
export function recordInput(overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  counter++;
  return {
    tenantId: 'acme',
    agentId: 'front-desk',
    eventType: 'message-received',
    at: Date.parse('2026-06-15T12:00:00Z') + counter,
    conversationId: 'c-1',
    interactionId: `i-${counter}`,
    channel: 'web',
    level: 'standard',
    payload: { text: `hello [EMAIL] #${counter}`, tokens: counter },
    ...overrides,
  };
}

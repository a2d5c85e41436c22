/** Test support for alerts: audit records as the log returns them, and a clock the test moves. */
import type { AuditRecord } from '../../log/index.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** A Monday, 00:00 UTC. */
export const MONDAY = Date.parse('2026-06-01T00:00:00Z');

export interface TestClock {
  now: () => number;
  set(at: number): void;
}

export function testClock(start = MONDAY): TestClock {
  let current = start;
  return {
    now: () => current,
    set(at) {
      current = at;
    },
  };
}

let seq = 0;

/** A stored audit record; `at` also moves `clock` when given, as records arrive in real time. */
export function auditRecord(
  overrides: Partial<AuditRecord> & Pick<AuditRecord, 'eventType' | 'at'>,
  clock?: TestClock,
): AuditRecord {
  seq++;
  clock?.set(overrides.at);
  return {
    tenantId: 'acme',
    seq,
    id: `r-${seq}`,
    agentId: 'front-desk',
    conversationId: 'c-1',
    interactionId: `i-${seq}`,
    channel: 'web',
    actor: null,
    level: 'standard',
    payload: {},
    keyId: null,
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
    ...overrides,
  };
}

/** The default runtimes' settings from the environment: warm sessions. */
import { describe, expect, it } from 'vitest';
import { warmSessionsFrom } from './default-runtime.js';

describe('warmSessionsFrom', () => {
  it('is off unless STEWARD_WARM_SESSIONS names a count above 0', () => {
    expect(warmSessionsFrom({}, {})).toBeUndefined();
    expect(warmSessionsFrom({}, { STEWARD_WARM_SESSIONS: '0' })).toBeUndefined();
    expect(warmSessionsFrom({}, { STEWARD_WARM_SESSIONS: '16' })).toEqual({ max: 16 });
  });

  it('reads the idle time and memory budget, and prefers the options', () => {
    const env = { STEWARD_WARM_SESSIONS: '4', STEWARD_WARM_IDLE_MS: '60000', STEWARD_WARM_MEMORY_MB: '1024' };
    expect(warmSessionsFrom({}, env)).toEqual({ max: 4, idleMs: 60_000, memoryBudgetMb: 1024 });
    expect(warmSessionsFrom({ warmSessions: false }, env)).toBe(false);
  });

  it('refuses a value that is not a whole number', () => {
    expect(() => warmSessionsFrom({}, { STEWARD_WARM_SESSIONS: 'lots' })).toThrow(
      'STEWARD_WARM_SESSIONS must be a whole number >= 0, received "lots"',
    );
    expect(() => warmSessionsFrom({}, { STEWARD_WARM_SESSIONS: '2', STEWARD_WARM_IDLE_MS: '0' })).toThrow(
      /STEWARD_WARM_IDLE_MS/,
    );
  });
});

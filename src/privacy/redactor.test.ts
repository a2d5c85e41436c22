import { describe, expect, it } from 'vitest';
import { createRedactor, maskPayload } from './redactor.js';

describe('redactor', () => {
  it('masks text and JSON values by the policy', () => {
    const redactor = createRedactor({ policy: { default: 'redact', 'payment-card': 'partial' } });
    expect(redactor.text('card 4111 1111 1111 1111, mail jo@example.com')).toBe(
      'card ****1111, mail [EMAIL]',
    );
    expect(redactor.value({ to: 'jo@example.com', count: 2 })).toEqual({ to: '[EMAIL]', count: 2 });
    expect(redactor.text('order 12345 ships Monday')).toBe('order 12345 ships Monday');
  });

  it('keeps structural fields such as tool names while masking the values around them', () => {
    const redactor = createRedactor();
    expect(
      maskPayload(
        {
          toolName: 'Write',
          tier: 'cache',
          name: 'Bob',
          toolCalls: [{ toolName: 'Write', input: { to: 'jo@example.com' } }],
        },
        redactor,
      ),
    ).toEqual({
      toolName: 'Write',
      tier: 'cache',
      name: '[NAME]',
      toolCalls: [{ toolName: 'Write', input: { to: '[EMAIL]' } }],
    });
  });
});

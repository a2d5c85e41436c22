import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import { parseRawEmail } from './parse-email.js';
import { conversationKeyOf, messageIdsIn, replyReferencesOf, replySubjectOf } from './threading.js';

describe('email threading', () => {
  it('keys every message of a thread to its root', () => {
    const root = { messageId: '<a@x>', inReplyTo: undefined, references: [] };
    const second = { messageId: '<b@x>', inReplyTo: '<a@x>', references: ['<a@x>'] };
    const third = { messageId: '<c@x>', inReplyTo: '<b@x>', references: replyReferencesOf(second) };
    // A client that keeps only In-Reply-To still lands in the thread of its parent's root when the parent is the root.
    const bare = { messageId: '<d@x>', inReplyTo: '<a@x>', references: [] };
    expect([root, second, third, bare].map(conversationKeyOf)).toEqual(['<a@x>', '<a@x>', '<a@x>', '<a@x>']);
  });

  it('reads ids with and without brackets, folded over lines', () => {
    expect(messageIdsIn('<a@x>\r\n <b@x> <c@y.z>')).toEqual(['<a@x>', '<b@x>', '<c@y.z>']);
    expect(messageIdsIn('a@x b@x')).toEqual(['<a@x>', '<b@x>']);
    expect(messageIdsIn(['<a@x>', '<b@x>'])).toEqual(['<a@x>', '<b@x>']);
    expect(messageIdsIn(undefined)).toEqual([]);
  });

  it('builds the reply subject and references', () => {
    expect(replySubjectOf('Your order')).toBe('Re: Your order');
    expect(replySubjectOf('RE: Re: AW: Your order')).toBe('Re: Your order');
    expect(replySubjectOf('')).toBe('Re: (no subject)');
    expect(replyReferencesOf({ messageId: '<c@x>', references: ['<a@x>', '<b@x>'] })).toEqual([
      '<a@x>',
      '<b@x>',
      '<c@x>',
    ]);
    const long = Array.from({ length: 30 }, (_, index) => `<m${index}@x>`);
    const capped = replyReferencesOf({ messageId: '<last@x>', references: long });
    expect(capped).toHaveLength(20);
    expect(capped[0]).toBe('<m0@x>');
    expect(capped.at(-1)).toBe('<last@x>');
  });
});

describe('parseRawEmail on arbitrary input (fuzzed)', () => {
  const header = fc.constantFrom(
    'From',
    'To',
    'Cc',
    'Subject',
    'Message-ID',
    'In-Reply-To',
    'References',
    'Content-Type',
  );
  const message = fc
    .tuple(
      fc.array(fc.tuple(header, fc.string({ maxLength: 60 })), { maxLength: 8 }),
      fc.string({ maxLength: 300 }),
    )
    .map(
      ([headers, body]) =>
        `${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${body}`,
    );

  it('returns a typed email or throws a StewardError, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(message, fc.string({ maxLength: 400 })), async (raw) => {
        try {
          const email = await parseRawEmail(raw, { recipient: 'orders@acme.example' });
          expect(email.from.address).toContain('@');
          expect(email.conversationKey).toMatch(/^<.+>$/);
        } catch (error) {
          expect(StewardError.isInstance(error)).toBe(true);
          expect((error as StewardError).code).toBe('invalid-request');
        }
      }),
      { numRuns: 200 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { emailRecognizer } from './email.js';
import { candidateTexts, detectedTexts } from './test-support.js';

describe('email recognizer', () => {
  it('finds addresses with subdomains, plus tags and mixed case, without trailing punctuation', () => {
    const text = 'Write to maria.lopez@gmail.com, J.Reyes+orders@Outlook.COM or a@b.co. Thanks.';
    expect(candidateTexts(emailRecognizer, text)).toEqual([
      'maria.lopez@gmail.com',
      'J.Reyes+orders@Outlook.COM',
      'a@b.co',
    ]);
  });

  it('ignores handles, local-only addresses and asset names', () => {
    expect(detectedTexts('email', 'Follow @sweetcrumbs, ping root@localhost, see logo@2x.png')).toEqual([]);
  });

  it('rejects addresses with empty labels or a numeric top-level domain', () => {
    expect(candidateTexts(emailRecognizer, 'x@a..com y@example.123 z@-bad.com .@a.com')).toEqual([]);
  });

  it('finds the address part of the userinfo in a URL, which the URL recognizer outranks', () => {
    expect(candidateTexts(emailRecognizer, 'ftp://user:pass@host.example.com')).toEqual([
      'pass@host.example.com',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { createPiiDetector } from '../detector.js';
import { candidateTexts } from './test-support.js';
import { urlCredentialsRecognizer } from './url-credentials.js';

describe('url-credentials recognizer', () => {
  it('finds scheme://user:pass@host up to the end of the host and port', () => {
    const text = 'DB is postgres://admin:s3cret@db.example.com:5432/shop, cache redis://:pw@10.0.0.7.';
    expect(candidateTexts(urlCredentialsRecognizer, text)).toEqual([
      'postgres://admin:s3cret@db.example.com:5432',
      'redis://:pw@10.0.0.7',
    ]);
  });

  it('ignores URLs without a password', () => {
    expect(
      candidateTexts(
        urlCredentialsRecognizer,
        'https://example.com/a@b https://user@example.com http://x:@y.com',
      ),
    ).toEqual([]);
  });

  it('outranks the email recognizer on the same span', () => {
    const findings = createPiiDetector().detect('see https://staff:CakeTime99@intranet.example.org/rota');
    expect(findings.map((finding) => [finding.type, finding.text])).toEqual([
      ['url-credentials', 'https://staff:CakeTime99@intranet.example.org'],
    ]);
  });
});

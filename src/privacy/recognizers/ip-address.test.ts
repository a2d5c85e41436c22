import { describe, expect, it } from 'vitest';
import { ipAddressRecognizer, isIpv6 } from './ip-address.js';
import { candidateTexts, detectedTexts } from './test-support.js';

describe('ip-address recognizer', () => {
  it('finds IPv4 addresses, also at the end of a sentence', () => {
    expect(detectedTexts('ip-address', 'from 203.0.113.45 and 10.0.0.12.')).toEqual([
      '203.0.113.45',
      '10.0.0.12',
    ]);
  });

  it('finds full and compressed IPv6 addresses', () => {
    expect(
      detectedTexts('ip-address', 'via 2001:0db8:85a3:0000:0000:8a2e:0370:7334 or 2001:db8::8a2e:370:7334'),
    ).toEqual(['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8::8a2e:370:7334']);
  });

  it('rejects octets over 255, leading zeros, versions and longer dotted runs', () => {
    expect(
      candidateTexts(
        ipAddressRecognizer,
        '256.1.1.1 01.02.03.04 v1.2.3.4 1.2.3 10.1.2.3.4 build 2024.06.11.2',
      ),
    ).toEqual([]);
  });

  it('rejects times, MAC addresses and malformed IPv6', () => {
    expect(isIpv6('1::2::3')).toBe(false);
    expect(candidateTexts(ipAddressRecognizer, 'at 10:30:45, MAC 00:1A:2B:3C:4D:5E, ratio 3:2')).toEqual([]);
  });

  it('scores trivial-looking addresses below the threshold without context', () => {
    expect(detectedTexts('ip-address', 'section 1.2.3.4 and ::1')).toEqual([]);
  });
});

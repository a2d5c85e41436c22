/**
 * The `partial` masking strategy: keep just enough to recognise a value (last four digits, the
 * first letter and domain of an email) and never enough to use it.
 */
import type { PiiType } from './types.js';

/** A partial form of `value`, or undefined when the type has no safe one (it is then redacted). */
export function maskPartially(type: PiiType, value: string): string | undefined {
  switch (type) {
    case 'payment-card':
    case 'phone':
    case 'us-ssn':
      return `****${lastDigits(value, 4)}`;
    case 'iban': {
      const compact = value.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
      return `${compact.slice(0, 2)}****${compact.slice(-4)}`;
    }
    case 'email': {
      const at = value.lastIndexOf('@');
      if (at <= 0) return undefined;
      return `${value[0]}***@${value.slice(at + 1)}`;
    }
    case 'ip-address':
      return partialIp(value);
    case 'url-credentials':
      return partialUrl(value);
    case 'date-of-birth': {
      const year = /(?:19|20)\d{2}/.exec(value);
      return year ? `**/**/${year[0]}` : undefined;
    }
    case 'person-name': {
      const initials = value.match(/\p{L}/gu);
      if (!initials) return undefined;
      // First letter of each word: "Maria Lopez" → "M. L."
      return value
        .split(/\s+/)
        .filter((word) => /\p{L}/u.test(word))
        .map((word) => `${/\p{L}/u.exec(word)![0]}.`)
        .join(' ');
    }
    default:
      return undefined;
  }
}

function lastDigits(value: string, count: number): string {
  const digits = value.replace(/\D/g, '');
  // Fewer than eight digits: showing four would reveal half of it.
  return digits.length >= 8 ? digits.slice(-count) : '';
}

function partialIp(value: string): string | undefined {
  if (value.includes('.')) {
    const octets = value.split('.');
    return octets.length === 4 ? `${octets.slice(0, 3).join('.')}.*` : undefined;
  }
  const groups = value.split(':').filter((group) => group !== '');
  return groups.length >= 2 ? `${groups.slice(0, 2).join(':')}:*` : undefined;
}

function partialUrl(value: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^@\s]*@(.*)$/s.exec(value);
  return match ? `${match[1]}***:***@${match[2]}` : undefined;
}

/**
 * Reversible tokenization: a vault swaps a PII value for an opaque token and back, for viewers
 * authorised to see the original. The in-memory vault is for tests and single-process use; the
 * store-backed one implements the same interface.
 */
import { randomBytes } from 'node:crypto';
import type { PiiType } from './types.js';

/**
 * Swaps values for tokens and back. Tokens must match `[A-Za-z0-9_.-]+` so masked text can be
 * scanned for them (`detokenizeText`); the same type and value should give the same token.
 */
export interface TokenVault {
  tokenize(type: PiiType, value: string): string;
  /** The original value, or undefined for a token this vault never issued. */
  detokenize(token: string): string | undefined;
}

export interface InMemoryTokenVaultOptions {
  /** Makes the random part of a token; inject a counter in tests. Default: 12 random bytes, hex. */
  generateId?: () => string;
}

/**
 * A vault that keeps its mapping in memory: tokens look like `tok_email_3f9a…`.
 *
 * @example
 * const vault = createInMemoryTokenVault();
 * const token = vault.tokenize('email', 'jo@example.com'); // 'tok_email_…'
 * vault.detokenize(token); // 'jo@example.com'
 */
export function createInMemoryTokenVault(options: InMemoryTokenVaultOptions = {}): TokenVault & {
  readonly size: number;
} {
  const generateId = options.generateId ?? (() => randomBytes(12).toString('hex'));
  const byValue = new Map<string, string>();
  const byToken = new Map<string, string>();
  return {
    tokenize(type, value) {
      const key = `${type}\u0000${value}`;
      const existing = byValue.get(key);
      if (existing !== undefined) return existing;
      const token = `tok_${type.replace(/-/g, '_')}_${generateId()}`;
      if (!/^[A-Za-z0-9_.-]+$/.test(token) || byToken.has(token)) {
        throw new Error(`Token vault generated an unusable or duplicate token "${token}"; check generateId.`);
      }
      byValue.set(key, token);
      byToken.set(token, value);
      return token;
    },
    detokenize(token) {
      return byToken.get(token);
    },
    get size() {
      return byToken.size;
    },
  };
}

/** Money in the budget tables: integer micro-dollars, so sums and comparisons are exact. */
import { StewardError } from '../../errors/index.js';

/**
 * USD to whole micro-dollars, rounded up (a reservation or a spend is never undercounted). Rounds to
 * nano-dollars first so float noise (0.012099 × 1e6 = 12099.000000000002) does not add a micro-dollar.
 *
 * @example toMicroUsd(0.012099) // 12099
 */
export function toMicroUsd(usd: number): number {
  return Math.ceil(Math.round(usd * 1e9) / 1e3);
}

/** Whole micro-dollars to USD. */
export function fromMicroUsd(microUsd: number): number {
  return microUsd / 1e6;
}

/** Throws 'invalid-request' unless `usd` is a finite amount >= 0. */
export function checkAmount(name: string, usd: number): void {
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd < 0) {
    throw new StewardError('invalid-request', `${name} must be a finite number of USD >= 0, received ${usd}`);
  }
}

/** `$1.23` for messages; four decimals below a cent. */
export function formatUsd(usd: number): string {
  return Math.abs(usd) >= 0.01 || usd === 0 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

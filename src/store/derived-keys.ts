/**
 * Keys for one purpose each (customers' keyed hashes, conversation tokens), derived from the store's
 * secret with HKDF-SHA256 so no two uses share a key and none is the transcript key itself. A store with
 * no configured secret (PostgreSQL without STEWARD_SECRET_KEY, `:memory:`) keeps a random root in its
 * `store_secrets` table, the same for every instance on that database.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { StewardError } from '../errors/index.js';
import type { Database } from './schema.js';

/** Returns the 32-byte key of `purpose` (e.g. `'customer-hash'`); the same on every instance of the store. */
export type DeriveKey = (purpose: string) => Promise<Buffer>;

const rootSecretName = 'derivation-root';
const purposePattern = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * @example
 * const deriveKey = createKeyDerivation({ db, rootKey });
 * const hashKey = await deriveKey('customer-hash');
 */
export function createKeyDerivation(options: {
  db: Kysely<Database>;
  /** The store's configured secret; without one the root is kept in the database. */
  rootKey: Buffer | undefined;
  now?: () => number;
}): DeriveKey {
  const now = options.now ?? Date.now;
  let root: Promise<Buffer> | undefined = options.rootKey ? Promise.resolve(options.rootKey) : undefined;
  const derived = new Map<string, Buffer>();
  const rootKey = (): Promise<Buffer> => {
    root ??= readOrCreateRoot(options.db, now()).catch((error: unknown) => {
      // A store that was down is asked again on the next call.
      root = undefined;
      throw error;
    });
    return root;
  };
  return async (purpose) => {
    if (!purposePattern.test(purpose)) {
      throw new StewardError('internal', `a key purpose is a lowercase name, received "${purpose}"`);
    }
    const known = derived.get(purpose);
    if (known) return known;
    const key = Buffer.from(hkdfSync('sha256', await rootKey(), 'claude-steward', purpose, 32));
    derived.set(purpose, key);
    return key;
  };
}

/** The database's root: made once by whichever instance comes first, then read by all. */
async function readOrCreateRoot(db: Kysely<Database>, at: number): Promise<Buffer> {
  await db
    .insertInto('store_secrets')
    .values({ name: rootSecretName, secret: randomBytes(32).toString('hex'), created_at: at })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('store_secrets')
    .select('secret')
    .where('name', '=', rootSecretName)
    .executeTakeFirstOrThrow();
  return Buffer.from(row.secret, 'hex');
}

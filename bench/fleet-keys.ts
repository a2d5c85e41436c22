/**
 * Revocation across instances for the fleet benchmark: instance B checks a key (now cached), instance A
 * revokes it, and B's very next check must refuse it. SQLite: B reads the key epoch row before trusting
 * its cache; PostgreSQL: A's revoke returns once every listening instance confirmed over LISTEN/NOTIFY.
 */
import { performance } from 'node:perf_hooks';
import { StewardError } from '../src/errors/index.js';
import { ApiKeyService, Authenticator } from '../src/fleet/index.js';
import type { StewardStore } from '../src/store/index.js';

export interface RevocationFigures {
  engine: string;
  /** How long A's `revoke` took (PostgreSQL: including every instance's confirmation). */
  revokeMs: number;
  /** PostgreSQL: instances listening when A revoked, and how many confirmed. */
  instances: number;
  confirmed: number;
  /** B's first check after the revoke returned refused the key. */
  refusedAtOnce: boolean;
}

const ignoreAudit = { append: async () => undefined };

export async function benchKeyRevocation(
  store: StewardStore,
  otherInstance: StewardStore,
): Promise<RevocationFigures> {
  const revoker = await ApiKeyService.open(store, { audit: ignoreAudit });
  const checker = await ApiKeyService.open(otherInstance, { audit: ignoreAudit });
  try {
    const authenticator = new Authenticator({ keys: checker });
    const { key, token } = await revoker.create(
      { name: 'revocation probe', role: 'chat', tenants: ['bench-1'] },
      'bench',
    );
    const header = `Bearer ${token}`;
    for (let index = 0; index < 3; index++) await authenticator.authenticate(header);
    const started = performance.now();
    const revoked = await revoker.revoke(key.id, 'bench');
    const revokeMs = performance.now() - started;
    let refusedAtOnce = false;
    try {
      await authenticator.authenticate(header);
    } catch (error) {
      refusedAtOnce = error instanceof StewardError && error.code === 'unauthorized';
    }
    return {
      engine: store.engine,
      revokeMs,
      instances: revoked.propagation.instances,
      confirmed: revoked.propagation.confirmed,
      refusedAtOnce,
    };
  } finally {
    await checker.close();
    await revoker.close();
  }
}

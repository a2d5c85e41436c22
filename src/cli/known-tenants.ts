/**
 * Which tenants a new API key may name: those of the fleet registry, plus those of the config file
 * (which `steward serve` puts into the registry when it starts), so a typo in `--tenant` is refused
 * instead of making a key that never works, or that starts to work for whoever later creates that tenant.
 */
import { discardChanges, Registry } from '../fleet/index.js';
import type { StewardStore } from '../store/index.js';

/**
 * @example
 * const keys = await ApiKeyService.open(store, { audit, tenantExists: knownTenants(store, ['acme-bakery']) });
 */
export function knownTenants(
  store: StewardStore,
  fromConfigFile: readonly string[] = [],
): (tenantId: string) => Promise<boolean> {
  const inFile = new Set(fromConfigFile);
  // Reads only: a registry that records no changes.
  const registry = new Registry(store, { changes: discardChanges });
  return async (tenantId) => inFile.has(tenantId) || (await registry.tenants.get(tenantId)) !== undefined;
}

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { openStore, type StewardStore } from '../../store/index.js';
import { epochWatch } from '../keys/epoch-watch.js';
import { discardChanges } from './changes.js';
import { Registry } from './registry.js';
import { tenantCacheMaxAgeMs } from './tenants.js';

describe.each(storeEngines)('TenantRegistry.current on $name', (engine) => {
  let opened: TestStore | undefined;
  let other: StewardStore | undefined;
  afterEach(async () => {
    await other?.close();
    await opened?.cleanup();
    other = undefined;
    opened = undefined;
  });

  it('serves a tenant from process while the change epoch stands; a change by any process applies at once', async () => {
    opened = await engine.open();
    // A second store on the same database: another process, as far as the first one can tell.
    other = await openStore(opened.config, {});
    let clock = Date.now();
    const here = new Registry(opened.store, { changes: discardChanges, now: () => clock });
    const there = new Registry(other, { changes: discardChanges });
    await there.tenants.create({ tenantId: 'acme', displayName: 'Acme' }, { actor: 'alice' });
    const watch = epochWatch(opened.store);
    expect(watch === undefined).toBe(engine.name === 'postgres');
    // The mark a request takes when it arrives.
    const arrive = () => watch?.mark();

    expect((await here.tenants.current('acme', arrive()))?.status).toBe('active');
    // A write that bypasses the registry bumps no epoch: SQLite keeps serving the tenant it read (which
    // shows that it does); PostgreSQL, which keeps none, reads the row again.
    await sql`update tenants set display_name = 'Changed behind' where tenant_id = 'acme'`.execute(other.db);
    expect((await here.tenants.current('acme', arrive()))?.displayName).toBe(
      engine.name === 'sqlite' ? 'Acme' : 'Changed behind',
    );
    expect((await here.tenants.get('acme'))?.displayName).toBe('Changed behind');
    // …but only for so long: past the maximum age it reads the row again.
    clock += tenantCacheMaxAgeMs;
    expect((await here.tenants.current('acme', arrive()))?.displayName).toBe('Changed behind');

    // Through the other process's registry: the next request here sees it.
    await there.tenants.suspend('acme', { actor: 'alice' });
    expect((await here.tenants.current('acme', arrive()))?.status).toBe('suspended');
    await there.tenants.update('acme', { limits: { messagesPerMinute: 5 } }, { actor: 'alice' });
    expect((await here.tenants.current('acme', arrive()))?.limits).toEqual({ messagesPerMinute: 5 });

    // A tenant missing when first asked, created elsewhere afterwards, exists for the next request.
    expect(await here.tenants.current('globex', arrive())).toBeUndefined();
    await there.tenants.create({ tenantId: 'globex' }, { actor: 'alice' });
    const globex = await here.tenants.current('globex', arrive());
    expect(globex?.tenantId).toBe('globex');
    // One tenant's entry never answers for another; a kept tenant cannot be changed by its reader.
    expect((await here.tenants.current('acme', arrive()))?.tenantId).toBe('acme');
    expect(Object.isFrozen(globex) && Object.isFrozen(globex?.limits)).toBe(engine.name === 'sqlite');
  });

  it.runIf(engine.name === 'sqlite')(
    'reads the epoch once per request: a read made after the request arrived is reused, an older one is not',
    async () => {
      opened = await engine.open();
      const watch = epochWatch(opened.store)!;
      expect(epochWatch(opened.store)).toBe(watch);
      const arrived = watch.mark();
      // The request's key check reads the epoch.
      const epoch = watch.read();
      expect(watch.mark()).toBe(arrived + 1);
      expect(watch.readSince(arrived)).toBe(epoch);
      expect(watch.mark()).toBe(arrived + 1);
      // A request that arrived after the last read reads it again.
      const later = watch.mark();
      await sql`update api_key_epoch set epoch = epoch + 1 where id = 1`.execute(opened.store.db);
      expect(watch.readSince(later)).toBe(epoch + 1);
      expect(watch.mark()).toBe(later + 1);
    },
  );
});

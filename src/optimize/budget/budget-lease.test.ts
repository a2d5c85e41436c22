/**
 * Reservations of a killed process: an app instance (a child process with its own store) reserves most of
 * the day and is killed with SIGKILL mid-run. Its reservations must come back once its lease runs out, not
 * after the 10-minute stale TTL, while a live instance's reservations are never taken from it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { StewardError } from '../../errors/index.js';
import type { StoreConfig } from '../../store/index.js';
import { BudgetService } from './budget-service.js';
import type { BudgetTables } from './schema.js';

const LEASE_MS = 1_500;
const scope = { tenantId: 'acme', agentId: 'front-desk' };
const sourceRoot = fileURLToPath(new URL('../../', import.meta.url));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A child process that reserves `count` × `amountUsd`, reports them, then keeps running (its runs never end). */
async function startHolder(
  store: StoreConfig,
  count: number,
  amountUsd: number,
): Promise<{ child: ChildProcess; holderId: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'steward-budget-holder-'));
  const script = join(dir, 'holder.mjs');
  writeFileSync(
    script,
    `import { openStore } from ${JSON.stringify(join(sourceRoot, 'store/open-store.ts'))};
import { BudgetService } from ${JSON.stringify(join(sourceRoot, 'optimize/budget/budget-service.ts'))};
const { store, count, amountUsd, leaseMs } = JSON.parse(process.argv[2]);
const opened = await openStore(store, {});
const service = new BudgetService(opened, { daily: 50 }, { lease: leaseMs });
for (let index = 0; index < count; index++) {
  await service.reserve({ tenantId: 'acme', agentId: 'front-desk' }, { interactionId: 'held-' + index, amountUsd });
}
process.send({ held: count, holderId: service.holderId });
setInterval(() => {}, 60_000);
`,
  );
  const child = fork(script, [JSON.stringify({ store, count, amountUsd, leaseMs: LEASE_MS })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const holderId = await new Promise<string>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the holder exited early with ${code}`)));
    child.on('message', (message: { holderId?: string }) => {
      if (message.holderId) resolve(message.holderId);
    });
  });
  child.removeAllListeners('exit');
  return { child, holderId, dir };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe.each(storeEngines)('reservations of a killed instance on $name', (engine) => {
  let opened: TestStore | undefined;
  let holder: { child: ChildProcess; dir: string } | undefined;
  afterEach(async () => {
    if (holder) {
      await kill(holder.child);
      rmSync(holder.dir, { recursive: true, force: true });
      holder = undefined;
    }
    await opened?.cleanup();
    opened = undefined;
  });

  it('are freed once its lease runs out, and never while it lives', async () => {
    opened = await engine.open();
    const started = await startHolder(opened.config, 10, 4.899);
    holder = started;
    const budget = new BudgetService(opened.store, { daily: 50 }, { lease: LEASE_MS });
    const attempt = (index: number) =>
      budget.reserve(scope, { interactionId: `after-${index}`, amountUsd: 2 }).then(
        (reservation) => reservation,
        (error: unknown) => {
          expect(StewardError.isInstance(error) && error.code).toBe('budget-exceeded');
          return undefined;
        },
      );

    // $48.99 of $50 is held by a live instance: past several lease periods, its heartbeat keeps it.
    await pause(LEASE_MS * 2);
    expect(await attempt(0)).toBeUndefined();
    expect((await budget.status(scope)).reservedUsd).toBeCloseTo(48.99, 6);

    await kill(started.child);
    const killedAt = Date.now();
    let granted: Awaited<ReturnType<typeof attempt>>;
    for (let index = 1; !granted && Date.now() - killedAt < LEASE_MS + 5_000; index++) {
      granted = await attempt(index);
      if (!granted) await pause(100);
    }
    const waitedMs = Date.now() - killedAt;
    expect(granted, 'a reservation after the killed instance’s lease ran out').toBeDefined();
    // Within the lease (plus scheduling slack), not the 10-minute TTL.
    expect(waitedMs).toBeLessThan(LEASE_MS + 3_000);

    const status = await budget.status(scope);
    expect(status.reservedUsd).toBeCloseTo(2, 6);
    const rows = await opened.store.db
      .withTables<BudgetTables>()
      .selectFrom('budget_reservations')
      .select(['holder_id', 'status'])
      .execute();
    const killed = rows.filter((row) => row.holder_id === started.holderId);
    expect(killed).toHaveLength(10);
    expect(killed.every((row) => row.status === 'expired')).toBe(true);
    await budget.settle(granted!, 0.5);
    await budget.close();
  });

  it('a clean close drops the lease; reservations still open keep it until they end', async () => {
    opened = await engine.open();
    const db = opened.store.db.withTables<BudgetTables>();
    const budget = new BudgetService(opened.store, { daily: 50 }, { lease: LEASE_MS });
    const first = await budget.reserve(scope, { interactionId: 'a', amountUsd: 1 });
    const lease = await db.selectFrom('budget_holders').selectAll().executeTakeFirstOrThrow();
    expect(lease.id).toBe(budget.holderId);
    // A run outlives the close: its lease stays, so nobody frees its money while it may still spend it.
    await budget.close();
    expect(await db.selectFrom('budget_holders').select('id').execute()).toEqual([{ id: budget.holderId }]);
    await budget.settle(first, 0.25);
    await budget.close();
    expect(await db.selectFrom('budget_holders').selectAll().execute()).toEqual([]);
  });
});

describe.each(storeEngines)('the lease shared by the services of one store on $name', (engine) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  it('is one holder for every service of the store; the last close drops it', async () => {
    opened = await engine.open();
    const db = opened.store.db.withTables<BudgetTables>();
    const first = new BudgetService(opened.store, { daily: 50 });
    const second = new BudgetService(opened.store, { daily: 50 });
    expect(second.holderId).toBe(first.holderId);
    const reservation = await first.reserve(scope, { interactionId: 'a', amountUsd: 1 });
    await second.settle(await second.reserve(scope, { interactionId: 'b', amountUsd: 1 }), 0.5);
    const holders = () => db.selectFrom('budget_holders').select('id').execute();
    expect(await holders()).toEqual([{ id: first.holderId }]);
    // Closing one service (twice, even) leaves the lease to the other.
    await second.close();
    await second.close();
    await first.settle(reservation, 0.25);
    expect(await holders()).toEqual([{ id: first.holderId }]);
    await first.close();
    expect(await holders()).toEqual([]);
    // A service with a lease of its own holds it apart.
    const own = new BudgetService(opened.store, { daily: 50 }, { lease: LEASE_MS });
    expect(own.holderId).not.toBe(first.holderId);
    await own.close();
  });
});

/**
 * Two app instances (two stores, two connection pools) appending to one PostgreSQL database: the head
 * row lock keeps each tenant's chain single-file, so seqs stay contiguous and the chain verifies.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import type { StewardStore } from '../../store/index.js';
import { openStore } from '../../store/index.js';
import { recordInput } from './__fixtures__/records.js';
import { AuditLog } from './audit-log.js';
import { createCheckpointSigner } from './checkpoints.js';
import { verifyChain } from './verify.js';

const postgres = storeEngines.find((engine) => engine.name === 'postgres')!;
const signingKey = '44'.repeat(32);

describe('two AuditLog instances on one PostgreSQL database', () => {
  let opened: TestStore | undefined;
  let second: StewardStore | undefined;
  afterEach(async () => {
    await second?.close();
    await opened?.cleanup();
    second = undefined;
    opened = undefined;
  });

  it('interleave 200 appends into contiguous chains that verify', async () => {
    opened = await postgres.open();
    second = await openStore(opened.config, {});
    let clock = Date.parse('2026-06-15T12:00:00Z');
    const now = () => clock++;
    const options = { now, checkpointEveryRecords: 25, maxBatchRecords: 16 };
    const one = new AuditLog(opened.store, { ...options, signer: createCheckpointSigner(signingKey) });
    const two = new AuditLog(second, { ...options, signer: createCheckpointSigner(signingKey) });

    const tenants = ['acme', 'globex'];
    const appends = Array.from({ length: 200 }, (_, index) => {
      const log = index % 2 === 0 ? one : two;
      // Some callers wait a moment first, so batches of the two instances overlap in varied ways.
      const delay = (index * 7) % 5;
      return new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() =>
        log.append(recordInput({ tenantId: tenants[Math.floor(index / 2) % 2]!, payload: { index } })),
      );
    });
    const results = (await Promise.all(appends)).flat();
    await Promise.all([one.close(), two.close()]);

    for (const tenantId of tenants) {
      const seqs = results
        .filter((record) => record.tenantId === tenantId)
        .map((record) => record.seq)
        .sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    }
    const report = await verifyChain(opened.store);
    expect(report.ok).toBe(true);
    expect(report.tenants.map((tenant) => [tenant.tenantId, tenant.records, tenant.headSeq])).toEqual([
      ['acme', 100, 100],
      ['globex', 100, 100],
    ]);
    expect(report.tenants.every((tenant) => tenant.checkpointsVerified >= 4)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { benchFleet, type FleetSizes, fleetSizes, quickSizes } from '../bench/fleet.bench.js';
import { rssTargetMet } from '../bench/fleet-print.js';
import { scatteredTenants } from '../bench/fleet-touch.js';
import { openStore } from '../src/store/index.js';
import { storeEngines } from './support/engines.js';

/** A few hundred tenants: the whole fleet benchmark end to end, in seconds. */
const tinySizes: FleetSizes = {
  tenants: 300,
  coldLoads: 20,
  warmAgents: 5,
  warmMessages: 20,
  touches: 60,
  liveAgents: 15,
  touchConcurrency: 3,
  keys: 5,
  keyChecks: 200,
  maxLoopMs: 20_000,
  maxTouchMs: 20_000,
};

describe('the fleet benchmark (npm run bench fleet)', () => {
  it('reads --quick and the size variables', () => {
    expect(fleetSizes(['fleet', '--quick'], {})).toEqual(quickSizes);
    const sizes = fleetSizes([], { STEWARD_BENCH_FLEET_TENANTS: '2_000', STEWARD_BENCH_FLEET_TOUCHES: '0' });
    expect(sizes).toMatchObject({ tenants: 2_000, touches: 0, liveAgents: 1_000 });
    expect(fleetSizes([], { STEWARD_BENCH_FLEET_TOUCH_MINUTES: '40' }).maxTouchMs).toBe(2_400_000);
    expect(fleetSizes([], {}).touchConcurrency).toBe(1);
    expect(fleetSizes([], { STEWARD_BENCH_FLEET_TOUCH_CONCURRENCY: '8' }).touchConcurrency).toBe(8);
    expect(() => fleetSizes([], { STEWARD_BENCH_FLEET_TENANTS: 'many' })).toThrow(/whole number/);
  });

  it('touches distinct tenants, scattered over the fleet', () => {
    for (const tenants of [300, 1_000, 7_919 * 2]) {
      const picked = scatteredTenants(tenants, 250);
      expect(new Set(picked).size).toBe(250);
      expect(Math.min(...picked)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...picked)).toBeLessThanOrEqual(tenants);
    }
  });

  describe.each(storeEngines)('on $name', (engine) => {
    it('generates the fleet and measures every phase through the registry and AgentHost', async () => {
      const opened = await engine.open();
      const others: Array<Awaited<ReturnType<typeof openStore>>> = [];
      try {
        const figures = await benchFleet(
          opened.store,
          async () => {
            const other = await openStore(opened.config, {});
            others.push(other);
            return other;
          },
          tinySizes,
          opened.config,
        );
        expect(figures.generation).toMatchObject({ engine: engine.name, tenants: 300, agents: 300 });
        expect(figures.cold.loads).toBe(tinySizes.coldLoads);
        expect(figures.cold.total.p50).toBeGreaterThan(0);
        // Every warm reply came from the tier its path is about (the cache rule, the model).
        for (const path of figures.warm) {
          expect(path.latency.count).toBe(tinySizes.warmMessages);
          expect(path.expectedTier).toBe(tinySizes.warmMessages);
          expect(path.cpuMsMean).toBeGreaterThan(0);
        }
        expect(figures.keys.checks).toBe(tinySizes.keyChecks);
        expect(figures.revocation.refusedAtOnce).toBe(true);
        const touch = figures.touch!;
        expect(touch.touches).toBe(tinySizes.touches);
        expect(touch.liveAtEnd).toBe(tinySizes.liveAgents);
        expect(touch.agentsBuilt).toBe(tinySizes.touches);
        expect(touch.cpuMsPerTouch).toBeGreaterThan(0);
        // Evicted agents are collected: with the host closed, none stays reachable.
        expect(touch.inFlight).toBe(tinySizes.touchConcurrency);
        expect(touch.reachableOpen).toBeLessThanOrEqual(tinySizes.liveAgents + tinySizes.touchConcurrency);
        expect(touch.reachableClosed).toBe(0);
        // The touch phase ran in a process of its own (its RSS is not this test process's).
        expect(touch.pid).not.toBe(process.pid);
        expect(touch.rssFullMb).toBeGreaterThan(0);
        expect(touch.rssTrailMb).toHaveLength(10);
      } finally {
        for (const other of others) await other.close();
        await opened.cleanup();
      }
    });
  });
});

describe("the fleet benchmark's RSS target", () => {
  const touch = (rssTrailMb: number[], rssPeakMb = Math.max(...rssTrailMb)) =>
    ({ rssTrailMb, rssPeakMb }) as Parameters<typeof rssTargetMet>[0];

  it('is flat when the last three tenths average under 10% above the first three, whatever one sample does', () => {
    // A PostgreSQL run of 100,000 touches: noise, no trend (its last tenth alone is 11% above its first).
    expect(rssTargetMet(touch([214, 226, 226, 231, 218, 229, 232, 235, 229, 238]))).toBe(true);
    // A SQLite run whose page cache filled over the run: a trend.
    expect(rssTargetMet(touch([259, 269, 275, 277, 281, 282, 292, 299, 299, 302]))).toBe(false);
  });

  it('is missed past 300 MB, and without enough tenths to judge', () => {
    expect(rssTargetMet(touch([280, 290, 295, 290, 295, 299, 290, 295, 299, 298], 305))).toBe(false);
    expect(rssTargetMet(touch([200, 200, 200]))).toBe(false);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { openStore } from '../store/index.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

describe('many requests in flight', () => {
  it('answers 50 concurrent messages without a MaxListenersExceededWarning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-app-concurrency-'));
    const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '22'.repeat(32) }, {});
    // Every run waits until all 50 have started, so all 50 requests are in flight at once.
    const inFlight = 50;
    let started = 0;
    let releaseAll: () => void = () => {};
    const allStarted = new Promise<void>((resolve) => {
      releaseAll = resolve;
    });
    const runtime = new FunctionRuntime(async (request) => {
      if (++started === inFlight) releaseAll();
      await allStarted;
      return `echo: ${request.prompt}`;
    });
    const agent = new ClaudeAgent({ tenantId: 'acme', agentId: 'front-desk', store, runtime });
    const app = createApp({
      agents: [agent],
      store,
      runtime,
      metrics: createMetrics({ processMetrics: false }),
    });
    cleanups.push(async () => {
      await app.lifecycle.closeResources();
      rmSync(dir, { recursive: true, force: true });
    });

    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const responses = await Promise.all(
        Array.from({ length: inFlight }, (_, index) =>
          app.request('/api/agents/front-desk/messages', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: `message ${index}` }),
          }),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(inFlight).fill(200));
      expect(started).toBe(inFlight);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => `${warning.name}: ${warning.message}`)).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startModuleWorker } from './module-worker.js';

function firstMessage(worker: ReturnType<typeof startModuleWorker>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('startModuleWorker', () => {
  it('runs the built sibling (.js) when called from a built module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-worker-'));
    try {
      writeFileSync(
        join(dir, 'echo.js'),
        "const { parentPort, workerData } = require('node:worker_threads'); parentPort.postMessage(['built', workerData.n]);",
      );
      const worker = startModuleWorker('./echo', pathToFileURL(join(dir, 'caller.js')).href, {
        workerData: { n: 7 },
      });
      expect(await firstMessage(worker)).toEqual(['built', 7]);
      await worker.terminate();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the TypeScript sibling through tsx when called from source, with the caller’s workerData', async () => {
    // A module of ours next to this test: verify-range's plan helpers need no database.
    const worker = startModuleWorker('./__fixtures__/echo-worker', import.meta.url, { workerData: { n: 3 } });
    expect(await firstMessage(worker)).toEqual(['source', 3, 6]);
    await worker.terminate();
  });
});

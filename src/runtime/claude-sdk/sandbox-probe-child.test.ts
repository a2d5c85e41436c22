/** The sandbox probe in a child process: the CLI's same answer, and the SDK never imported into this process. */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { askCliForSandboxInChild } from './sandbox.js';
import { sdkLoaded } from './sdk-module.js';

/** A PATH with a shell and a few programs, but neither bwrap nor socat: no sandbox can start. */
const bare = mkdtempSync(join(tmpdir(), 'steward-bare-path-'));
for (const program of ['bash', 'sh', 'cat', 'env', 'ls']) symlinkSync(`/bin/${program}`, join(bare, program));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

describe('askCliForSandboxInChild', () => {
  it("answers with the CLI's reason where no sandbox can start, without importing the SDK here", async () => {
    const probe = await askCliForSandboxInChild({ cwd: bare, env: { ...process.env, PATH: bare } });
    expect(probe.status).toBe('unavailable');
    expect(probe.reason).toMatch(/sandbox|bubblewrap|bwrap|socat/i);
    expect(sdkLoaded()).toBe(false);
  }, 60_000);
});

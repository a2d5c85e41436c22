/** The sandbox probe in a child process: the CLI's same answer, and the SDK never imported into this process. */
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { askCliForSandboxInChild, readProbeAnswer } from './sandbox.js';
import { sdkLoaded } from './sdk-module.js';

/** A PATH with a shell and a few programs, but neither bwrap nor socat: no sandbox can start. */
const bare = mkdtempSync(join(tmpdir(), 'steward-bare-path-'));
for (const program of ['bash', 'sh', 'cat', 'env', 'ls']) symlinkSync(`/bin/${program}`, join(bare, program));
afterAll(() => rmSync(bare, { recursive: true, force: true }));

/** Processes whose command line mentions `text` (read from /proc). */
function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {}
  }
  return found;
}

describe('askCliForSandboxInChild', () => {
  it("answers with the CLI's reason where no sandbox can start, without importing the SDK here", async () => {
    const probe = await askCliForSandboxInChild({ cwd: bare, env: { ...process.env, PATH: bare } });
    expect(probe.status).toBe('unavailable');
    expect(probe.reason).toMatch(/sandbox|bubblewrap|bwrap|socat/i);
    expect(sdkLoaded()).toBe(false);
  }, 60_000);

  it('stops a probe held up by a CLI that ignores SIGTERM, CLI included, and says it is undecided', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'steward-stubborn-cli-'));
    const cli = join(folder, 'stubborn-cli.sh');
    writeFileSync(cli, "#!/bin/bash\ntrap '' TERM INT\nsleep 120\n");
    chmodSync(cli, 0o755);
    try {
      const started = Date.now();
      const probe = await askCliForSandboxInChild(
        { cwd: folder, env: { ...process.env }, pathToClaudeCodeExecutable: cli },
        1_000,
        2_000,
      );
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(probe).toMatchObject({ status: 'unavailable', undecided: true });
      expect(probe.reason).toMatch(/did not finish within 3000 ms/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(processesMentioning(cli)).toEqual([]);
    } finally {
      for (const pid of processesMentioning(cli)) process.kill(pid, 'SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  it("takes only a probe answer from the child's output, anything else as undecided", () => {
    expect(readProbeAnswer('{"status":"bubblewrap"}')).toEqual({ status: 'bubblewrap' });
    for (const output of [
      '',
      'Warning: something\n{"status":"bubblewrap"}',
      '{"status":"off"}',
      'null',
      '[]',
    ]) {
      expect(readProbeAnswer(output)).toMatchObject({ status: 'unavailable', undecided: true });
    }
  });
});

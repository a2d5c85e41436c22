/**
 * What a run does where the shell sandbox cannot start, for each `sandbox` mode, through the real SDK and
 * CLI: the CLI itself says whether it can start its sandbox (here: a PATH without bubblewrap and socat).
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closeAfterEach,
  quoteResult,
  runRequest,
  startSimulatedRuntime,
} from '../../../test/support/simulated-sdk-runtime.js';
import { StewardError } from '../../errors/index.js';
import { callToolThenReply, type SimulatedResponder } from '../../simulator/index.js';
import { sandboxFailureOf } from './sandbox.js';

closeAfterEach();

/** A PATH with a shell and a few programs, but neither bwrap nor socat: no sandbox can start. */
const bare = mkdtempSync(join(tmpdir(), 'steward-bare-path-'));
for (const program of ['bash', 'sh', 'cat', 'env', 'ls']) symlinkSync(`/bin/${program}`, join(bare, program));
afterAll(() => rmSync(bare, { recursive: true, force: true }));
const withoutSandbox = { extraEnv: { PATH: bare } };

/** A file outside every workspace, which no agent's tool may read. */
const outside = join(mkdtempSync(join(tmpdir(), 'steward-outside-')), 'host-secret.txt');
writeFileSync(outside, 'HOST-SECRET');
afterAll(() => rmSync(join(outside, '..'), { recursive: true, force: true }));

const catOutside: SimulatedResponder = callToolThenReply({
  toolUse: { name: 'Bash', input: { command: `cat ${outside}` } },
  reply: quoteResult,
});

describe('where the shell sandbox cannot start', () => {
  it("'required' fails every run with sandbox-unavailable, in the CLI's words, before a model call", async () => {
    const { model, runtime } = await startSimulatedRuntime(catOutside, {
      ...withoutSandbox,
      sandbox: 'required',
    });
    const error = await runtime.run(runRequest()).catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('sandbox-unavailable');
    expect((error as StewardError).status).toBe(503);
    expect((error as Error).message).toMatch(/not installed/);
    expect((error as StewardError).details).toMatchObject({ interactionId: 'interaction-1' });
    expect(model.requests).toEqual([]);
    expect(await runtime.isolation()).toEqual({
      workspace: 'per-agent',
      sandboxMode: 'required',
      sandbox: 'unavailable',
      shell: 'runs-refused',
      reason: expect.stringMatching(/bubblewrap \(bwrap\) not installed|socat not installed/),
    });
  }, 60_000);

  it("'if-available' (the default) offers no shell tool: a Bash call is refused as unknown", async () => {
    const { model, runtime } = await startSimulatedRuntime(catOutside, withoutSandbox);
    expect(await runtime.isolation()).toMatchObject({
      sandboxMode: 'if-available',
      sandbox: 'unavailable',
      shell: 'not-offered',
    });
    const result = await runtime.run(runRequest({ tools: ['Read', 'Bash'] }));
    const offered = model.requests[0]?.tools?.map((tool) => tool.name);
    expect(offered).toContain('Read');
    expect(offered).not.toContain('Bash');
    expect(result.text).toMatch(/^Tool refused: .*No such tool available: Bash/);
    expect(result.text).not.toContain('HOST-SECRET');
    expect(result.toolCalls).toMatchObject([{ toolName: 'Bash', status: 'failed' }]);
  }, 60_000);

  it("'off' runs shell commands unconfined: trust alone decides them", async () => {
    const { runtime } = await startSimulatedRuntime(catOutside, { sandbox: 'off' });
    expect(await runtime.isolation()).toEqual({
      workspace: 'per-agent',
      sandboxMode: 'off',
      sandbox: 'off',
      shell: 'unconfined',
    });
    const result = await runtime.run(runRequest());
    expect(result.text).toBe('Tool said: HOST-SECRET');
  }, 60_000);
});

describe('sandboxFailureOf', () => {
  it("reads the CLI's startup failure, without its advice to run unsandboxed", () => {
    const reason = sandboxFailureOf({
      type: 'result',
      subtype: 'error_during_execution',
      startup_failure_reason: 'sandbox_required_unavailable',
      errors: [
        'Sandbox required but unavailable: sandbox is enabled but dependencies are missing: socat not installed. ' +
          'Set sandbox.failIfUnavailable=false to allow unsandboxed execution.',
      ],
    } as unknown as Parameters<typeof sandboxFailureOf>[0]);
    expect(reason).toBe('sandbox is enabled but dependencies are missing: socat not installed.');
    expect(sandboxFailureOf(undefined)).toBeUndefined();
  });
});

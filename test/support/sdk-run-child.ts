/**
 * A child process for the run-folder tests: runs the real SDK runtime (and its CLI) against the local
 * simulated model, whose one answer takes a minute, with its run folders in argv[2] (and its workspaces
 * beside them). It prints `model-called` once the CLI's request reached the model, i.e. mid-run. The
 * parent then SIGKILLs it, or asks it to end another way with argv[3]: `exit` (process.exit) or `throw` (an uncaught exception).
 *
 *   node --import tsx test/support/sdk-run-child.ts <runs directory> [kill | exit | throw]
 *
 * The child exits by itself after two minutes, should its parent be gone.
 */
import { dirname, join } from 'node:path';
import { ClaudeAgentSdkRuntime } from '../../src/runtime/index.js';
import { startSimulatedModel } from '../../src/simulator/index.js';

const [runsDirectory, ending = 'kill'] = process.argv.slice(2);
if (!runsDirectory) {
  process.stderr.write('usage: sdk-run-child.ts <runs directory> [kill | exit | throw]\n');
  process.exit(2);
}
setTimeout(() => process.exit(3), 120_000).unref();

const model = await startSimulatedModel({
  respond: () => {
    process.stdout.write('model-called\n');
    if (ending === 'exit') setTimeout(() => process.exit(4), 100);
    if (ending === 'throw') {
      setTimeout(() => {
        throw new Error('an uncaught exception mid-run');
      }, 100);
    }
    return { text: 'too late', delayMs: 60_000 };
  },
});
const runtime = new ClaudeAgentSdkRuntime({
  baseUrl: model.url,
  simulatedModel: true,
  runsDirectory,
  workspacesDirectory: join(dirname(runsDirectory), 'workspaces'),
});
await runtime.run({ tenantId: 'acme', agentId: 'support', interactionId: 'i-1', prompt: 'my secret plan' });

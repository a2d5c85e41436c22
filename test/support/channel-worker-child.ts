/**
 * A channel worker in its own process, for the kill tests: opens the store at argv[2] (a SQLite path or a
 * postgres:// URL; the key from STEWARD_SECRET_KEY), answers Slack messages through the fake Slack at
 * argv[3], and keeps claiming until it is killed. Mode `hang-agent` prints `answering` when the agent is
 * asked and never answers (killed between the acknowledgement and the reply); mode `answer` answers at
 * once (the parent kills it while the fake Slack holds the accepted post).
 *
 *   node --import tsx test/support/channel-worker-child.ts <target> <slack api url> <hang-agent | answer>
 */
import { ClaudeAgent } from '../../src/agent/index.js';
import { ChannelCore, createSlackChannel, type UseAgent } from '../../src/channels/index.js';
import { FunctionRuntime } from '../../src/runtime/index.js';
import { openStore } from '../../src/store/index.js';

const [target, apiUrl, mode] = process.argv.slice(2);
if (!target || !apiUrl || (mode !== 'hang-agent' && mode !== 'answer')) {
  process.stderr.write('usage: channel-worker-child.ts <target> <slack api url> <hang-agent | answer>\n');
  process.exit(2);
}
setTimeout(() => process.exit(3), 60_000).unref();

const store = await openStore(
  /^postgres(ql)?:\/\//.test(target) ? { url: target } : { path: target },
  process.env,
);
const useAgent: UseAgent = (tenantId, agentId, work) => {
  const runtime = new FunctionRuntime(async ({ prompt }) => {
    if (mode === 'hang-agent') {
      process.stdout.write('answering\n');
      await new Promise(() => {});
    }
    return `child answer: ${prompt}`;
  });
  return work(new ClaudeAgent({ tenantId, agentId, store, runtime }));
};
const core = new ChannelCore({
  store,
  adapters: [
    createSlackChannel({
      config: { type: 'slack', signingSecret: 'unused', apiUrl, features: ['threading'] },
      env: {},
    }),
  ],
  useAgent,
  workerId: 'child',
  leaseMs: 1_500,
});
for (;;) {
  if ((await core.processDue(1)) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

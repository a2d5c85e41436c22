/**
 * A child process for the registry race test: a second writer on the same store (for SQLite, another
 * connection in another process, as `steward agents apply` beside a running server would be). For each
 * line `<round> <startAt>` on stdin it waits until epoch ms `startAt`, puts the agent with If-Match
 * `<round>`, and prints `<round> ok` or `<round> <error code>`.
 *
 *   node --import tsx test/support/registry-put-child.ts <sqlite path | postgres url> <tenantId> <agentId>
 *
 * It exits when stdin closes, or after a minute should its parent be gone.
 */
import { createInterface } from 'node:readline';
import { StewardError } from '../../src/errors/index.js';
import { discardChanges, Registry } from '../../src/fleet/index.js';
import { openStore } from '../../src/store/index.js';

const [target, tenantId, agentId] = process.argv.slice(2);
if (!target || !tenantId || !agentId) {
  process.stderr.write('usage: registry-put-child.ts <sqlite path | postgres url> <tenantId> <agentId>\n');
  process.exit(2);
}
setTimeout(() => process.exit(3), 60_000).unref();

const store = await openStore(
  target.startsWith('postgres://') || target.startsWith('postgresql://') ? { url: target } : { path: target },
  {},
);
const registry = new Registry(store, { changes: discardChanges });
process.stdout.write('ready\n');

for await (const line of createInterface({ input: process.stdin })) {
  const [round, startAt] = line.split(' ').map(Number) as [number, number];
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  const outcome = await registry.agents
    .put({ tenantId, agentId }, { systemPrompt: `child ${round}` }, { actor: 'child', ifMatch: round })
    .then(
      () => 'ok',
      (error: unknown) => (StewardError.isInstance(error) ? error.code : String(error)),
    );
  process.stdout.write(`${round} ${outcome}\n`);
}
await store.close();

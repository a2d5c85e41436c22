import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelAdapter, ChannelCore } from '../channels/index.js';
import { openStore } from '../store/index.js';
import type { CliIo } from './cli-io.js';
import { runCli } from './run-cli.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
let dir: string;
let configFile: string;

/** A channel whose every request is one message to `routeKey`, with an urgency. */
const memoryChannel: ChannelAdapter = {
  channel: 'memory',
  async receive(request) {
    const body = JSON.parse(Buffer.from(request.rawBody).toString('utf8')) as Record<string, string>;
    return {
      messages: [
        {
          channel: 'memory',
          sender: { id: 'customer-1', provider: 'memory' },
          conversationKey: 'thread-1',
          text: body.text!,
          attachments: [],
          urgency: body.urgency as 'normal' | 'critical',
          receivedAt: Date.now(),
          providerId: body.id!,
          routeKey: body.routeKey!,
          reply: {},
        },
      ],
    };
  },
  async openDelivery() {
    return { finish: async () => {} };
  },
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-cli-channels-'));
  configFile = join(dir, 'steward.config.ts');
  const databasePath = join(dir, 'steward.db');
  const entry = pathToFileURL(join(repoRoot, 'src', 'index.ts')).href;
  writeFileSync(
    configFile,
    `import { defineConfig } from '${entry}';
export default defineConfig({ tenantId: 'acme', agentId: 'desk', store: { path: ${JSON.stringify(databasePath)} } });
`,
  );
  const store = await openStore({ path: databasePath }, {});
  const core = new ChannelCore({
    store,
    adapters: [memoryChannel],
    useAgent: async () => undefined as never,
  });
  await core.bindings.bind({ channel: 'memory', routeKey: 'acme-box', tenantId: 'acme', agentId: 'desk' });
  await core.bindings.bind({
    channel: 'memory',
    routeKey: 'globex-box',
    tenantId: 'globex',
    agentId: 'desk',
  });
  const send = (body: Record<string, string>) =>
    core.receive('memory', {
      headers: {},
      rawBody: new TextEncoder().encode(JSON.stringify(body)),
      url: 'http://localhost/channels/memory',
    });
  await send({ id: 'e1', text: 'hours?', urgency: 'normal', routeKey: 'acme-box' });
  await send({ id: 'e2', text: 'the oven is on fire', urgency: 'critical', routeKey: 'acme-box' });
  await send({ id: 'e3', text: 'globex question', urgency: 'normal', routeKey: 'globex-box' });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function steward(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), error: (line) => err.push(line), env: {}, cwd: dir };
  const code = await runCli([...argv, '--config', configFile], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('steward channels stats', () => {
  it("prints one tenant's messages, urgency mix and bindings, and nothing of another tenant", async () => {
    const printed = await steward('channels', 'stats', '--tenant', 'acme');
    expect(printed.code).toBe(0);
    expect(printed.out).toContain('memory in 2, replied 0, failed 0, dropped 0, pending 2');
    expect(printed.out).toContain('critical 1');
    expect(printed.out).toContain('bound: memory acme-box → desk');
    expect(printed.out).not.toContain('globex');

    const json = JSON.parse((await steward('channels', 'stats', '--tenant', 'globex', '--json')).out) as {
      channels: Array<{ messagesIn: number }>;
      bindings: Array<{ routeKey: string }>;
    };
    expect(json.channels[0]!.messagesIn).toBe(1);
    expect(json.bindings.map((binding) => binding.routeKey)).toEqual(['globex-box']);
  });

  it('needs --tenant and a known action', async () => {
    expect((await steward('channels', 'stats')).code).toBe(2);
    expect((await steward('channels', 'list', '--tenant', 'acme')).code).toBe(2);
    expect((await steward('channels', 'stats', '--tenant', 'acme', '--from', 'soon')).code).toBe(2);
  });
});

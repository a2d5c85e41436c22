/**
 * A reply goes out exactly once even when the worker process is killed (SIGKILL), on both engines:
 * - between the acknowledgement and the reply (the agent was asking the model): another worker claims the
 *   message when the lease ends and replies once;
 * - between Slack's accept of the reply and our record of it (the fake Slack holds its answer): the next
 *   worker finds the post by its idempotency key in the thread's metadata and posts nothing, without
 *   asking the agent again.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import { ChannelCore, createSlackChannel, signSlackRequest, type UseAgent } from '../src/channels/index.js';
import { FunctionRuntime } from '../src/runtime/index.js';
import { storeEngines, type TestStore } from './support/engines.js';
import { type FakeSlack, startFakeSlack } from './support/fake-slack.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const childScript = join(root, 'test/support/channel-worker-child.ts');
const signingSecret = 'kill-signing-secret';
let slack: FakeSlack;

beforeAll(async () => {
  slack = await startFakeSlack({ tokens: ['xoxb-kill'] });
});
afterAll(async () => {
  await slack.close();
});

/** Runs the child until `ready()` holds (checked on each stdout line and every 20 ms), then SIGKILLs it. */
function runChildUntil(
  target: string,
  mode: 'hang-agent' | 'answer',
  ready: (stdout: string) => boolean,
  key: string,
) {
  return new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, target, slack.apiUrl, mode], {
      cwd: root,
      env: { ...process.env, STEWARD_SECRET_KEY: key },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const check = () => {
      if (ready(stdout)) child.kill('SIGKILL');
    };
    const poll = setInterval(check, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ signal, stderr });
    });
  });
}

describe.each(storeEngines)('killed channel workers on $name', (engine) => {
  let opened: TestStore;
  let core: ChannelCore;
  let asked: string[];
  const agents: ClaudeAgent[] = [];

  beforeEach(async () => {
    opened = await engine.open();
    asked = [];
    const useAgent: UseAgent = (tenantId, agentId, work) => {
      const agent = new ClaudeAgent({
        tenantId,
        agentId,
        store: opened.store,
        runtime: new FunctionRuntime(async ({ prompt }) => {
          asked.push(prompt);
          return `parent answer: ${prompt}`;
        }),
      });
      agents.push(agent);
      return work(agent);
    };
    core = new ChannelCore({
      store: opened.store,
      adapters: [
        createSlackChannel({
          config: { type: 'slack', signingSecret, apiUrl: slack.apiUrl, features: ['threading'] },
          env: {},
        }),
      ],
      useAgent,
      workerId: 'parent',
      leaseMs: 1_500,
    });
    await core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-KILL',
      tenantId: 'acme',
      agentId: 'desk',
      secret: { botToken: 'xoxb-kill' },
    });
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.close();
    await opened.cleanup();
  });

  const target = () => (opened.config.url ?? opened.config.path)!;
  const key = () => opened.config.encryptionKey!;

  async function receive(channel: string) {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T-KILL',
      event_id: `Ev-${channel}`,
      event: { type: 'app_mention', user: 'U1', text: '<@UBOT> hello', ts: '1690000200.000001', channel },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    await core.receive('slack', {
      headers: {
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': signSlackRequest(signingSecret, timestamp, body),
      },
      rawBody: new TextEncoder().encode(body),
      url: 'http://127.0.0.1/channels/slack/events',
    });
  }

  async function processWhenLeaseEnds(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await core.processDue(1)) === 0) {
      if (Date.now() > deadline) throw new Error('the message was never claimed again');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const inbound = async () =>
    (
      await sql<{
        id: string;
        status: string;
        attempts: number;
      }>`select id, status, attempts from channel_inbound`.execute(opened.store.db)
    ).rows[0]!;

  it('killed between the acknowledgement and the reply: another worker replies once', async () => {
    const channel = `C-KILL1-${engine.name}`;
    await receive(channel);
    const killed = await runChildUntil(
      target(),
      'hang-agent',
      (stdout) => stdout.includes('answering'),
      key(),
    );
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(await inbound()).toMatchObject({ status: 'working', attempts: 1 });
    expect(slack.messages.filter((message) => message.channel === channel)).toEqual([]);

    await processWhenLeaseEnds();
    expect(
      slack.messages.filter((message) => message.channel === channel).map((message) => message.text),
    ).toEqual(['parent answer: hello']);
    expect(await inbound()).toMatchObject({ status: 'done', attempts: 2 });
    expect(await core.processDue()).toBe(0);
  });

  it('killed between Slack’s accept and our record: the next worker finds the post and sends nothing', async () => {
    const channel = `C-KILL2-${engine.name}`;
    await receive(channel);
    slack.acceptAndHangNext('chat.postMessage');
    const killed = await runChildUntil(
      target(),
      'answer',
      () => slack.messages.some((message) => message.channel === channel),
      key(),
    );
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const { id } = await inbound();
    expect(await core.outbox.parts(id)).toEqual([
      { key: `${id}:part:0`, state: 'pending', providerMessageId: null },
    ]);

    await processWhenLeaseEnds();
    const posted = slack.messages.filter((message) => message.channel === channel);
    expect(posted.map((message) => message.text)).toEqual(['child answer: hello']);
    expect(await core.outbox.parts(id)).toEqual([
      { key: `${id}:part:0`, state: 'sent', providerMessageId: posted[0]!.ts },
    ]);
    expect(await inbound()).toMatchObject({ status: 'done', attempts: 2 });
    expect(asked).toEqual([]); // the child's saved answer was sent; the agent was not asked again
  });
});

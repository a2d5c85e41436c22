import nodemailer from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { type SmtpRelay, startSmtpRelay } from '../../test/support/smtp-relay.js';
import { type AgentConfig, ClaudeAgent } from '../agent/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { fixedAgentDirectory } from '../server/index.js';
import { openServeChannels, type ServeChannels } from './serve-channels.js';

const sms = {
  type: 'sms' as const,
  accountSid: `AC${'d'.repeat(32)}`,
  authToken: 'restart-twilio-token',
  from: '+14155550100',
  publicUrl: 'https://steward.example/channels/twilio/sms',
};

describe.each(storeEngines)('steward serve’s channel bindings across restarts ($name)', (engine) => {
  let opened: TestStore;
  let relay: SmtpRelay;
  let agents: ClaudeAgent[];
  let running: ServeChannels | undefined;

  beforeEach(async () => {
    opened = await engine.open();
    relay = await startSmtpRelay();
    agents = [];
  });
  afterEach(async () => {
    await running?.close();
    for (const agent of agents) await agent.close();
    await relay.close();
    await opened.cleanup();
  });

  const emailEntry = (address: string) => ({
    type: 'email' as const,
    smtp: { host: '127.0.0.1', port: relay.port },
    from: `Acme <${address}>`,
    address,
    inbound: { smtp: { port: 0 } },
  });

  /** What `steward serve` does at start, on the same store each time; the previous one is stopped first. */
  async function serve(configs: AgentConfig[]): Promise<ServeChannels> {
    await running?.close();
    const live = configs.map(
      (config) =>
        new ClaudeAgent({
          ...config,
          store: opened.store,
          runtime: new FunctionRuntime(async () => `${config.agentId} answers`),
        }),
    );
    agents.push(...live);
    running = await openServeChannels({
      configs,
      store: opened.store,
      directory: fixedAgentDirectory(live),
      env: {},
    });
    return running!;
  }

  const bindingsOf = async (channels: ServeChannels, tenantId: string) =>
    (await channels.routes.core.bindings.list(tenantId)).map(
      (binding) => `${binding.channel} ${binding.routeKey} → ${binding.agentId}`,
    );

  it('re-binds the same destinations on restart (no 409) and still routes mail to the agent', async () => {
    const configs: AgentConfig[] = [
      { tenantId: 'acme', agentId: 'desk', channels: [emailEntry('orders@acme.example'), sms] },
      { tenantId: 'acme', agentId: 'sales', channels: [emailEntry('sales@acme.example')] },
    ];
    const first = await serve(configs);
    const before = await bindingsOf(first, 'acme');
    expect(before).toEqual([
      'email orders@acme.example → desk',
      'email sales@acme.example → sales',
      'sms +14155550100 → desk',
    ]);
    const second = await serve(configs);
    expect(await bindingsOf(second, 'acme')).toEqual(before);
    expect(second.line).not.toContain('unbound');

    const port = Number(/SMTP 127\.0\.0\.1:(\d+)/.exec(second.line)![1]);
    const customer = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await customer.sendMail({
      from: 'maria@example.com',
      to: 'sales@acme.example',
      subject: 'Wholesale',
      messageId: '<restart-1@example.com>',
      text: 'Do you sell wholesale?',
    });
    expect(await second.routes.core.processDue()).toBe(1);
    expect(relay.messages).toHaveLength(1);
    expect(relay.messages[0]!.raw.toString('utf8')).toContain('sales answers');
  });

  it('unbinds what was removed from an agent’s entries, and leaves an install’s binding and other agents’ alone', async () => {
    const first = await serve([
      { tenantId: 'acme', agentId: 'desk', channels: [emailEntry('orders@acme.example'), sms] },
      { tenantId: 'globex', agentId: 'front', channels: [emailEntry('hello@globex.example')] },
    ]);
    // Made outside the file (a Slack install), for an agent of the file.
    await first.routes.core.bindings.bind({
      channel: 'slack',
      routeKey: 'team:T-ACME',
      tenantId: 'acme',
      agentId: 'desk',
      details: { teamName: 'Acme' },
    });
    // The SMS entry is removed; globex's agent is not in this file (another instance serves it).
    const second = await serve([
      { tenantId: 'acme', agentId: 'desk', channels: [emailEntry('orders@acme.example')] },
    ]);
    expect(await bindingsOf(second, 'acme')).toEqual([
      'email orders@acme.example → desk',
      'slack team:T-ACME → desk',
    ]);
    expect(await bindingsOf(second, 'globex')).toEqual(['email hello@globex.example → front']);
    expect(second.line).toContain('unbound, no longer in the file: sms +14155550100 (acme/desk)');

    // Every channel entry removed: the file's email binding goes too, the install's stays.
    running = undefined;
    await second.close();
    expect(await serve([{ tenantId: 'acme', agentId: 'desk' }])).toBeUndefined();
    expect((await first.routes.core.bindings.list('acme')).map((binding) => binding.routeKey)).toEqual([
      'team:T-ACME',
    ]);
  });
});

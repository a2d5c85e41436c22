import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type SlackIncomingWebhook,
  startSlackIncomingWebhook,
} from '../../test/support/slack-incoming-webhook.js';
import { startTwilioApiServer, type TwilioApiServer } from '../../test/support/twilio-api-server.js';
import { type AgentConfig, ClaudeAgent } from '../agent/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { fixedAgentDirectory } from '../server/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import { openServeChannels } from './serve-channels.js';

const accountSid = `AC${'e'.repeat(32)}`;
const authToken = 'webhook-twilio-token';
const publicUrl = 'https://steward.example/channels/twilio/sms';
const acmeNumber = '+14155550100';

describe('an outbound-only Slack channel (an incoming webhook) in steward serve', () => {
  let dir: string;
  let store: StewardStore;
  let hook: SlackIncomingWebhook;
  let twilioApi: TwilioApiServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'steward-serve-webhook-'));
    store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '57'.repeat(32) }, {});
    hook = await startSlackIncomingWebhook();
    twilioApi = await startTwilioApiServer({ accountSid, authToken });
  });
  afterAll(async () => {
    await store.close();
    await hook.close();
    await twilioApi.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs no signing secret, takes no events, keeps the URL sealed, and posts an urgent text’s notice to the webhook once', async () => {
    const config: AgentConfig = {
      tenantId: 'acme',
      agentId: 'desk',
      channels: [
        { type: 'sms', accountSid, authToken, from: acmeNumber, publicUrl, apiUrl: twilioApi.url },
        { type: 'slack', webhook: hook.url },
      ],
      messageHandling: { detectUrgency: true, urgencyNotify: { channel: 'slack', to: '#owners' } },
    };
    const agent = new ClaudeAgent({
      ...config,
      store,
      runtime: new FunctionRuntime(
        async () => 'Leave the building now and call the gas company; we are on our way.',
      ),
    });
    try {
      const channels = await openServeChannels({
        configs: [config],
        store,
        directory: fixedAgentDirectory([agent]),
        env: {},
      });
      expect(channels!.line).toContain('slack (outbound only; incoming webhook → acme/desk)');
      expect(channels!.routes.slack).toBeUndefined();
      const core = channels!.routes.core;
      await expect(
        core.receive('slack', {
          headers: {},
          rawBody: new Uint8Array(),
          url: 'http://x/channels/slack/events',
        }),
      ).rejects.toMatchObject({ code: 'not-found' });
      const stored = await sql<{
        secret: string;
      }>`select secret from channel_bindings where channel = 'slack'`.execute(store.db);
      expect(stored.rows).toHaveLength(1);
      expect(stored.rows[0]!.secret).not.toContain('secretPart');

      const params = {
        MessageSid: `SM${'f'.repeat(32)}`,
        AccountSid: accountSid,
        From: '+14155550199',
        To: acmeNumber,
        Body: 'EMERGENCY: I smell gas in the shop, please help now',
        NumMedia: '0',
      };
      await core.receive('sms', {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, publicUrl, params),
        },
        rawBody: new TextEncoder().encode(new URLSearchParams(params).toString()),
        url: 'http://localhost/channels/twilio/sms',
      });
      expect(await core.processDue()).toBe(1);
      expect(twilioApi.messages).toHaveLength(1);
      expect(hook.posts).toHaveLength(1);
      expect(hook.posts[0]!.body.text).toMatch(/urgent|critical|high/i);
      expect(hook.posts[0]!.body.text).not.toContain('smell gas');
    } finally {
      await agent.close();
    }
  });
});

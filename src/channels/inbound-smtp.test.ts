import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { type SmtpRelay, startSmtpRelay } from '../../test/support/smtp-relay.js';
import { ClaudeAgent } from '../agent/index.js';
import { FunctionRuntime } from '../runtime/index.js';
import { ChannelCore, type UseAgent } from './core.js';
import { createEmailChannel } from './email/email-channel.js';
import type { EmailChannelConfig } from './email/email-config.js';
import type { SmtpListener } from './email/smtp-listener.js';
import { startInboundSmtp } from './inbound-smtp.js';
import { channelTables } from './store/tables.js';

describe.each(storeEngines)(
  'the SMTP listener into the channels core (real SMTP over loopback, $name)',
  (engine) => {
    let opened: TestStore;
    let relay: SmtpRelay;
    let core: ChannelCore;
    let listener: SmtpListener;
    let prompts: Array<{ tenantId: string; prompt: string }>;
    const agents: ClaudeAgent[] = [];

    beforeAll(async () => {
      opened = await engine.open();
      const store = opened.store;
      relay = await startSmtpRelay();
      prompts = [];
      const useAgent: UseAgent = async (tenantId, agentId, work) => {
        const agent = new ClaudeAgent({
          tenantId,
          agentId,
          store,
          runtime: new FunctionRuntime(async ({ prompt }) => {
            prompts.push({ tenantId, prompt });
            return `${tenantId} here: noted.`;
          }),
        });
        agents.push(agent);
        return work(agent);
      };
      const email = emailChannel({ port: 0 });
      core = new ChannelCore({ store, adapters: [email], useAgent, backoffMs: 0 });
      await core.bindings.bind({
        channel: 'email',
        routeKey: 'orders@acme.example',
        tenantId: 'acme',
        agentId: 'desk',
      });
      await core.bindings.bind({
        channel: 'email',
        routeKey: 'hello@globex.example',
        tenantId: 'globex',
        agentId: 'desk',
      });
      listener = await startInboundSmtp({ core, email });
    });
    afterEach(async () => {
      for (const agent of agents.splice(0)) await agent.close();
    });
    afterAll(async () => {
      await listener.close();
      await relay.close();
      await opened.cleanup();
    });

    /** The acme email channel over the loopback relay, with the given SMTP listener settings. */
    const emailChannel = (listener: NonNullable<EmailChannelConfig['inbound']>['smtp']) =>
      createEmailChannel({
        config: {
          type: 'email',
          smtp: { host: '127.0.0.1', port: relay.port },
          from: 'Orders <orders@acme.example>',
          address: 'orders@acme.example',
          inbound: { smtp: listener },
        },
        env: {},
      });

    const customer = () =>
      nodemailer.createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });

    it('listens where the config says, and acknowledges a mail only once it is queued for its recipient’s agent', async () => {
      expect(listener.host).toBe('127.0.0.1');
      expect(listener.port).toBeGreaterThan(0);
      const info = await customer().sendMail({
        from: 'Maria <maria@example.com>',
        to: 'orders@acme.example',
        subject: 'Cake',
        messageId: '<smtp-core-1@example.com>',
        text: 'A chocolate cake for Saturday, please.',
      });
      expect(info.accepted).toEqual(['orders@acme.example']);
      // Committed before the 250: the row is there before any worker ran.
      const rows = await channelTables(opened.store.db)
        .selectFrom('channel_inbound')
        .select(['tenant_id', 'status'])
        .execute();
      expect(rows).toEqual([{ tenant_id: 'acme', status: 'queued' }]);
      expect(await core.processDue()).toBe(1);
      expect(prompts).toEqual([{ tenantId: 'acme', prompt: 'A chocolate cake for Saturday, please.' }]);
      expect(relay.messages).toHaveLength(1);
      expect(relay.messages[0]!.recipients).toEqual(['maria@example.com']);
      expect(relay.messages[0]!.raw.toString('utf8')).toContain('In-Reply-To: <smtp-core-1@example.com>');
    });

    it('gives a mail to two tenants’ addresses to each tenant’s own agent, and drops an unknown recipient with a recorded reason', async () => {
      prompts.length = 0;
      const info = await customer().sendMail({
        from: 'bob@example.com',
        to: ['orders@acme.example', 'hello@globex.example', 'nobody@acme.example'],
        subject: 'Both of you',
        messageId: '<smtp-core-2@example.com>',
        text: 'Do you deliver?',
      });
      // The unknown address is accepted at SMTP too: a sender cannot probe which addresses exist.
      expect(info.accepted).toHaveLength(3);
      expect(await core.processDue()).toBe(2);
      expect(prompts.map((prompt) => prompt.tenantId).sort()).toEqual(['acme', 'globex']);
      const drops = await core.drops(5);
      expect(drops[0]).toMatchObject({
        channel: 'email',
        routeKey: 'nobody@acme.example',
        reason: 'unknown-destination',
      });
      expect(prompts.every((prompt) => prompt.prompt === 'Do you deliver?')).toBe(true);
    });

    it('offers STARTTLS from key and certificate files the config names, and when it is required refuses a plain session with 530', async () => {
      const directory = mkdtempSync(join(tmpdir(), 'steward-inbound-tls-'));
      const keyFile = join(directory, 'key.pem');
      const certFile = join(directory, 'cert.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
          '-keyout',
          keyFile,
          '-out',
          certFile,
        ]),
        { stdio: 'ignore' },
      );
      const email = emailChannel({ port: 0, tls: { keyFile, certFile, required: true } });
      const secured = await startInboundSmtp({ core, email });
      try {
        const plain = nodemailer.createTransport({
          host: '127.0.0.1',
          port: secured.port,
          secure: false,
          ignoreTLS: true,
        });
        const refused = await plain
          .sendMail({ from: 'eve@example.com', to: 'orders@acme.example', text: 'in the clear' })
          .catch((error: { responseCode?: number }) => error);
        expect((refused as { responseCode?: number }).responseCode).toBe(530);
        const overTls = nodemailer.createTransport({
          host: '127.0.0.1',
          port: secured.port,
          secure: false,
          requireTLS: true,
          tls: { rejectUnauthorized: false },
        });
        const info = await overTls.sendMail({
          from: 'maria@example.com',
          to: 'orders@acme.example',
          messageId: '<smtp-core-tls@example.com>',
          text: 'Over TLS, please.',
        });
        expect(info.accepted).toEqual(['orders@acme.example']);
        const queued = await channelTables(opened.store.db)
          .selectFrom('channel_inbound')
          .select('provider_id')
          .where('provider_id', 'like', '%smtp-core-tls%')
          .execute();
        expect(queued).toHaveLength(1);
      } finally {
        await secured.close();
        rmSync(directory, { recursive: true, force: true });
      }
    });

    it('names the TLS file it cannot read, and starts no listener', async () => {
      const email = emailChannel({
        port: 0,
        tls: { keyFile: '/nonexistent/key.pem', certFile: '/nonexistent/cert.pem' },
      });
      const failure = await startInboundSmtp({ core, email }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'invalid-config' });
      expect((failure as Error).message).toContain('/nonexistent/key.pem');
      expect((failure as Error).message).toContain('STEWARD_SMTP_TLS_KEY_FILE');
    });
  },
);

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { Audit } from '../../audit/index.js';
import { StewardError } from '../../errors/index.js';
import { sealedSecretMarker } from './channel-secrets.js';
import { Registry } from './registry.js';

const secrets = {
  botToken: 'xoxb-plain-bot-token-4242',
  signingSecret: 'plain-signing-secret-4242',
  webhook: 'https://hooks.slack.test/services/plain-webhook-4242',
  authToken: 'plain-twilio-auth-4242',
  smtpPass: 'plain-smtp-pass-4242',
  mailgunKey: 'plain-mailgun-key-4242',
};

const channels = [
  {
    type: 'slack',
    botToken: secrets.botToken,
    signingSecret: secrets.signingSecret,
    webhook: secrets.webhook,
  },
  {
    type: 'sms',
    provider: 'twilio',
    accountSid: 'AC123',
    authToken: secrets.authToken,
    from: '+15550001111',
  },
  {
    type: 'email',
    address: 'desk@acme.test',
    smtp: { host: '127.0.0.1', port: 2525, auth: { user: 'desk', pass: secrets.smtpPass } },
    inbound: { mailgun: { signingKey: secrets.mailgunKey } },
  },
];

describe.each(storeEngines)('channel secrets in the registry on $name', (engine) => {
  let opened: TestStore;
  let audit: Audit;
  let registry: Registry;
  const scope = { tenantId: 'acme', agentId: 'desk' };

  beforeAll(async () => {
    opened = await engine.open();
    audit = new Audit(opened.store, {});
    registry = new Registry(opened.store, { audit });
    await registry.tenants.create({ tenantId: 'acme', displayName: 'Acme' }, { actor: 'alice' });
    await registry.agents.put(scope, { systemPrompt: 'You answer for Acme', channels }, { actor: 'alice' });
  });
  afterAll(async () => {
    await audit.close();
    await opened.cleanup();
  });

  it('stores no secret in plaintext: not in the agents row, not in any audit record', async () => {
    const rows = await sql<{ config: string }>`select config from agents`.execute(opened.store.db);
    const auditRows = await sql<Record<string, unknown>>`select * from audit_log`
      .execute(opened.store.db)
      .catch(() => ({ rows: [] }));
    const everything = JSON.stringify([rows.rows, auditRows.rows]);
    expect(rows.rows[0]?.config).toContain('sealed:v1:');
    for (const secret of Object.values(secrets)) expect(everything).not.toContain(secret);
  });

  it('shows the marker on every read and gives the live agent the secrets', async () => {
    const entry = await registry.agents.get(scope);
    const listed = await registry.agents.list('acme');
    const shown = JSON.stringify([entry, listed]);
    for (const secret of Object.values(secrets)) expect(shown).not.toContain(secret);
    expect(entry?.config.channels).toMatchObject([
      { botToken: sealedSecretMarker, signingSecret: sealedSecretMarker, webhook: sealedSecretMarker },
      { authToken: sealedSecretMarker, accountSid: 'AC123' },
      {
        smtp: { auth: { user: 'desk', pass: sealedSecretMarker } },
        inbound: { mailgun: { signingKey: sealedSecretMarker } },
      },
    ]);
    const { config } = await registry.resolveAgentConfig('acme', 'desk');
    expect(config.channels).toEqual(channels);
  });

  it('keeps a secret when a put sends the marker back, and the same config again is unchanged', async () => {
    const entry = await registry.agents.get(scope);
    const edited = { ...entry?.config, systemPrompt: 'You answer for Acme, kindly' };
    const result = await registry.agents.put(scope, edited, { actor: 'alice' });
    expect(result.outcome).toBe('updated');
    const { config } = await registry.resolveAgentConfig('acme', 'desk');
    expect(config.channels).toEqual(channels);
    const again = await registry.agents.put(scope, edited, { actor: 'alice' });
    expect(again.outcome).toBe('unchanged');
    const plain = await registry.agents.put(scope, { ...edited, channels }, { actor: 'alice' });
    expect(plain.outcome).toBe('unchanged');
  });

  it('refuses the marker where nothing is stored to keep', async () => {
    const error = await registry.agents
      .put(
        { tenantId: 'acme', agentId: 'other' },
        { channels: [{ type: 'slack', botToken: sealedSecretMarker }] },
        { actor: 'alice' },
      )
      .catch((caught: unknown) => caught);
    expect(StewardError.isInstance(error) && error.code).toBe('invalid-config');
    expect(String((error as Error).message)).toContain('no secret is stored there');
  });

  it.runIf(engine.name === 'sqlite')(
    'leaves no plaintext secret anywhere in the database files',
    async () => {
      const path = (opened.config as { path: string }).path;
      const dir = dirname(path);
      const bytes = readdirSync(dir)
        .map((name) => readFileSync(join(dir, name)).toString('latin1'))
        .join('');
      for (const secret of Object.values(secrets)) expect(bytes).not.toContain(secret);
    },
  );
});

describe('channel secrets on a PostgreSQL store without a key', () => {
  it('refuses a config that carries a secret, with the words secret-box uses', async () => {
    // PostgreSQL: SQLite makes a secret.key beside its file when none is set.
    const opened = await storeEngines[1]!.open({ encryptionKey: undefined });
    try {
      const registry = new Registry(opened.store, { audit: new Audit(opened.store, {}) });
      await registry.tenants.create({ tenantId: 'acme', displayName: 'Acme' }, { actor: 'alice' });
      const error = await registry.agents
        .put({ tenantId: 'acme', agentId: 'desk' }, { channels: [channels[0]] }, { actor: 'alice' })
        .catch((caught: unknown) => caught);
      expect(String((error as Error).message)).toContain('set store.encryptionKey or STEWARD_SECRET_KEY');
      const ok = await registry.agents.put(
        { tenantId: 'acme', agentId: 'desk' },
        { channels: [{ type: 'sms', provider: 'twilio' }] },
        { actor: 'alice' },
      );
      expect(ok.outcome).toBe('created');
    } finally {
      await opened.cleanup();
    }
  });
});

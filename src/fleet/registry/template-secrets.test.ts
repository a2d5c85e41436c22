import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../../test/support/engines.js';
import { Audit } from '../../audit/index.js';
import { sealedSecretMarker } from './channel-secrets.js';
import { Registry } from './registry.js';

const secrets = {
  webhook: 'https://hooks.slack.test/services/template-webhook-7373',
  signingSecret: 'template-signing-secret-7373',
  smtpPass: 'template-smtp-pass-7373',
  mailgunKey: 'template-mailgun-key-7373',
};

/** A platform template that gives every small business the same relay and Slack notices. */
const channels = [
  { type: 'slack', signingSecret: secrets.signingSecret, webhook: secrets.webhook },
  {
    type: 'email',
    smtp: { host: 'relay.example', port: 587, auth: { user: 'platform', pass: secrets.smtpPass } },
    inbound: { mailgun: { signingKey: secrets.mailgunKey } },
  },
];

describe.each(storeEngines)('channel secrets in templates on $name', (engine) => {
  let opened: TestStore;
  let audit: Audit;
  let registry: Registry;

  beforeAll(async () => {
    opened = await engine.open();
    audit = new Audit(opened.store, {});
    registry = new Registry(opened.store, { audit });
    await registry.tenants.create({ tenantId: 'acme', displayName: 'Acme' }, { actor: 'ops' });
    await registry.templates.put('small-business', { channels }, { actor: 'ops' });
    await registry.agents.put(
      { tenantId: 'acme', agentId: 'desk' },
      { extends: 'small-business', systemPrompt: 'You answer for Acme' },
      { actor: 'ops' },
    );
  });
  afterAll(async () => {
    await audit.close();
    await opened.cleanup();
  });

  it('stores no template secret in plaintext (not in the templates row, not in the audit log) and shows the marker on every read', async () => {
    const rows = await sql<{ config: string }>`select config from templates`.execute(opened.store.db);
    const auditRows = await sql<Record<string, unknown>>`select * from audit_log`
      .execute(opened.store.db)
      .catch(() => ({ rows: [] }));
    expect(rows.rows[0]?.config).toContain('sealed:v1:');
    const template = await registry.templates.get('small-business');
    const listed = await registry.templates.list();
    const everything = JSON.stringify([rows.rows, auditRows.rows, template, listed]);
    for (const secret of Object.values(secrets)) expect(everything).not.toContain(secret);
    expect(template?.config.channels).toMatchObject([
      { signingSecret: sealedSecretMarker, webhook: sealedSecretMarker },
      {
        smtp: { auth: { user: 'platform', pass: sealedSecretMarker } },
        inbound: { mailgun: { signingKey: sealedSecretMarker } },
      },
    ]);
  });

  it('gives the agent built on it the secrets, and a put of what a read returned keeps them', async () => {
    expect((await registry.resolveAgentConfig('acme', 'desk')).config.channels).toEqual(channels);
    const shown = await registry.templates.get('small-business');
    const same = await registry.templates.put('small-business', shown!.config, { actor: 'ops' });
    expect(same.outcome).toBe('unchanged');
    const edited = await registry.templates.put(
      'small-business',
      { ...shown!.config, limits: { maxTurns: 6 } },
      { actor: 'ops' },
    );
    expect(edited.outcome).toBe('updated');
    expect(JSON.stringify(edited.template)).not.toContain(secrets.smtpPass);
    expect((await registry.resolveAgentConfig('acme', 'desk')).config.channels).toEqual(channels);
    await expect(
      registry.templates.put(
        'fresh',
        { channels: [{ type: 'slack', webhook: sealedSecretMarker }] },
        { actor: 'ops' },
      ),
    ).rejects.toThrow(/no secret is stored there to keep/);
  });

  it.runIf(engine.name === 'sqlite')(
    'leaves no plaintext template secret anywhere in the database files',
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

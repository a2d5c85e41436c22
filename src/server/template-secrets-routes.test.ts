import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeEngines, type TestStore } from '../../test/support/engines.js';
import { discardChanges, Registry, sealedSecretMarker } from '../fleet/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

const smtpPass = 'route-template-smtp-pass-5151';

describe('PUT and GET /api/templates never show a channel secret (sqlite)', () => {
  let opened: TestStore;
  let app: StewardApp;
  let registry: Registry;

  beforeAll(async () => {
    opened = await storeEngines[0]!.open();
    registry = new Registry(opened.store, { changes: discardChanges });
    app = createApp({
      agents: [],
      store: opened.store,
      metrics: createMetrics({ processMetrics: false }),
      registry,
    });
  });
  afterAll(async () => {
    await opened.cleanup();
  });

  const send = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        'x-steward-actor': 'ops',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('answers "[sealed]" in place of the secret, and a PUT of what GET returned keeps it', async () => {
    const channels = [
      { type: 'email', smtp: { host: 'relay.example', auth: { user: 'platform', pass: smtpPass } } },
    ];
    const put = await send('PUT', '/api/templates/base', { channels });
    expect(put.status).toBe(201);
    const putText = await put.text();
    expect(putText).not.toContain(smtpPass);
    const got = await send('GET', '/api/templates/base');
    const body = (await got.json()) as { config: { channels: Array<{ smtp: { auth: { pass: string } } }> } };
    expect(body.config.channels[0]!.smtp.auth.pass).toBe(sealedSecretMarker);
    expect(JSON.stringify(await (await send('GET', '/api/templates')).json())).not.toContain(smtpPass);
    const again = await send('PUT', '/api/templates/base', body.config);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ version: 1 });
    await registry.tenants.create({ tenantId: 'acme' }, { actor: 'ops' });
    await registry.agents.put({ tenantId: 'acme', agentId: 'desk' }, { extends: 'base' }, { actor: 'ops' });
    expect((await registry.resolveAgentConfig('acme', 'desk')).config.channels).toEqual(channels);
  });
});

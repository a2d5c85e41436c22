/**
 * Registry and key changes from `steward` write the same audit records as through the HTTP API: each
 * change is made once over HTTP and once with the CLI (on its own tenant, template or key), with the
 * same API key, and the records must match but for the ids of what was changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  comparable,
  openParityHarness,
  type ParityHarness,
  PLATFORM_TENANT_ID,
} from './__support__/parity.js';

let harness: ParityHarness;
beforeAll(async () => {
  harness = await openParityHarness('sqlite');
});
afterAll(async () => harness?.close());

/** Runs one change over HTTP, then the same with the CLI, returning each one's new records of `tenants`. */
async function both(http: () => Promise<Response>, cli: string[], tenants: { http: string; cli: string }) {
  const httpMark = await harness.mark(tenants.http);
  const response = await http();
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  const viaHttp = await harness.recordsAfter(httpMark, tenants.http);
  const cliMark = await harness.mark(tenants.cli);
  const result = await harness.steward([...cli, '--token', harness.token]);
  expect(result.code, result.err).toBe(0);
  const viaCli = await harness.recordsAfter(cliMark, tenants.cli);
  expect(viaCli.length).toBeGreaterThan(0);
  for (const record of viaCli) expect(record.actor).toBe(harness.keyActor);
  return { viaHttp, viaCli };
}

function expectAlike(
  records: Awaited<ReturnType<typeof both>>,
  ids: Record<string, string>,
  ignore: string[] = [],
): void {
  // The CLI acted on its own tenant, template or key: put the HTTP side's id in its place.
  const swap = (text: string) =>
    Object.entries(ids).reduce((result, [httpId, cliId]) => result.replaceAll(httpId, cliId), text);
  const http = JSON.parse(swap(JSON.stringify(records.viaHttp.map((record) => comparable(record, ignore)))));
  expect(records.viaCli.map((record) => comparable(record, ignore))).toEqual(http);
}

const tenants = { http: 't-http', cli: 't-cli' };

describe('registry and keys: CLI and HTTP audit alike', () => {
  it('tenants create', async () => {
    expectAlike(
      await both(
        () => harness.request('POST', '/api/tenants', { tenantId: 't-http', displayName: 'Corner shop' }),
        [
          'tenants',
          'apply',
          '-f',
          harness.writeFile('tenant.json', { tenantId: 't-cli', displayName: 'Corner shop' }),
        ],
        tenants,
      ),
      { 't-http': 't-cli' },
    );
  });

  it('agents put and disable, tenants suspend', async () => {
    const config = { systemPrompt: 'You answer for the corner shop.', limits: { maxTurns: 3 } };
    expectAlike(
      await both(
        () => harness.request('PUT', '/api/tenants/t-http/agents/desk', config),
        [
          'agents',
          'apply',
          '-f',
          harness.writeFile('agent.json', { tenantId: 't-cli', agentId: 'desk', ...config }),
        ],
        tenants,
      ),
      { 't-http': 't-cli' },
    );
    expectAlike(
      await both(
        () => harness.request('DELETE', '/api/tenants/t-http/agents/desk'),
        ['agents', 'delete', '--tenant', 't-cli', 'desk'],
        tenants,
      ),
      { 't-http': 't-cli' },
    );
    expectAlike(
      await both(
        () => harness.request('PATCH', '/api/tenants/t-http', { status: 'suspended' }),
        ['tenants', 'suspend', 't-cli'],
        tenants,
      ),
      { 't-http': 't-cli' },
    );
  });

  it('templates put and delete', async () => {
    const platform = { http: PLATFORM_TENANT_ID, cli: PLATFORM_TENANT_ID };
    const config = { limits: { maxTurns: 4 } };
    expectAlike(
      await both(
        () => harness.request('PUT', '/api/templates/tpl-http', config),
        ['templates', 'apply', '-f', harness.writeFile('template.json', { templateId: 'tpl-cli', config })],
        platform,
      ),
      { 'tpl-http': 'tpl-cli' },
    );
    expectAlike(
      await both(
        () => harness.request('DELETE', '/api/templates/tpl-http'),
        ['templates', 'delete', 'tpl-cli'],
        platform,
      ),
      { 'tpl-http': 'tpl-cli' },
    );
  });

  it('keys create and revoke', async () => {
    const platform = { http: PLATFORM_TENANT_ID, cli: PLATFORM_TENANT_ID };
    const created = await both(
      () => harness.request('POST', '/api/keys', { name: 'till', role: 'chat', tenants: ['t-http'] }),
      ['keys', 'create', '--name', 'till', '--role', 'chat', '--tenant', 't-http'],
      platform,
    );
    const ids = { [created.viaHttp[0]!.payload.keyId as string]: created.viaCli[0]!.payload.keyId as string };
    expectAlike(created, ids);
    const [httpId, cliId] = Object.entries(ids)[0]!;
    expectAlike(
      await both(() => harness.request('DELETE', `/api/keys/${httpId}`), ['keys', 'revoke', cliId], platform),
      ids,
    );
  });
});

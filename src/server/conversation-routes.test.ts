/**
 * Conversations belong to their customer, through HTTP: a chat key's sender or the web chat's signed
 * conversation token; feedback only from the interaction's customer or an operator, rate-limited.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeAgent } from '../agent/index.js';
import { ApiKeyService, Authenticator, createPlatformAuditSink } from '../fleet/index.js';
import type { Reply } from '../pipeline/index.js';
import { FunctionRuntime, type RuntimeRequest } from '../runtime/index.js';
import { openStore, type StewardStore } from '../store/index.js';
import { createApp, type StewardApp } from './app.js';
import { createMetrics } from './metrics.js';

type TokenReply = Reply & { conversationToken?: string };

let dir: string;
let store: StewardStore;
let app: StewardApp;
let agents: ClaudeAgent[];
const requests: RuntimeRequest[] = [];
const tokens: Record<'acmeChat' | 'globexChat' | 'acmeOperator', string> = {
  acmeChat: '',
  globexChat: '',
  acmeOperator: '',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steward-conversations-'));
  store = await openStore({ path: join(dir, 'steward.db') }, {});
  const platformAudit = createPlatformAuditSink(store, {});
  const keys = await ApiKeyService.open(store, { audit: platformAudit });
  tokens.acmeChat = (
    await keys.create({ name: 'acme web chat', role: 'chat', tenants: ['acme'] }, 'test')
  ).token;
  tokens.globexChat = (
    await keys.create({ name: 'globex chat', role: 'chat', tenants: ['globex'] }, 'test')
  ).token;
  tokens.acmeOperator = (
    await keys.create({ name: 'acme ops', role: 'operator', tenants: ['acme'] }, 'test')
  ).token;
  const runtime = new FunctionRuntime(async (request) => {
    requests.push(request);
    return { text: `echo: ${request.prompt}`, sessionId: `session-${request.interactionId}` };
  });
  const common = { store, runtime, messageHandling: { maintainContext: true } };
  agents = [
    new ClaudeAgent({
      ...common,
      tenantId: 'acme',
      agentId: 'front-desk',
      limits: { feedbackPerCustomerPerMinute: 2 },
      audit: { level: 'standard' },
    }),
    new ClaudeAgent({ ...common, tenantId: 'globex', agentId: 'back-office' }),
  ];
  app = createApp({
    agents,
    store,
    runtime,
    metrics: createMetrics({ processMetrics: false }),
    authenticator: new Authenticator({ keys }),
    keys,
    resources: [keys, platformAudit],
  });
});

afterAll(async () => {
  await app.lifecycle.closeResources();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, token: string, body: unknown): Promise<Response> {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

const message = (token: string, body: unknown, agentId = 'front-desk') =>
  post(`/api/agents/${agentId}/messages`, token, body);

describe('conversations through HTTP', () => {
  it("answers 404, exactly as for a missing conversation, when a sender continues another sender's conversation", async () => {
    const started = (await (
      await message(tokens.acmeChat, { text: 'my order 1234', senderId: 'alice' })
    ).json()) as TokenReply;
    expect(started.conversationToken).toBeUndefined();
    const asked = requests.length;
    const stolen = await message(tokens.acmeChat, {
      text: 'what was my order?',
      conversationId: started.conversationId,
      senderId: 'bob',
    });
    const missing = await message(tokens.acmeChat, {
      text: 'what was my order?',
      conversationId: 'no-such-conversation',
      senderId: 'bob',
    });
    expect(stolen.status).toBe(404);
    expect(missing.status).toBe(404);
    const stolenBody = JSON.stringify(await stolen.json()).replace(started.conversationId, 'X');
    expect(stolenBody).toBe(JSON.stringify(await missing.json()).replace('no-such-conversation', 'X'));
    expect(stolenBody).not.toContain('1234');
    expect(requests).toHaveLength(asked);
    // Without a sender or a token, a chat key cannot continue at all.
    expect(
      (await message(tokens.acmeChat, { text: 'hi', conversationId: started.conversationId })).status,
    ).toBe(400);

    const continued = await message(tokens.acmeChat, {
      text: 'when does it arrive?',
      conversationId: started.conversationId,
      senderId: 'alice',
    });
    expect(continued.status).toBe(200);
    expect(requests.at(-1)?.resumeSessionId).toBe(`session-${started.interactionId}`);
  });

  it('gives the web chat a conversation token with its first reply and continues only with it', async () => {
    const first = (await (await message(tokens.acmeChat, { text: 'hello' })).json()) as TokenReply;
    expect(first.conversationToken).toMatch(/^cv1\./);
    const next = await message(tokens.acmeChat, {
      text: 'again',
      conversationId: first.conversationId,
      conversationToken: first.conversationToken,
    });
    expect(next.status).toBe(200);
    expect(((await next.json()) as TokenReply).conversationToken).toBeUndefined();

    const other = (await (await message(tokens.acmeChat, { text: 'someone else' })).json()) as TokenReply;
    const asked = requests.length;
    // The token of another conversation, or of another tenant's: the 404 of a missing conversation.
    const wrongToken = await message(tokens.acmeChat, {
      text: 'show me',
      conversationId: first.conversationId,
      conversationToken: other.conversationToken,
    });
    expect(wrongToken.status).toBe(404);
    const globexFirst = (await (
      await message(tokens.globexChat, { text: 'hi' }, 'back-office')
    ).json()) as TokenReply;
    const crossTenant = await message(
      tokens.globexChat,
      {
        text: 'show me',
        conversationId: globexFirst.conversationId,
        conversationToken: first.conversationToken,
      },
      'back-office',
    );
    expect(crossTenant.status).toBe(404);
    // Another sender cannot take the token's conversation either.
    const bySender = await message(tokens.acmeChat, {
      text: 'show me',
      conversationId: first.conversationId,
      senderId: 'mallory',
    });
    expect(bySender.status).toBe(404);
    expect(requests.length - asked).toBe(1);
  });

  it("takes feedback from the interaction's customer or an operator; another customer's answers 404 like a missing interaction", async () => {
    const mine = (await (
      await message(tokens.acmeChat, { text: 'q1', senderId: 'carol' })
    ).json()) as TokenReply;
    // The interim guard asks a key limited to some tenants to name one on routes without a tenant.
    const feedback = (token: string, id: string, body: Record<string, unknown>, tenantId = 'acme') =>
      post(`/api/interactions/${id}/feedback?tenantId=${tenantId}`, token, { rating: 'negative', ...body });

    const stolen = await feedback(tokens.acmeChat, mine.interactionId, { senderId: 'dave' });
    const missing = await feedback(tokens.acmeChat, 'no-such-interaction', { senderId: 'dave' });
    expect(stolen.status).toBe(404);
    expect(missing.status).toBe(404);
    // The same body but for the quoted id.
    const withoutId = async (response: Response) =>
      JSON.stringify(await response.json()).replace(/\\"[^"\\]*\\"/, 'X');
    expect(await withoutId(stolen)).toBe(await withoutId(missing));
    expect((await store.interactions.get('acme', mine.interactionId))?.feedback).toBeUndefined();
    // A chat key must say who rates.
    expect((await feedback(tokens.acmeChat, mine.interactionId, {})).status).toBe(400);
    // Another tenant's chat key: the interaction is not of an agent it may reach.
    expect(
      (await feedback(tokens.globexChat, mine.interactionId, { senderId: 'carol' }, 'globex')).status,
    ).toBe(404);
    // Nor may an operator of acme rate globex's interactions by naming its own tenant.
    const globexReply = (await (
      await message(tokens.globexChat, { text: 'hi', senderId: 'gina' }, 'back-office')
    ).json()) as TokenReply;
    expect((await feedback(tokens.acmeOperator, globexReply.interactionId, {})).status).toBe(404);
    expect((await store.interactions.get('globex', globexReply.interactionId))?.feedback).toBeUndefined();

    const web = (await (await message(tokens.acmeChat, { text: 'web q' })).json()) as TokenReply;
    const other = (await (await message(tokens.acmeChat, { text: 'other q' })).json()) as TokenReply;
    expect(
      (await feedback(tokens.acmeChat, web.interactionId, { conversationToken: other.conversationToken }))
        .status,
    ).toBe(404);
    expect(
      (await feedback(tokens.acmeChat, web.interactionId, { conversationToken: web.conversationToken }))
        .status,
    ).toBe(200);

    expect((await feedback(tokens.acmeChat, mine.interactionId, { senderId: 'carol' })).status).toBe(200);
    // An operator rates any interaction of its tenant, and is the audit record's actor.
    expect((await feedback(tokens.acmeOperator, mine.interactionId, { note: 'confirmed' })).status).toBe(200);
    const audit = (await agents[0]!.audit())!;
    const given = await audit.search({ tenantId: 'acme', eventTypes: ['interaction-feedback-given'] });
    const actors = given.records.map((record) => record.actor);
    expect(actors).toContainEqual(expect.stringMatching(/^key:\S+ \(acme ops\)$/));
    expect(actors).toContainEqual(expect.stringMatching(/^customer:[0-9a-f]{16}$/));
    expect(JSON.stringify(given.records)).not.toContain('carol');
    const refused = await audit.search({ tenantId: 'acme', eventTypes: ['conversation-access-refused'] });
    expect(refused.records.length).toBeGreaterThan(0);
  });

  it('limits feedback per customer with 429 and Retry-After', async () => {
    const replies: TokenReply[] = [];
    for (let index = 0; index < 3; index++) {
      replies.push(
        (await (
          await message(tokens.acmeChat, { text: `q${index}`, senderId: 'erin' })
        ).json()) as TokenReply,
      );
    }
    const rate = (id: string) =>
      post(`/api/interactions/${id}/feedback?tenantId=acme`, tokens.acmeChat, {
        rating: 'negative',
        senderId: 'erin',
      });
    expect((await rate(replies[0]!.interactionId)).status).toBe(200);
    expect((await rate(replies[1]!.interactionId)).status).toBe(200);
    const limited = await rate(replies[2]!.interactionId);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ error: { code: 'rate-limited' } });
    // Another sender is not held back by erin's limit.
    const frank = (await (
      await message(tokens.acmeChat, { text: 'q', senderId: 'frank' })
    ).json()) as TokenReply;
    expect(
      (
        await post(`/api/interactions/${frank.interactionId}/feedback?tenantId=acme`, tokens.acmeChat, {
          rating: 'positive',
          senderId: 'frank',
        })
      ).status,
    ).toBe(200);
  });
});

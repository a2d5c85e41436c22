/**
 * Channel webhooks, outside `/api/*`: a provider's signature authenticates them, not an API key.
 * `POST /channels/slack/events` and `POST /channels/twilio/sms` answer once the message is committed to the durable queue (Slack wants
 * an answer within 3 s; under `startServer` they are served before Hono, see webhook-listener.ts); `GET /channels/slack/install` and `/channels/slack/oauth/callback` run the
 * OAuth v2 install of a workspace for a tenant's agent. `GET /api/tenants/:tenantId/channels` (an API key
 * route, guarded like the others) reports a tenant's channel analytics and bindings.
 */
import type { IncomingMessage } from 'node:http';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { type ChannelCore, channelStats, type SlackChannel, SlackInstaller } from '../channels/index.js';
import { StewardError } from '../errors/index.js';
import { limitBody } from './json-body.js';
import { type RouteTable, scopeOf } from './route-scope.js';
import { createNodeWebhook, type NodeWebhook } from './webhook-listener.js';

export interface ChannelRoutesOptions {
  core: ChannelCore;
  /** The Slack adapter the core was built with; its install routes need `clientId` and `clientSecret`. */
  slack?: SlackChannel;
  /** Largest webhook body; larger is 413. Default 1 MiB. */
  maxBodyBytes?: number;
  now?: () => number;
}

const nonceCookie = 'steward_slack_oauth';

/** What the webhooks served before Hono report to: the request metric and the error log. */
export interface WebhookReporting {
  observe: (method: string, route: string, status: number) => void;
  logError: (line: string, error: unknown) => void;
}

/**
 * Registers the routes; returns the webhooks (path → handler) `startServer` serves from Node's request
 * before Hono, with the same answers as these Hono routes.
 *
 * @example
 * const webhooks = registerChannelRoutes(app, routes, { core, slack }, { observe, logError });
 */
export function registerChannelRoutes(
  // biome-ignore lint/suspicious/noExplicitAny: any app's environment; the webhooks use none of its variables.
  app: Hono<any>,
  routes: RouteTable,
  options: ChannelRoutesOptions,
  reporting: WebhookReporting,
): Map<string, NodeWebhook> {
  const { core, slack } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const webhooks = new Map<string, NodeWebhook>();
  const webhook = (path: string, channel: string) => {
    app.post(path, limitBody(maxBodyBytes), (c) => receiveWebhook(core, channel, c));
    webhooks.set(path, createNodeWebhook({ core, channel, path, maxBodyBytes, ...reporting }));
  };

  // Analytics and bindings of one tenant (never a secret), scoped by :tenantId like every tenant route.
  routes.declare('GET', '/api/tenants/:tenantId/channels', 'agents:read', 'tenant', async (c) => {
    const tenantId = scopeOf(c).tenantId!;
    const sinceText = c.req.query('since');
    const since = sinceText === undefined ? 0 : Number(sinceText);
    if (!Number.isSafeInteger(since) || since < 0) {
      throw new StewardError('invalid-request', 'since must be epoch milliseconds (a whole number >= 0)');
    }
    const [channels, bindings] = await Promise.all([
      channelStats(core.bindings.store, tenantId, { since }),
      core.bindings.list(tenantId),
    ]);
    return c.json({ tenantId, channels, bindings }, 200);
  });

  // Twilio posts every text to one URL; the core routes it by its To number. STOP / START / HELP are answered here.
  if (core.adapter('sms')) {
    webhook('/channels/twilio/sms', 'sms');
  }

  // Mailgun's route webhook (forward()); the core routes each mail by its recipient address.
  if (core.adapter('email')) {
    webhook('/channels/email/inbound', 'email');
  }

  if (!slack) return webhooks;

  webhook('/channels/slack/events', 'slack');

  const installer = new SlackInstaller(slack.config, core.bindings, options.now);
  app.get('/channels/slack/install', (c) => {
    const { redirectUrl, nonce } = installer.start(c.req.query('link'));
    setCookie(c, nonceCookie, nonce, {
      httpOnly: true,
      secure: new URL(c.req.url).protocol === 'https:',
      sameSite: 'Lax',
      path: '/channels/slack/oauth',
      maxAge: 600,
    });
    return c.redirect(redirectUrl, 302);
  });
  app.get('/channels/slack/oauth/callback', async (c) => {
    const installed = await installer.complete({
      code: c.req.query('code'),
      state: c.req.query('state'),
      nonce: getCookie(c, nonceCookie),
      error: c.req.query('error'),
    });
    setCookie(c, nonceCookie, '', { path: '/channels/slack/oauth', maxAge: 0 });
    return c.html(
      `<!doctype html><title>Installed</title><p>The Slack app is installed${installed.installation.teamName ? ` in ${escapeHtml(installed.installation.teamName)}` : ''}. You can close this window.</p>`,
      200,
    );
  });
  return webhooks;
}

/** Hands a webhook's raw request to the core; answers the provider once its messages are committed. */
async function receiveWebhook(core: ChannelCore, channel: string, c: Context): Promise<Response> {
  const rawBody = new Uint8Array(await c.req.arrayBuffer());
  const headers: Record<string, string> = {};
  // Node's own header object when served by @hono/node-server (names already lower-case): iterating
  // `c.req.raw.headers` would first copy every header into a web Headers object.
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming?.headers) {
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  } else {
    c.req.raw.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
  }
  const response = await core.receive(channel, { headers, rawBody, url: c.req.url });
  return c.body(response.body, response.status as 200, { 'content-type': response.contentType });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

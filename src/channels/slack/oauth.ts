/**
 * Slack OAuth v2 install, one app for many workspaces. An operator hands a business an install link
 * signed for its tenant and agent (`installLink`); `GET /channels/slack/install` checks it and sends the
 * browser to Slack with a `state` signed and bound to that tenant, agent and browser (a cookie carries its
 * nonce); the callback checks the state, exchanges the code with `oauth.v2.access` and stores the
 * workspace's bot token encrypted, routed by team (or enterprise, for an org-wide install).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { StewardError } from '../../errors/index.js';
import type { ChannelBindings } from '../store/bindings.js';
import { exchangeOAuthCode, type SlackInstallation } from './slack-api.js';
import type { ResolvedSlackConfig } from './slack-config.js';

const stateLifetimeMs = 10 * 60_000;

function sign(secret: string, purpose: string, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}\u0000${payload}`).digest('base64url');
}

function same(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}

interface InstallTarget {
  tenantId: string;
  agentId: string;
}

/**
 * The query of an install link for a tenant's agent, valid until `expiresAt` (epoch ms).
 *
 * @example
 * const link = `https://steward.example/channels/slack/install?${installLinkQuery(slack.config, { tenantId: 'acme', agentId: 'desk', expiresAt: Date.now() + 86_400_000 })}`;
 */
export function installLinkQuery(
  config: Pick<ResolvedSlackConfig, 'stateSecret'>,
  target: InstallTarget & { expiresAt: number },
): string {
  const payload = Buffer.from(
    JSON.stringify({ t: target.tenantId, a: target.agentId, e: target.expiresAt }),
  ).toString('base64url');
  return new URLSearchParams({
    link: `${payload}.${sign(config.stateSecret, 'install-link', payload)}`,
  }).toString();
}

function readSigned(
  secret: string,
  purpose: string,
  token: string | undefined,
  now: number,
): Record<string, unknown> {
  const [payload, signature, extra] = (token ?? '').split('.');
  if (!payload || !signature || extra !== undefined || !same(signature, sign(secret, purpose, payload))) {
    throw new StewardError(
      'invalid-signature',
      `the Slack ${purpose} is missing or not signed by this server`,
    );
  }
  const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (typeof value.e !== 'number' || value.e < now) {
    throw new StewardError(
      'invalid-signature',
      `the Slack ${purpose} has expired; ask for a new install link`,
    );
  }
  if (typeof value.t !== 'string' || typeof value.a !== 'string') {
    throw new StewardError('invalid-signature', `the Slack ${purpose} names no tenant and agent`);
  }
  return value;
}

export class SlackInstaller {
  constructor(
    private readonly config: ResolvedSlackConfig,
    private readonly bindings: ChannelBindings,
    private readonly now: () => number = Date.now,
  ) {}

  /** From a signed install link: where to send the browser, and the nonce to set as a cookie. */
  start(link: string | undefined): { redirectUrl: string; nonce: string } {
    const { clientId } = this.requireOAuth();
    const target = readSigned(this.config.stateSecret, 'install-link', link, this.now());
    const nonce = randomBytes(16).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ t: target.t, a: target.a, n: nonce, e: this.now() + stateLifetimeMs }),
    ).toString('base64url');
    const state = `${payload}.${sign(this.config.stateSecret, 'oauth-state', payload)}`;
    const url = new URL(this.config.authorizeUrl);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('scope', this.config.scopes.join(','));
    url.searchParams.set('state', state);
    if (this.config.redirectUrl) url.searchParams.set('redirect_uri', this.config.redirectUrl);
    return { redirectUrl: url.toString(), nonce };
  }

  /** The callback: checks the state against the browser's nonce, exchanges the code, stores the token. */
  async complete(input: {
    code: string | undefined;
    state: string | undefined;
    nonce: string | undefined;
    error?: string | undefined;
  }): Promise<InstallTarget & { installation: Omit<SlackInstallation, 'botToken'> }> {
    const { clientId, clientSecret } = this.requireOAuth();
    const state = readSigned(this.config.stateSecret, 'oauth-state', input.state, this.now());
    if (typeof state.n !== 'string' || !input.nonce || !same(state.n, input.nonce)) {
      throw new StewardError(
        'invalid-signature',
        'the Slack install was started in another browser; start it again from the install link',
      );
    }
    if (input.error)
      throw new StewardError(
        'invalid-request',
        `Slack did not install the app: ${input.error.slice(0, 100)}`,
      );
    if (!input.code) throw new StewardError('invalid-request', 'the Slack callback has no code');
    const installation = await exchangeOAuthCode(
      { apiUrl: this.config.apiUrl },
      { clientId, clientSecret, code: input.code, redirectUri: this.config.redirectUrl },
    );
    const routeKey =
      installation.isEnterpriseInstall && installation.enterpriseId
        ? `enterprise:${installation.enterpriseId}`
        : `team:${installation.teamId}`;
    const tenantId = state.t as string;
    const agentId = state.a as string;
    const { botToken, ...shown } = installation;
    await this.bindings.bind({
      channel: 'slack',
      routeKey,
      tenantId,
      agentId,
      secret: { botToken },
      details: Object.fromEntries(
        Object.entries(shown).flatMap(([key, value]) => (value === undefined ? [] : [[key, String(value)]])),
      ),
    });
    return { tenantId, agentId, installation: shown };
  }

  private requireOAuth(): { clientId: string; clientSecret: string } {
    const { clientId, clientSecret } = this.config;
    if (!clientId || !clientSecret) {
      throw new StewardError(
        'not-found',
        'Slack install is not configured: set `clientId` and `clientSecret` in the slack channels entry, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET',
      );
    }
    return { clientId, clientSecret };
  }
}

/**
 * Who is calling, from `Authorization: Bearer <token>`: an admin token from the environment, an API
 * key from the store, or, for a local demo with no key anywhere, the implicit local admin.
 */
import { isIP } from 'node:net';
import { StewardError } from '../../errors/index.js';
import type { ApiKeyService } from './key-service.js';
import type { Caller } from './permissions.js';
import { parseToken, sameSecret } from './token.js';

/** An admin token read from the environment, and the variable it came from. */
export interface AdminToken {
  variable: 'STEWARD_ADMIN_TOKEN' | 'STEWARD_API_TOKEN';
  token: string;
}

export interface AuthenticatorOptions {
  /** Store-backed API keys; without it only the admin tokens (or the local admin) work. */
  keys?: ApiKeyService;
  adminTokens?: readonly AdminToken[];
  /**
   * A request without a token acts as the implicit local admin while no admin token is set and no key
   * was ever created. Only for a server bound to a loopback address (`steward serve` decides).
   */
  localAdminWhenKeyless?: boolean;
}

/** The caller of a request without a token on a keyless local demo. */
export const localAdmin: Caller = Object.freeze({
  keyId: 'local',
  keyName: 'local demo, no keys configured',
  role: 'admin',
  tenants: '*',
});

const bearerPattern = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const howToAuthenticate =
  'send "Authorization: Bearer <token>" with an API key (POST /api/keys, or steward keys create) or the value of STEWARD_ADMIN_TOKEN';

/**
 * @example
 * const authenticator = new Authenticator({ keys, adminTokens: adminTokensFromEnv(process.env).tokens });
 * const caller = await authenticator.authenticate(request.headers.get('authorization') ?? undefined);
 */
export class Authenticator {
  private readonly adminCallers: Array<{ token: string; caller: Caller }>;

  constructor(private readonly options: AuthenticatorOptions = {}) {
    this.adminCallers = (options.adminTokens ?? []).map(({ variable, token }) => ({
      token,
      caller: Object.freeze({
        keyId: variable === 'STEWARD_ADMIN_TOKEN' ? 'env-admin' : 'env-api-token',
        keyName: variable === 'STEWARD_ADMIN_TOKEN' ? variable : `${variable} (deprecated)`,
        role: 'admin' as const,
        tenants: '*' as const,
      }),
    }));
  }

  /** True when requests without a token are served as the local admin right now. */
  async keyless(): Promise<boolean> {
    if (!this.options.localAdminWhenKeyless || this.adminCallers.length > 0) return false;
    return !(await this.options.keys?.anyKey());
  }

  /** The caller, or a 401 `unauthorized` saying what was wrong (never which part of a key was). */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (authorization === undefined || authorization.trim() === '') {
      if (await this.keyless()) return localAdmin;
      throw unauthorized('missing', `this API needs a token: ${howToAuthenticate}`);
    }
    const token = bearerPattern.exec(authorization)?.[1];
    if (token === undefined) {
      throw unauthorized(
        'malformed',
        `the Authorization header is not "Bearer <token>": ${howToAuthenticate}`,
      );
    }
    // A key token is never an admin token (adminTokensFromEnv refuses that shape), so it skips them.
    // Otherwise every admin token is compared in constant time: the time taken says none of which matched.
    if (parseToken(token) === undefined) {
      let admin: Caller | undefined;
      for (const candidate of this.adminCallers) {
        if (sameSecret(token, candidate.token)) admin ??= candidate.caller;
      }
      if (admin) return admin;
    }
    const check = this.options.keys
      ? await this.options.keys.check(token)
      : { ok: false as const, reason: 'unknown' as const };
    if (check.ok) return check.caller;
    switch (check.reason) {
      case 'revoked':
        throw unauthorized('revoked', `API key ${check.keyId} was revoked; ask an admin for a new key`);
      case 'expired':
        throw unauthorized(
          'expired',
          `API key ${check.keyId} expired at ${new Date(check.expiresAt).toISOString()}; ask an admin for a new key`,
        );
      default:
        throw unauthorized(
          'invalid',
          `the token is not a valid API key (keys look like stw_<id>_<secret>; check it was copied whole) nor an admin token: ${howToAuthenticate}`,
        );
    }
  }
}

export interface EnvAdminTokens {
  tokens: AdminToken[];
  /** Lines for the operator (the deprecated variable). */
  warnings: string[];
}

/** Shortest accepted `STEWARD_ADMIN_TOKEN`. */
export const minAdminTokenLength = 16;

/**
 * `STEWARD_ADMIN_TOKEN`, and the older `STEWARD_API_TOKEN`, which keeps working as an admin token.
 *
 * @example
 * const { tokens, warnings } = adminTokensFromEnv(process.env);
 */
export function adminTokensFromEnv(env: NodeJS.ProcessEnv): EnvAdminTokens {
  const tokens: AdminToken[] = [];
  const warnings: string[] = [];
  const admin = env.STEWARD_ADMIN_TOKEN?.trim();
  if (admin) {
    if (admin.length < minAdminTokenLength || /\s/.test(admin)) {
      throw new StewardError(
        'invalid-config',
        `STEWARD_ADMIN_TOKEN must be at least ${minAdminTokenLength} characters without spaces; make one with: openssl rand -base64 32`,
      );
    }
    tokens.push({ variable: 'STEWARD_ADMIN_TOKEN', token: admin });
  }
  const legacy = env.STEWARD_API_TOKEN?.trim();
  for (const [variable, value] of [
    ['STEWARD_ADMIN_TOKEN', admin],
    ['STEWARD_API_TOKEN', legacy],
  ] as const) {
    if (value && parseToken(value)) {
      throw new StewardError(
        'invalid-config',
        `${variable} has the shape of an API key (stw_…); an admin token must be some other secret: make one with openssl rand -base64 32`,
      );
    }
  }
  if (legacy) {
    tokens.push({ variable: 'STEWARD_API_TOKEN', token: legacy });
    warnings.push(
      'STEWARD_API_TOKEN is deprecated: it still works as an admin token, but rename it to STEWARD_ADMIN_TOKEN, ' +
        'and give people and programs their own keys (steward keys create) instead of sharing it',
    );
  }
  return { tokens, warnings };
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(bare);
  return false;
}

function unauthorized(reason: string, message: string): StewardError {
  return new StewardError('unauthorized', message, { details: { reason } });
}

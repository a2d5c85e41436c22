import { describe, expect, it } from 'vitest';
import { Authenticator, adminTokensFromEnv, localAdmin } from './authenticator.js';
import { issueToken } from './token.js';

describe('admin tokens from the environment', () => {
  it('reads STEWARD_ADMIN_TOKEN, and STEWARD_API_TOKEN with a deprecation warning', () => {
    expect(adminTokensFromEnv({})).toEqual({ tokens: [], warnings: [] });
    const both = adminTokensFromEnv({
      STEWARD_ADMIN_TOKEN: ' a-strong-admin-token ',
      STEWARD_API_TOKEN: 'legacy',
    });
    expect(both.tokens).toEqual([
      { variable: 'STEWARD_ADMIN_TOKEN', token: 'a-strong-admin-token' },
      { variable: 'STEWARD_API_TOKEN', token: 'legacy' },
    ]);
    expect(both.warnings.join('\n')).toContain('STEWARD_API_TOKEN is deprecated');
  });

  it('refuses a short admin token, and one shaped like an API key', () => {
    expect(() => adminTokensFromEnv({ STEWARD_ADMIN_TOKEN: 'short' })).toThrow('at least 16 characters');
    const { token } = issueToken();
    expect(() => adminTokensFromEnv({ STEWARD_ADMIN_TOKEN: token })).toThrow('has the shape of an API key');
    expect(() => adminTokensFromEnv({ STEWARD_API_TOKEN: token })).toThrow('has the shape of an API key');
  });
});

describe('Authenticator without a key service', () => {
  it('accepts the admin tokens as admins over every tenant, and nothing else', async () => {
    const authenticator = new Authenticator({
      adminTokens: adminTokensFromEnv({
        STEWARD_ADMIN_TOKEN: 'a-strong-admin-token',
        STEWARD_API_TOKEN: 'legacy',
      }).tokens,
    });
    expect(await authenticator.authenticate('Bearer a-strong-admin-token')).toEqual({
      keyId: 'env-admin',
      keyName: 'STEWARD_ADMIN_TOKEN',
      role: 'admin',
      tenants: '*',
    });
    expect(await authenticator.authenticate('bearer  legacy ')).toMatchObject({ keyId: 'env-api-token' });
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer a-strong-admin-tokenX',
      `Bearer ${issueToken().token}`,
    ]) {
      await expect(authenticator.authenticate(header), String(header)).rejects.toMatchObject({
        code: 'unauthorized',
      });
    }
    expect(await authenticator.keyless()).toBe(false);
  });

  it('is the local admin for requests without a token only when asked to and no admin token is set', async () => {
    expect(await new Authenticator({ localAdminWhenKeyless: true }).authenticate(undefined)).toBe(localAdmin);
    await expect(new Authenticator({}).authenticate(undefined)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    const withToken = new Authenticator({
      localAdminWhenKeyless: true,
      adminTokens: [{ variable: 'STEWARD_ADMIN_TOKEN', token: 'a-strong-admin-token' }],
    });
    await expect(withToken.authenticate(undefined)).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

/**
 * Who may call `steward serve`: the admin tokens from the environment, the store's API keys, or, on a
 * loopback address with neither, the implicit local admin of the demo. Any other address needs a key.
 */
import {
  ApiKeyService,
  Authenticator,
  adminTokensFromEnv,
  createPlatformAuditSink,
  isLoopbackHost,
} from '../fleet/index.js';
import type { StewardStore } from '../store/index.js';
import { CliError, type CliIo } from './cli-io.js';
import { knownTenants } from './known-tenants.js';

export interface ServeAuth {
  authenticator: Authenticator;
  keys: ApiKeyService;
  /** For the app to close on shutdown, before the store. */
  resources: Array<{ close(): Promise<void> }>;
  /** The `auth:` line of the banner. */
  banner: string;
  close(): Promise<void>;
}

/**
 * @example
 * const auth = await openServeAuth(store, '127.0.0.1', io);
 * const app = createApp({ ..., authenticator: auth.authenticator, keys: auth.keys, resources: auth.resources });
 */
export async function openServeAuth(store: StewardStore, host: string, io: CliIo): Promise<ServeAuth> {
  let admin: ReturnType<typeof adminTokensFromEnv>;
  try {
    admin = adminTokensFromEnv(io.env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  for (const warning of admin.warnings) io.error(`steward: warning: ${warning}`);
  const audit = createPlatformAuditSink(store, io.env);
  // Keys created over HTTP may name only tenants of the registry (the config file's are applied at start).
  const keys = await ApiKeyService.open(store, { audit, tenantExists: knownTenants(store) });
  const close = async () => {
    await keys.close();
    await audit.close();
  };
  const loopback = isLoopbackHost(host);
  const authenticator = new Authenticator({
    keys,
    adminTokens: admin.tokens,
    localAdminWhenKeyless: loopback,
  });
  if (await authenticator.keyless()) {
    return {
      authenticator,
      keys,
      resources: [keys, audit],
      close,
      banner:
        `OFF for a local demo: no API key exists and STEWARD_ADMIN_TOKEN is not set, so every request to ${host} ` +
        'acts as an implicit local admin. To require keys: steward keys create --name <you> --role admin, ' +
        'or set STEWARD_ADMIN_TOKEN. Listening on any other address without a key is refused.',
    };
  }
  if (!loopback && admin.tokens.length === 0 && !(await keys.anyKey())) {
    await close();
    throw new CliError(
      `refusing to listen on ${host} without any API key: every request would act as admin. Either set ` +
        'STEWARD_ADMIN_TOKEN (e.g. STEWARD_ADMIN_TOKEN=$(openssl rand -base64 32)), or create a key first with ' +
        '"steward keys create --name <you> --role admin", or listen on 127.0.0.1 for a local demo',
    );
  }
  const active = (await keys.list()).filter((key) => key.status === 'active').length;
  const sources = [
    `${active} active API key${active === 1 ? '' : 's'} in the store`,
    ...admin.tokens.map((token) => `the admin token in ${token.variable}`),
  ];
  return {
    authenticator,
    keys,
    resources: [keys, audit],
    close,
    banner: `"Authorization: Bearer <token>" required on /api/* (${sources.join(', ')})`,
  };
}

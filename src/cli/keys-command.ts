/**
 * `steward keys create|list|revoke`: API keys straight on the store, through the same service as the
 * HTTP API (so every change is audited and reaches every running instance at once).
 */
import { parseDuration, parseInstant } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import { type ApiKeyInfo, ApiKeyService, createPlatformAuditSink, type Role, roles } from '../fleet/index.js';
import type { StewardStore } from '../store/index.js';
import { openStore } from '../store/index.js';
import { type CliActorOptions, resolveCliActor } from './cli-actor.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { knownTenants } from './known-tenants.js';
import { loadAgentConfigs } from './load-config.js';

export interface KeysCommandOptions extends CliActorOptions {
  /** The config whose (first) store holds the keys (`findConfigFile`); without one, STEWARD_DATABASE_URL or ./.steward. */
  configPath: string | undefined;
  action: string | undefined;
  target: string | undefined;
  name?: string | undefined;
  role?: string | undefined;
  tenant?: string | undefined;
  expires?: string | undefined;
  json?: boolean | undefined;
  /** Epoch ms; injected by tests. */
  now?: () => number;
}

const keyActions = ['create', 'list', 'revoke'] as const;

export async function keysCommand(options: KeysCommandOptions, io: CliIo): Promise<number> {
  const action = options.action;
  if (!action || !(keyActions as readonly string[]).includes(action)) {
    throw new CliError(`steward keys needs one of: ${keyActions.join(', ')}`, exitCode.usage);
  }
  const now = options.now ?? Date.now;
  const request =
    action === 'create'
      ? {
          name: required(options.name, '--name (who or what holds the key)'),
          role: role(options.role),
          tenants: tenants(options.tenant),
          ...expiry(options.expires, now),
        }
      : undefined;
  const id =
    action === 'revoke' ? required(options.target, 'the key id (steward keys revoke <id>)') : undefined;

  const { store, owned, tenants: fileTenants } = await openKeysStore(options.configPath, io);
  const audit = createPlatformAuditSink(store, io.env);
  let keys: ApiKeyService | undefined;
  try {
    keys = await ApiKeyService.open(store, { audit, now, tenantExists: knownTenants(store, fileTenants) });
    const actor = await resolveCliActor(store, io, options, { action: 'keys:manage' });
    const print = (value: unknown, human: () => string[]) => {
      for (const line of options.json ? [JSON.stringify(value, null, 2)] : human()) io.out(line);
    };
    if (request) {
      const created = await keys.create(request, actor);
      print({ id: created.key.id, token: created.token, key: created.key }, () => [
        `created key ${created.key.id} (${describe(created.key)})`,
        `token (shown once, store it now; only its hash is kept): ${created.token}`,
      ]);
    } else if (id !== undefined) {
      const revoked = await keys.revoke(id, actor);
      const { instances, confirmed } = revoked.propagation;
      print(revoked, () => [
        revoked.alreadyRevoked
          ? `key ${id} was already revoked`
          : `revoked key ${id} (${describe(revoked.key)})` +
            (instances > 0 ? `; ${confirmed} of ${instances} running instances confirmed` : ''),
      ]);
      if (!revoked.alreadyRevoked && confirmed < instances) {
        io.error(
          `steward: warning: ${instances - confirmed} instances did not confirm within the deadline; ` +
            'they refuse the key once their LISTEN connection delivers the change (or once it drops and they reconnect)',
        );
      }
    } else {
      const listed = await keys.list();
      print(listed, () =>
        listed.length === 0
          ? ['no API keys']
          : listed.map((key) => `${key.id}  ${key.status.padEnd(7)} ${describe(key)}`),
      );
    }
    return exitCode.ok;
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    await keys?.close();
    await audit.close();
    if (owned) await store.close();
  }
}

function describe(key: ApiKeyInfo): string {
  const scope = key.tenants === '*' ? 'all tenants' : `tenants ${key.tenants.join(', ')}`;
  const expiry = key.expiresAt === null ? '' : `, expires ${new Date(key.expiresAt).toISOString()}`;
  return `"${key.name}", ${key.role}, ${scope}${expiry}`;
}

function role(value: string | undefined): Role {
  const given = required(value, `--role (${roles.join(', ')})`);
  if (!(roles as readonly string[]).includes(given)) {
    throw new CliError(`--role must be one of ${roles.join(', ')}, received "${given}"`, exitCode.usage);
  }
  return given as Role;
}

function tenants(value: string | undefined): '*' | string[] {
  const given = required(value, `--tenant ('*' for every tenant, or a comma list of tenant ids)`);
  if (given === '*') return '*';
  return given
    .split(',')
    .map((tenant) => tenant.trim())
    .filter((tenant) => tenant !== '');
}

/** `--expires 90d` (from now), an ISO 8601 time, or epoch milliseconds. */
function expiry(value: string | undefined, now: () => number): { expiresAt?: number } {
  if (value === undefined) return {};
  const text = value.trim();
  const duration = parseDuration(text);
  const at = duration !== undefined ? now() + duration : parseInstant(text);
  if (at === undefined) {
    throw new CliError(
      `--expires takes a duration from now (90d, 12h), an ISO 8601 time (2025-01-31T00:00:00Z) or epoch milliseconds, received "${value}"`,
      exitCode.usage,
    );
  }
  return { expiresAt: at };
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new CliError(`missing ${what}`, exitCode.usage);
  return value.trim();
}

/** The first config's store when there is a config, else the store of STEWARD_DATABASE_URL (or ./.steward). */
async function openKeysStore(
  configPath: string | undefined,
  io: CliIo,
): Promise<{ store: StewardStore; owned: boolean; tenants: string[] }> {
  const path = configPath;
  const configs = path === undefined ? [] : await loadAgentConfigs(path, io.cwd);
  const tenants = configs.map((config) => config.tenantId ?? 'default');
  const configured = configs[0]?.store;
  if (configured && 'interactions' in configured) return { store: configured, owned: false, tenants };
  try {
    return { store: await openStore(configured ?? {}, io.env), owned: true, tenants };
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  }
}

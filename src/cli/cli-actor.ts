/**
 * Who acts when `steward` changes state: a key (`--token` / `STEWARD_TOKEN`, checked and named like an
 * API request), else `--actor NAME` as `cli:NAME`, else the OS login as `os-user:NAME`.
 */
import { userInfo } from 'node:os';
import { StewardError } from '../errors/index.js';
import {
  type Action,
  ApiKeyService,
  Authenticator,
  adminTokensFromEnv,
  authorize,
  createPlatformAuditSink,
} from '../fleet/index.js';
import { createRedactor } from '../privacy/index.js';
import { callerActor } from '../server/index.js';
import type { StewardStore } from '../store/index.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';

export interface CliActorOptions {
  /** `--token`; without it, `STEWARD_TOKEN` from the environment. */
  token?: string | undefined;
  /** `--actor`: the name acting without a token, or the "on behalf of" note with one. */
  actor?: string | undefined;
}

/** What the command is about to do, checked against the key's role and tenant scope when there is a key. */
export interface CliAction {
  action: Action;
  tenantId?: string | undefined;
}

const nameRedactor = createRedactor();

/**
 * The actor recorded for a state change made from the terminal. With a token the key is checked as the
 * server would check it (an unknown, revoked or expired key, a role without the action, or a tenant
 * outside its scope is refused) and named `key:<id> (<name>)`, the same string `actorOf` records for an
 * HTTP request with that key. Without one, whoever can run `steward` can open the store: the actor is
 * self-declared, `cli:<--actor>` or `os-user:<login>`.
 *
 * @example
 * await resolveCliActor(store, io, { actor: 'alice' }, { action: 'trust:act', tenantId: 'acme' }) // 'cli:alice'
 */
export async function resolveCliActor(
  store: StewardStore,
  io: CliIo,
  options: CliActorOptions,
  request: CliAction | readonly CliAction[],
): Promise<string> {
  const token = nonEmpty(options.token) ?? nonEmpty(io.env.STEWARD_TOKEN);
  if (token === undefined) {
    const name = nonEmpty(options.actor);
    return name === undefined ? `os-user:${clean(osLogin(io))}` : `cli:${clean(name)}`;
  }
  const audit = createPlatformAuditSink(store, io.env);
  let keys: ApiKeyService | undefined;
  try {
    keys = await ApiKeyService.open(store, { audit });
    const authenticator = new Authenticator({ keys, adminTokens: adminTokensFromEnv(io.env).tokens });
    const caller = await authenticator.authenticate(`Bearer ${token}`);
    for (const { action, tenantId } of Array.isArray(request) ? request : [request]) {
      authorize(caller, { action, ...(tenantId ? { tenantId } : {}) });
    }
    return callerActor(caller, options.actor);
  } catch (error) {
    if (StewardError.isInstance(error)) {
      const source = nonEmpty(options.token) === undefined ? 'STEWARD_TOKEN' : '--token';
      throw new CliError(`${source} does not allow this: ${error.message}`);
    }
    throw error;
  } finally {
    await keys?.close();
    await audit.close();
  }
}

/** The login of whoever runs the command: USER, LOGNAME, then the OS account. */
function osLogin(io: CliIo): string {
  const fromEnv = nonEmpty(io.env.USER) ?? nonEmpty(io.env.LOGNAME);
  if (fromEnv !== undefined) return fromEnv;
  try {
    return userInfo().username;
  } catch {
    throw new CliError('could not tell who is running this; give --actor <your name>', exitCode.usage);
  }
}

/** One masked line of at most 80 characters: an actor is stored and shown, never a place for PII. */
function clean(name: string): string {
  const line = nameRedactor
    .text(name)
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length <= 80 ? line : `${line.slice(0, 79)}…`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

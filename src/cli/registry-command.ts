/**
 * `steward tenants|agents|templates …`: the fleet registry from a terminal, through the same Registry
 * service (and the same change records, with the actor of `resolveCliActor`) as the API.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { Audit } from '../audit/index.js';
import { StewardError } from '../errors/index.js';
import {
  applyConfigFile,
  hideChannelSecrets,
  Registry,
  type TenantLimits,
  type TenantStatus,
} from '../fleet/index.js';
import type { StewardStore } from '../store/index.js';
import { openStore } from '../store/index.js';
import { type CliAction, type CliActorOptions, resolveCliActor } from './cli-actor.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { loadAgentConfigs } from './load-config.js';

export type RegistryKind = 'tenants' | 'agents' | 'templates';

export interface RegistryCommandOptions extends CliActorOptions {
  kind: RegistryKind;
  action: string | undefined;
  target: string | undefined;
  /** The config whose store holds the registry (`findConfigFile`); without one, the environment's store. */
  configPath?: string | undefined;
  file?: string | undefined;
  tenant?: string | undefined;
  ifMatch?: string | undefined;
  status?: string | undefined;
  limit?: string | undefined;
  cursor?: string | undefined;
  effective?: boolean | undefined;
  json?: boolean | undefined;
}

const actions: Record<RegistryKind, readonly string[]> = {
  tenants: ['list', 'get', 'apply', 'delete', 'suspend', 'resume'],
  agents: ['list', 'get', 'apply', 'delete'],
  templates: ['list', 'get', 'apply', 'delete'],
};

/**
 * @example
 * await registryCommand({ kind: 'agents', action: 'apply', target: undefined, file: 'fleet.json' }, processIo());
 */
export async function registryCommand(options: RegistryCommandOptions, io: CliIo): Promise<number> {
  const { kind, action } = options;
  if (!action || !actions[kind].includes(action)) {
    throw new CliError(`steward ${kind} needs one of: ${actions[kind].join(', ')}`, exitCode.usage);
  }
  const data = action === 'apply' ? await loadFile(required(options.file, '-f <file>'), io) : undefined;
  const store = await openRegistryStore(options.configPath, io);
  const audit = new Audit(store, {});
  const registry = new Registry(store, { audit });
  const print = (value: unknown, human: () => string[]) => {
    for (const line of options.json ? [JSON.stringify(value, null, 2)] : human()) io.out(line);
  };
  let actor: string | undefined;
  const write = () => ({
    actor: actor!,
    ...(options.ifMatch === undefined ? {} : { ifMatch: wholeNumber(options.ifMatch, '--if-match') }),
  });
  const page = () => ({
    ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    ...(options.limit === undefined ? {} : { limit: wholeNumber(options.limit, '--limit') }),
  });
  try {
    const checks = writeChecks(options, data);
    if (checks) actor = await resolveCliActor(store, io, options, checks);
    switch (`${kind} ${action}`) {
      case 'tenants list': {
        const result = await registry.tenants.list({
          ...page(),
          ...(options.status ? { status: options.status as TenantStatus } : {}),
        });
        print(result, () => [
          ...result.items.map(
            (tenant) =>
              `${tenant.tenantId}  ${tenant.status.padEnd(9)} v${tenant.version}  ${tenant.displayName}`,
          ),
          ...nextPage(result.nextCursor),
        ]);
        return exitCode.ok;
      }
      case 'tenants get': {
        const tenantId = required(options.target, 'the tenant id');
        const tenant = await registry.tenants.get(tenantId);
        if (!tenant) throw new CliError(`there is no tenant "${tenantId}"`);
        print(tenant, () => [
          `${tenant.tenantId} (${tenant.displayName}): ${tenant.status}, version ${tenant.version}`,
          `limits: ${JSON.stringify(tenant.limits)}`,
          `changed ${new Date(tenant.updatedAt).toISOString()} by ${tenant.updatedBy}`,
        ]);
        return exitCode.ok;
      }
      case 'tenants apply': {
        const results: AppliedTenant[] = [];
        for (const entry of data!) results.push(await applyTenant(registry, entry, write().actor));
        print(results, () =>
          results.map((result) => `${result.tenantId}: ${result.outcome}, version ${result.version}`),
        );
        return exitCode.ok;
      }
      case 'tenants delete':
      case 'tenants suspend':
      case 'tenants resume': {
        const tenantId = required(options.target, 'the tenant id');
        const tenant =
          action === 'resume'
            ? await registry.tenants.resume(tenantId, write())
            : await registry.tenants.suspend(tenantId, write());
        print(tenant, () => [
          `${tenant.tenantId}: ${tenant.status}, version ${tenant.version}` +
            (action === 'delete'
              ? ' (tenants are suspended, not deleted: their records stay; resume undoes it)'
              : ''),
        ]);
        return exitCode.ok;
      }
      case 'agents list': {
        const result = await registry.agents.list(required(options.tenant, '--tenant'), {
          ...page(),
          ...(options.status ? { status: options.status as 'active' | 'disabled' } : {}),
        });
        print(result, () => [
          ...result.items.map(
            (agent) =>
              `${agent.agentId}  ${agent.status.padEnd(8)} v${agent.effectiveVersion}${agent.extends ? `  extends ${agent.extends}` : ''}`,
          ),
          ...nextPage(result.nextCursor),
        ]);
        return exitCode.ok;
      }
      case 'agents get': {
        const scope = {
          tenantId: required(options.tenant, '--tenant'),
          agentId: required(options.target, 'the agent id'),
        };
        if (options.effective) {
          const resolved = await registry.resolveAgentConfig(scope.tenantId, scope.agentId, {
            includeInactive: true,
          });
          // The effective config holds opened channel secrets: shown as the marker, never printed.
          const effective = { ...resolved, config: hideChannelSecrets(resolved.config) };
          print(effective, () => [JSON.stringify(effective, null, 2)]);
          return exitCode.ok;
        }
        const agent = await registry.agents.get(scope);
        if (!agent) throw new CliError(`there is no agent "${scope.agentId}" in tenant "${scope.tenantId}"`);
        print(agent, () => [
          `${agent.tenantId}/${agent.agentId}: ${agent.status}, version ${agent.version} (effective ${agent.effectiveVersion})${agent.extends ? `, extends ${agent.extends}` : ''}`,
          `changed ${new Date(agent.updatedAt).toISOString()} by ${agent.updatedBy}`,
          JSON.stringify(agent.config, null, 2),
        ]);
        return exitCode.ok;
      }
      case 'agents apply': {
        const result = await applyConfigFile(registry, data!, write().actor);
        print(result, () => [
          ...result.tenantsCreated.map((tenantId) => `tenant ${tenantId}: created`),
          ...result.agents.map(
            (agent) =>
              `${agent.tenantId}/${agent.agentId}: ${agent.outcome}, version ${agent.effectiveVersion}`,
          ),
        ]);
        return exitCode.ok;
      }
      case 'agents delete': {
        const scope = {
          tenantId: required(options.tenant, '--tenant'),
          agentId: required(options.target, 'the agent id'),
        };
        const { agent, outcome } = await registry.agents.disable(scope, write());
        print({ ...agent, outcome }, () => [
          `${agent.tenantId}/${agent.agentId}: ${outcome === 'unchanged' ? 'already disabled' : 'disabled'}, version ${agent.version} (its config and records stay; a put enables it again)`,
        ]);
        return exitCode.ok;
      }
      case 'templates list': {
        const result = await registry.templates.list(page());
        print(result, () => [
          ...result.items.map((template) => `${template.templateId}  v${template.version}`),
          ...nextPage(result.nextCursor),
        ]);
        return exitCode.ok;
      }
      case 'templates get': {
        const templateId = required(options.target, 'the template id');
        const template = await registry.templates.get(templateId);
        if (!template) throw new CliError(`there is no template "${templateId}"`);
        print(template, () => [
          `${template.templateId}: version ${template.version}, changed ${new Date(template.updatedAt).toISOString()} by ${template.updatedBy}`,
          JSON.stringify(template.config, null, 2),
        ]);
        return exitCode.ok;
      }
      case 'templates apply': {
        const results: Array<{
          templateId: string;
          outcome: string;
          version: number;
          agentsAffected: number;
        }> = [];
        for (const entry of data!) {
          const { templateId, config } = templateEntry(entry);
          const result = await registry.templates.put(templateId, config, { actor: write().actor });
          results.push({
            templateId,
            outcome: result.outcome,
            version: result.template.version,
            agentsAffected: result.agentsAffected,
          });
        }
        print(results, () =>
          results.map(
            (result) =>
              `${result.templateId}: ${result.outcome}, version ${result.version}${result.agentsAffected > 0 ? ` (reaches ${result.agentsAffected} agents)` : ''}`,
          ),
        );
        return exitCode.ok;
      }
      default: {
        const templateId = required(options.target, 'the template id');
        await registry.templates.delete(templateId, write());
        print({ templateId, deleted: true }, () => [`${templateId}: deleted`]);
        return exitCode.ok;
      }
    }
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    await audit.close();
    await store.close();
  }
}

interface AppliedTenant {
  tenantId: string;
  outcome: 'created' | 'updated' | 'unchanged';
  version: number;
}

/** A tenant entry of an apply file: created when missing, else made to match (its limits replaced whole). */
async function applyTenant(
  registry: Registry,
  entry: Record<string, unknown>,
  actor: string,
): Promise<AppliedTenant> {
  const { tenantId, displayName, limits, status, ...rest } = entry;
  const unknown = Object.keys(rest);
  if (typeof tenantId !== 'string' || unknown.length > 0) {
    throw new CliError(
      `a tenant entry is { "tenantId": "…", "displayName"?, "limits"?, "status"? }${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}`,
    );
  }
  const id = tenantId;
  const current = await registry.tenants.get(id);
  if (!current) {
    const tenant = await registry.tenants.create(
      {
        tenantId: id,
        ...(displayName === undefined ? {} : { displayName: displayName as string }),
        ...(limits === undefined ? {} : { limits: limits as TenantLimits }),
        ...(status === undefined ? {} : { status: status as TenantStatus }),
      },
      { actor },
    );
    return { tenantId: id, outcome: 'created', version: tenant.version };
  }
  // Limits the file no longer lists are removed (null in the merge patch).
  const replacement =
    limits === undefined
      ? undefined
      : {
          ...Object.fromEntries(Object.keys(current.limits).map((key) => [key, null])),
          ...(limits as Record<string, unknown>),
        };
  const tenant = await registry.tenants.update(
    id,
    {
      ...(displayName === undefined ? {} : { displayName: displayName as string }),
      ...(replacement === undefined ? {} : { limits: replacement }),
      ...(status === undefined ? {} : { status: status as TenantStatus }),
    },
    { actor },
  );
  return {
    tenantId: id,
    outcome: tenant.version === current.version ? 'unchanged' : 'updated',
    version: tenant.version,
  };
}

function templateEntry(entry: Record<string, unknown>): { templateId: string; config: unknown } {
  const { templateId, config, ...rest } = entry;
  if (
    typeof templateId !== 'string' ||
    typeof config !== 'object' ||
    config === null ||
    Object.keys(rest).length > 0
  ) {
    throw new CliError('a template entry is { "templateId": "…", "config": { …a partial agent config… } }');
  }
  return { templateId, config };
}

/** The entries of an apply file: JSON, or a config module (`.ts`, `.js`, `.mjs`) through the config loader; one object or an array. */
async function loadFile(file: string, io: CliIo): Promise<Array<Record<string, unknown>>> {
  if (extname(file).toLowerCase() !== '.json') {
    return (await loadAgentConfigs(file, io.cwd)) as Array<Record<string, unknown>>;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
  } catch (error) {
    throw new CliError(`could not read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  if (
    entries.length === 0 ||
    entries.some((entry) => typeof entry !== 'object' || entry === null || Array.isArray(entry))
  ) {
    throw new CliError(`${file} must hold one JSON object or a non-empty array of them`);
  }
  return entries as Array<Record<string, unknown>>;
}

/** What a write needs a key to allow (the HTTP routes check the same); undefined for reads. */
function writeChecks(
  options: RegistryCommandOptions,
  data: Array<Record<string, unknown>> | undefined,
): CliAction[] | undefined {
  if (options.action === 'list' || options.action === 'get') return undefined;
  if (options.kind === 'tenants') return [{ action: 'tenants:manage' }];
  if (options.kind === 'templates') return [{ action: 'templates:manage' }];
  const tenants = data
    ? [...new Set(data.map((entry) => (typeof entry.tenantId === 'string' ? entry.tenantId : 'default')))]
    : [options.tenant];
  return tenants.map((tenantId) => ({ action: 'agents:write' as const, tenantId }));
}

/** The store of the config file (`findConfigFile`), else the environment's (STEWARD_DATABASE_URL, default SQLite). */
async function openRegistryStore(configPath: string | undefined, io: CliIo): Promise<StewardStore> {
  const path = configPath;
  if (path === undefined) return openStore({}, io.env);
  const [first] = await loadAgentConfigs(path, io.cwd);
  const configured = first?.store;
  if (configured && 'interactions' in configured) return configured;
  return openStore(configured ?? {}, io.env);
}

function nextPage(cursor: string | null): string[] {
  return cursor ? [`more: --cursor ${cursor}`] : [];
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new CliError(`missing ${what}`, exitCode.usage);
  return value;
}

function wholeNumber(value: string, flag: string): number {
  if (!/^\d{1,15}$/.test(value))
    throw new CliError(`${flag} must be a whole number, received "${value}"`, exitCode.usage);
  return Number(value);
}

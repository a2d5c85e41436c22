/**
 * Agents as data: put (create or replace, optionally only if at a version), get, list per tenant,
 * disable. A replace is one conditional `UPDATE … WHERE version = ?`: a writer that read an older
 * version changes nothing and gets `precondition-failed` (with `ifMatch`) or reads again (without).
 */
import { InvalidConfigError, StewardError } from '../../errors/index.js';
import { type AgentScope, effectiveAgentConfig, prepareAgentConfig } from './agent-config.js';
import type { RegistryChange } from './changes.js';
import { openChannelSecrets, redactChannelSecrets, sealChannelSecrets } from './channel-secrets.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import { checkActor, checkId } from './ids.js';
import { canonicalJson, changedTopLevelKeys, type JsonObject } from './json-config.js';
import { type AgentsTable, type RegistryDatabase, registryDatabase } from './schema.js';
import {
  type ListOptions,
  type Page,
  type TenantLimits,
  tenantNotFound,
  toTenant,
  type WriteOptions,
} from './tenants.js';
import { ConcurrentChange, type RegistryContext, runWrite, staleVersion } from './write.js';

export const agentStatuses = ['active', 'disabled'] as const;
export type AgentStatus = (typeof agentStatuses)[number];

/** An agent as the registry holds it. */
export interface AgentEntry {
  tenantId: string;
  agentId: string;
  /** The agent's own config: what was put, without the ids and `extends`. */
  config: JsonObject;
  /** The template `config` is merged over, if any. */
  extends: string | null;
  /** 1 when created, +1 per change; what `ifMatch` compares. */
  version: number;
  /**
   * Changes whenever the effective config can: `"3"` without a template, `"3.7"` for version 3 over
   * template version 7 (a template change reaches every agent built on it).
   */
  effectiveVersion: string;
  status: AgentStatus;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
}

export interface AgentWriteResult {
  agent: AgentEntry;
  /** `unchanged`: the config, template and status were already these; no new version, no record. */
  outcome: 'created' | 'updated' | 'disabled' | 'unchanged';
}

export function effectiveVersionOf(version: number, templateVersion: number | null): string {
  return templateVersion === null ? String(version) : `${version}.${templateVersion}`;
}

export class AgentRegistry {
  constructor(private readonly context: RegistryContext) {}

  /**
   * Creates or replaces an agent's config (re-enabling a disabled agent). The config may name a template
   * in `extends`; the merged result is validated before anything is written.
   *
   * @example
   * const { agent } = await registry.agents.put({ tenantId: 'acme', agentId: 'desk' },
   *   { extends: 'small-business', systemPrompt: 'You answer for Acme.' }, { actor: 'alice', ifMatch: 3 });
   */
  async put(scope: AgentScope, config: unknown, options: WriteOptions): Promise<AgentWriteResult> {
    const ids = checkScope(scope);
    const actor = checkActor(options.actor);
    const prepared = prepareAgentConfig(ids, config);
    const cipher = this.context.store.secretCipher;
    const context = `agent config for ${ids.tenantId}/${ids.agentId}`;
    return runWrite<AgentWriteResult>(this.context, async (db, engine) => {
      const tenantRow = await db
        .selectFrom('tenants')
        .selectAll()
        .where('tenant_id', '=', ids.tenantId)
        .executeTakeFirst();
      if (!tenantRow) throw tenantNotFound(ids.tenantId);
      const template = prepared.extends
        ? await db
            .selectFrom('templates')
            .select(['config', 'version'])
            .where('template_id', '=', prepared.extends)
            // Held until commit, so a template change waits and then validates this agent too.
            .$if(engine === 'postgres', (query) => query.forShare())
            .executeTakeFirst()
        : undefined;
      if (prepared.extends && !template) {
        throw new InvalidConfigError(
          [
            {
              path: 'extends',
              expected: 'the id of an existing template',
              received: JSON.stringify(prepared.extends),
            },
          ],
          `agent config for ${ids.tenantId}/${ids.agentId}`,
        );
      }
      const templateVersion = template ? Number(template.version) : null;
      const current = await db
        .selectFrom('agents')
        .selectAll()
        .where('tenant_id', '=', ids.tenantId)
        .where('agent_id', '=', ids.agentId)
        .executeTakeFirst();
      // Channel secrets are sealed before anything is written; the config is validated as the agent runs it.
      const sealedOwn = sealChannelSecrets(
        prepared.own,
        current && (JSON.parse(current.config) as JsonObject),
        cipher,
        context,
      );
      effectiveAgentConfig(
        ids,
        template && openChannelSecrets(JSON.parse(template.config) as JsonObject, cipher),
        openChannelSecrets(sealedOwn, cipher),
      );
      const ownJson = canonicalJson(sealedOwn);
      const at = this.context.now();

      if (!current) {
        if (options.ifMatch !== undefined) throw agentNotFound(ids, ' (a put without If-Match creates it)');
        await checkRoomForAgent(db, engine, ids.tenantId, toTenant(tenantRow).limits);
        const row: AgentsTable = {
          tenant_id: ids.tenantId,
          agent_id: ids.agentId,
          config: ownJson,
          extends: prepared.extends,
          version: 1,
          status: 'active',
          created_at: at,
          updated_at: at,
          created_by: actor,
          updated_by: actor,
        };
        const inserted = await db
          .insertInto('agents')
          .values(row)
          .onConflict((conflict) => conflict.columns(['tenant_id', 'agent_id']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new ConcurrentChange();
        const agent = toAgentEntry(row, templateVersion);
        return {
          result: { agent, outcome: 'created' },
          changes: [
            agentChange('agent-created', agent, actor, at, {
              version: 1,
              extends: prepared.extends,
              changedKeys: changedTopLevelKeys(undefined, prepared.own),
              effectiveVersion: agent.effectiveVersion,
            }),
          ],
        };
      }

      const currentVersion = Number(current.version);
      if (options.ifMatch !== undefined && currentVersion !== options.ifMatch) {
        throw staleVersion(`agent ${ids.tenantId}/${ids.agentId}`, options.ifMatch, currentVersion);
      }
      if (current.config === ownJson && current.extends === prepared.extends && current.status === 'active') {
        return {
          result: { agent: toAgentEntry(current, templateVersion), outcome: 'unchanged' },
          changes: [],
        };
      }
      if (current.status !== 'active') {
        await checkRoomForAgent(db, engine, ids.tenantId, toTenant(tenantRow).limits);
      }
      const row: AgentsTable = {
        ...current,
        config: ownJson,
        extends: prepared.extends,
        status: 'active',
        version: currentVersion + 1,
        updated_at: at,
        updated_by: actor,
      };
      await conditionalUpdate(db, row, currentVersion, options.ifMatch);
      const agent = toAgentEntry(row, templateVersion);
      const changedKeys = changedTopLevelKeys(JSON.parse(current.config) as JsonObject, sealedOwn);
      return {
        result: { agent, outcome: 'updated' },
        changes: [
          agentChange('agent-config-changed', agent, actor, at, {
            version: agent.version,
            previousVersion: currentVersion,
            changedKeys,
            ...(current.extends !== prepared.extends
              ? { extends: { from: current.extends, to: prepared.extends } }
              : {}),
            ...(current.status !== 'active' ? { status: { from: current.status, to: 'active' } } : {}),
            effectiveVersion: agent.effectiveVersion,
          }),
        ],
      };
    });
  }

  async get(scope: AgentScope): Promise<AgentEntry | undefined> {
    const ids = checkScope(scope);
    const row = await this.withTemplateVersion()
      .where('agents.tenant_id', '=', ids.tenantId)
      .where('agents.agent_id', '=', ids.agentId)
      .executeTakeFirst();
    return row && toAgentEntry(row, row.template_version);
  }

  /** A tenant's agents in id order, a page at a time (`not-found` for an unknown tenant). */
  async list(
    tenantId: string,
    options: ListOptions & { status?: AgentStatus } = {},
  ): Promise<Page<AgentEntry>> {
    const id = checkId('tenantId', tenantId);
    const limit = pageLimit(options.limit);
    const after = options.cursor === undefined ? undefined : decodeCursor('agents', options.cursor);
    const status = options.status === undefined ? undefined : checkAgentStatus(options.status);
    const db = registryDatabase(this.context.store.db);
    const tenant = await db
      .selectFrom('tenants')
      .select('tenant_id')
      .where('tenant_id', '=', id)
      .executeTakeFirst();
    if (!tenant) throw tenantNotFound(id);
    const rows = await this.withTemplateVersion()
      .where('agents.tenant_id', '=', id)
      .$if(status !== undefined, (query) => query.where('agents.status', '=', status!))
      .$if(after !== undefined, (query) => query.where('agents.agent_id', '>', after!))
      .orderBy('agents.agent_id')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map((row) => toAgentEntry(row, row.template_version));
    return { items, nextCursor: rows.length > limit ? encodeCursor('agents', items.at(-1)!.agentId) : null };
  }

  /** Disables an agent (what DELETE does): it is no longer served; its config and records stay. */
  async disable(scope: AgentScope, options: WriteOptions): Promise<AgentWriteResult> {
    const ids = checkScope(scope);
    const actor = checkActor(options.actor);
    return runWrite<AgentWriteResult>(this.context, async (db) => {
      const current = await db
        .selectFrom('agents')
        .leftJoin('templates', 'templates.template_id', 'agents.extends')
        .selectAll('agents')
        .select('templates.version as template_version')
        .where('agents.tenant_id', '=', ids.tenantId)
        .where('agents.agent_id', '=', ids.agentId)
        .executeTakeFirst();
      if (!current) throw agentNotFound(ids);
      const currentVersion = Number(current.version);
      if (options.ifMatch !== undefined && currentVersion !== options.ifMatch) {
        throw staleVersion(`agent ${ids.tenantId}/${ids.agentId}`, options.ifMatch, currentVersion);
      }
      const { template_version: templateVersion, ...currentRow } = current;
      if (current.status === 'disabled') {
        return {
          result: { agent: toAgentEntry(currentRow, templateVersion), outcome: 'unchanged' },
          changes: [],
        };
      }
      const at = this.context.now();
      const row: AgentsTable = {
        ...currentRow,
        status: 'disabled',
        version: currentVersion + 1,
        updated_at: at,
        updated_by: actor,
      };
      await conditionalUpdate(db, row, currentVersion, options.ifMatch);
      const agent = toAgentEntry(row, templateVersion);
      return {
        result: { agent, outcome: 'disabled' },
        changes: [
          agentChange('agent-disabled', agent, actor, at, {
            version: agent.version,
            previousVersion: currentVersion,
            status: { from: 'active', to: 'disabled' },
          }),
        ],
      };
    });
  }

  private withTemplateVersion() {
    return registryDatabase(this.context.store.db)
      .selectFrom('agents')
      .leftJoin('templates', 'templates.template_id', 'agents.extends')
      .selectAll('agents')
      .select('templates.version as template_version');
  }
}

/** The one statement that replaces an agent row: only if it is still at `expectedVersion`. */
async function conditionalUpdate(
  db: RegistryDatabase,
  row: AgentsTable,
  expectedVersion: number,
  ifMatch: number | undefined,
): Promise<void> {
  const updated = await db
    .updateTable('agents')
    .set({
      config: row.config,
      extends: row.extends,
      status: row.status,
      version: row.version,
      updated_at: row.updated_at,
      updated_by: row.updated_by,
    })
    .where('tenant_id', '=', row.tenant_id)
    .where('agent_id', '=', row.agent_id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  if (ifMatch !== undefined) throw staleVersion(`agent ${row.tenant_id}/${row.agent_id}`, ifMatch);
  throw new ConcurrentChange();
}

/** With `limits.maxAgents`, refuses one more active agent; the tenant row is locked so two creates count in turn. */
async function checkRoomForAgent(
  db: RegistryDatabase,
  engine: 'sqlite' | 'postgres',
  tenantId: string,
  limits: TenantLimits,
): Promise<void> {
  if (limits.maxAgents === undefined) return;
  if (engine === 'postgres') {
    await db
      .selectFrom('tenants')
      .select('tenant_id')
      .where('tenant_id', '=', tenantId)
      .forUpdate()
      .execute();
  }
  const { count } = await db
    .selectFrom('agents')
    .select((expression) => expression.fn.countAll<number>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  if (Number(count) >= limits.maxAgents) {
    throw new StewardError(
      'conflict',
      `tenant "${tenantId}" has ${Number(count)} active agents, its limit (limits.maxAgents ${limits.maxAgents}); disable one or raise the limit`,
      { details: { maxAgents: limits.maxAgents } },
    );
  }
}

export function toAgentEntry(row: AgentsTable, templateVersion: number | null): AgentEntry {
  const version = Number(row.version);
  return {
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    // A read never shows a channel secret: each is the marker (see channel-secrets.ts).
    config: redactChannelSecrets(JSON.parse(row.config) as JsonObject),
    extends: row.extends,
    version,
    effectiveVersion: effectiveVersionOf(version, templateVersion === null ? null : Number(templateVersion)),
    status: row.status as AgentStatus,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  };
}

export function agentChange(
  eventType: 'agent-created' | 'agent-config-changed' | 'agent-disabled',
  agent: { tenantId: string; agentId: string },
  actor: string,
  at: number,
  payload: Record<string, unknown>,
): RegistryChange {
  return { eventType, tenantId: agent.tenantId, agentId: agent.agentId, actor, at, payload };
}

export function agentNotFound(scope: AgentScope, hint = ''): StewardError {
  return new StewardError(
    'not-found',
    `there is no agent "${scope.agentId}" in tenant "${scope.tenantId}"${hint}`,
  );
}

function checkScope(scope: AgentScope): AgentScope {
  return { tenantId: checkId('tenantId', scope.tenantId), agentId: checkId('agentId', scope.agentId) };
}

function checkAgentStatus(status: unknown): AgentStatus {
  if (!agentStatuses.includes(status as AgentStatus)) {
    throw new StewardError(
      'invalid-request',
      `status: expected "active" or "disabled", received ${JSON.stringify(status)}`,
      { details: { field: 'status' } },
    );
  }
  return status as AgentStatus;
}

/**
 * The fleet registry: tenants, their agents and the platform's templates, as data in the store, each
 * change versioned and recorded. Servers ask it for an agent's effective config (`resolveAgentConfig`).
 */
import type { AgentConfig } from '../../agent/index.js';
import type { Audit } from '../../audit/index.js';
import { InvalidConfigError, StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import { type AgentScope, effectiveAgentConfig } from './agent-config.js';
import { AgentRegistry, type AgentStatus, agentNotFound, effectiveVersionOf } from './agents.js';
import { auditChangeSink, type RegistryChangeSink } from './changes.js';
import { openChannelSecrets } from './channel-secrets.js';
import { checkId } from './ids.js';
import type { JsonObject } from './json-config.js';
import { registryDatabase } from './schema.js';
import { TemplateRegistry } from './templates.js';
import { TenantRegistry, type TenantStatus, tenantNotFound } from './tenants.js';

export interface RegistryOptions {
  /** Appends every change to the audit log (see `auditChangeSink`); or give `changes`. */
  audit?: Audit;
  /** Where change records go; `discardChanges` keeps none. One of `audit` or `changes` is required. */
  changes?: RegistryChangeSink;
  /** Epoch ms of each write; inject a fake clock in tests. */
  now?: () => number;
}

/** An agent's config as a server runs it. */
export interface EffectiveAgentConfig {
  tenantId: string;
  agentId: string;
  /** The own config merged over the template, ids set, validated (the input `new ClaudeAgent` takes). */
  config: AgentConfig;
  /** Changes whenever `config` can: the agent's version, and its template's (`"3.7"`) when it has one. */
  version: string;
  agentVersion: number;
  template: { templateId: string; version: number } | null;
  status: AgentStatus;
  tenantStatus: TenantStatus;
}

/**
 * @example
 * const registry = new Registry(store, { audit: new Audit(store, {}) });
 * await registry.tenants.create({ tenantId: 'acme', displayName: 'Acme Bakery' }, { actor: 'alice' });
 * await registry.agents.put({ tenantId: 'acme', agentId: 'desk' }, { systemPrompt: 'Hi' }, { actor: 'alice' });
 * const { config, version } = await registry.resolveAgentConfig('acme', 'desk');
 */
export class Registry {
  readonly tenants: TenantRegistry;
  readonly agents: AgentRegistry;
  readonly templates: TemplateRegistry;

  constructor(
    readonly store: StewardStore,
    options: RegistryOptions,
  ) {
    const changes = options.changes ?? (options.audit ? auditChangeSink(options.audit) : undefined);
    if (!changes) {
      throw new StewardError(
        'invalid-config',
        'Registry needs somewhere to record changes: give `audit` (an Audit on the store) or `changes` (a RegistryChangeSink; discardChanges keeps none)',
      );
    }
    const context = { store, now: options.now ?? Date.now, changes };
    this.tenants = new TenantRegistry(context);
    this.agents = new AgentRegistry(context);
    this.templates = new TemplateRegistry(context);
  }

  /**
   * The effective config of an agent: its own config merged over its template, validated. A disabled
   * agent is `not-found` and a suspended tenant's agent `permission-denied`, unless `includeInactive`.
   */
  async resolveAgentConfig(
    tenantId: string,
    agentId: string,
    options: { includeInactive?: boolean } = {},
  ): Promise<EffectiveAgentConfig> {
    const scope: AgentScope = {
      tenantId: checkId('tenantId', tenantId),
      agentId: checkId('agentId', agentId),
    };
    // One statement: the agent, its template and its tenant as of the same moment.
    const row = await registryDatabase(this.store.db)
      .selectFrom('agents')
      .innerJoin('tenants', 'tenants.tenant_id', 'agents.tenant_id')
      .leftJoin('templates', 'templates.template_id', 'agents.extends')
      .select([
        'agents.config',
        'agents.extends',
        'agents.version',
        'agents.status',
        'tenants.status as tenant_status',
        'templates.config as template_config',
        'templates.version as template_version',
      ])
      .where('agents.tenant_id', '=', scope.tenantId)
      .where('agents.agent_id', '=', scope.agentId)
      .executeTakeFirst();
    if (!row) {
      const tenant = await this.tenants.get(scope.tenantId);
      throw tenant ? agentNotFound(scope) : tenantNotFound(scope.tenantId);
    }
    if (!options.includeInactive) {
      if (row.status !== 'active') throw agentNotFound(scope, ' (it is disabled; a put enables it again)');
      if (row.tenant_status !== 'active') {
        throw new StewardError('permission-denied', `tenant "${scope.tenantId}" is suspended`, {
          details: { tenantStatus: row.tenant_status },
        });
      }
    }
    if (row.extends !== null && row.template_config === null) {
      throw new InvalidConfigError(
        [
          {
            path: 'extends',
            expected: 'the id of an existing template',
            received: JSON.stringify(row.extends),
          },
        ],
        `agent config for ${scope.tenantId}/${scope.agentId}`,
      );
    }
    const template =
      row.template_config === null
        ? undefined
        : openChannelSecrets(JSON.parse(row.template_config) as JsonObject, this.store.secretCipher);
    const config = effectiveAgentConfig(
      scope,
      template,
      openChannelSecrets(JSON.parse(row.config) as JsonObject, this.store.secretCipher),
    );
    const agentVersion = Number(row.version);
    const templateVersion = row.template_version === null ? null : Number(row.template_version);
    return {
      ...scope,
      config,
      version: effectiveVersionOf(agentVersion, templateVersion),
      agentVersion,
      template:
        row.extends !== null && templateVersion !== null
          ? { templateId: row.extends, version: templateVersion }
          : null,
      status: row.status as AgentStatus,
      tenantStatus: row.tenant_status as TenantStatus,
    };
  }
}

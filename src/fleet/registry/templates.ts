/**
 * Templates: partial agent configs that agents `extends`, kept by the platform. A change reaches every
 * agent built on the template (their effective version changes with it), so it is refused when it would
 * make any active one invalid, and recorded once for the platform and once per active agent it reaches.
 * A template that agents extend cannot be deleted.
 */
import { InvalidConfigError, StewardError } from '../../errors/index.js';
import { effectiveAgentConfig, prepareTemplateConfig } from './agent-config.js';
import { agentChange, effectiveVersionOf } from './agents.js';
import type { RegistryChange } from './changes.js';
import { openChannelSecrets, redactChannelSecrets, sealChannelSecrets } from './channel-secrets.js';
import { decodeCursor, encodeCursor, pageLimit } from './cursor.js';
import { checkActor, checkId, PLATFORM_TENANT_ID, REGISTRY_AGENT_ID } from './ids.js';
import { canonicalJson, changedTopLevelKeys, type JsonObject } from './json-config.js';
import { type RegistryDatabase, registryDatabase, type TemplatesTable } from './schema.js';
import type { ListOptions, Page, WriteOptions } from './tenants.js';

type Cipher = NonNullable<RegistryContext['store']['secretCipher']>;

import { ConcurrentChange, type RegistryContext, runWrite, staleVersion } from './write.js';

export interface Template {
  templateId: string;
  config: JsonObject;
  version: number;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
}

export interface TemplateWriteResult {
  template: Template;
  outcome: 'created' | 'updated' | 'unchanged';
  /** Active agents whose effective config this write changed. */
  agentsAffected: number;
}

export class TemplateRegistry {
  constructor(private readonly context: RegistryContext) {}

  /**
   * Creates or replaces a template. Refused (InvalidConfigError) when it, or any active agent merged over
   * it, would not be a valid agent config.
   *
   * @example
   * await registry.templates.put('small-business', { limits: { maxTurns: 8 }, tools: ['Read'] }, { actor: 'ops' });
   */
  async put(templateId: string, config: unknown, options: WriteOptions): Promise<TemplateWriteResult> {
    const id = checkId('templateId', templateId);
    const actor = checkActor(options.actor);
    const cipher = this.context.store.secretCipher;
    return runWrite<TemplateWriteResult>(this.context, async (db, engine) => {
      const current = await db
        .selectFrom('templates')
        .selectAll()
        .where('template_id', '=', id)
        // Agents that start extending it wait (they lock it to share), so none escapes the check below.
        .$if(engine === 'postgres', (query) => query.forUpdate())
        .executeTakeFirst();
      // Channel secrets are sealed like an agent's ("[sealed]" keeps the stored one); validated opened.
      let opened: JsonObject = {};
      const json = prepareTemplateConfig(id, config, (checked) => {
        const stored = sealChannelSecrets(
          checked,
          current && (JSON.parse(current.config) as JsonObject),
          cipher,
          `template "${id}"`,
        );
        opened = openChannelSecrets(stored, cipher);
        return { stored, opened };
      });
      const text = canonicalJson(json);
      const currentVersion = current ? Number(current.version) : undefined;
      if (options.ifMatch !== undefined) {
        if (currentVersion === undefined) throw templateNotFound(id, ' (a put without If-Match creates it)');
        if (currentVersion !== options.ifMatch) {
          throw staleVersion(`template "${id}"`, options.ifMatch, currentVersion);
        }
      }
      if (current && current.config === text) {
        return {
          result: { template: toTemplate(current), outcome: 'unchanged', agentsAffected: 0 },
          changes: [],
        };
      }
      const dependents = await activeDependents(db, id);
      checkDependents(id, opened, dependents, cipher);
      const at = this.context.now();
      const row: TemplatesTable = {
        template_id: id,
        config: text,
        version: (currentVersion ?? 0) + 1,
        created_at: current?.created_at ?? at,
        updated_at: at,
        created_by: current?.created_by ?? actor,
        updated_by: actor,
      };
      if (current) {
        const updated = await db
          .updateTable('templates')
          .set({ config: text, version: row.version, updated_at: at, updated_by: actor })
          .where('template_id', '=', id)
          .where('version', '=', currentVersion!)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) {
          if (options.ifMatch !== undefined) throw staleVersion(`template "${id}"`, options.ifMatch);
          throw new ConcurrentChange();
        }
      } else {
        const inserted = await db
          .insertInto('templates')
          .values(row)
          .onConflict((conflict) => conflict.column('template_id').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new ConcurrentChange();
      }
      const changedKeys = changedTopLevelKeys(current && (JSON.parse(current.config) as JsonObject), json);
      const changes: RegistryChange[] = [
        {
          eventType: current ? 'template-changed' : 'template-created',
          tenantId: PLATFORM_TENANT_ID,
          agentId: REGISTRY_AGENT_ID,
          actor,
          at,
          payload: {
            templateId: id,
            version: row.version,
            previousVersion: currentVersion ?? null,
            changedKeys,
            agentsAffected: dependents.length,
          },
        },
        ...dependents.map((agent) =>
          agentChange(
            'agent-config-changed',
            { tenantId: agent.tenant_id, agentId: agent.agent_id },
            actor,
            at,
            {
              version: Number(agent.version),
              via: { templateId: id, templateVersion: row.version, previousTemplateVersion: currentVersion },
              changedKeys,
              effectiveVersion: effectiveVersionOf(Number(agent.version), row.version),
            },
          ),
        ),
      ];
      return {
        result: {
          template: toTemplate(row),
          outcome: current ? 'updated' : 'created',
          agentsAffected: dependents.length,
        },
        changes,
      };
    });
  }

  async get(templateId: string): Promise<Template | undefined> {
    const row = await registryDatabase(this.context.store.db)
      .selectFrom('templates')
      .selectAll()
      .where('template_id', '=', checkId('templateId', templateId))
      .executeTakeFirst();
    return row && toTemplate(row);
  }

  /** Templates in id order, a page at a time. */
  async list(options: ListOptions = {}): Promise<Page<Template>> {
    const limit = pageLimit(options.limit);
    const after = options.cursor === undefined ? undefined : decodeCursor('templates', options.cursor);
    const rows = await registryDatabase(this.context.store.db)
      .selectFrom('templates')
      .selectAll()
      .$if(after !== undefined, (query) => query.where('template_id', '>', after!))
      .orderBy('template_id')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(toTemplate);
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor('templates', items.at(-1)!.templateId) : null,
    };
  }

  /** Deletes a template no agent extends (disabled agents count: their config is kept for re-enabling). */
  async delete(templateId: string, options: WriteOptions): Promise<void> {
    const id = checkId('templateId', templateId);
    const actor = checkActor(options.actor);
    await runWrite(this.context, async (db, engine) => {
      const current = await db
        .selectFrom('templates')
        .selectAll()
        .where('template_id', '=', id)
        .$if(engine === 'postgres', (query) => query.forUpdate())
        .executeTakeFirst();
      if (!current) throw templateNotFound(id);
      const currentVersion = Number(current.version);
      if (options.ifMatch !== undefined && currentVersion !== options.ifMatch) {
        throw staleVersion(`template "${id}"`, options.ifMatch, currentVersion);
      }
      const counts = await db
        .selectFrom('agents')
        .select(['status', (expression) => expression.fn.countAll<number>().as('count')])
        .where('extends', '=', id)
        .groupBy('status')
        .execute();
      const active = Number(counts.find((row) => row.status === 'active')?.count ?? 0);
      const disabled = Number(counts.find((row) => row.status === 'disabled')?.count ?? 0);
      if (active + disabled > 0) {
        throw new StewardError(
          'conflict',
          `template "${id}" is extended by ${active + disabled} agent${active + disabled === 1 ? '' : 's'} ` +
            `(${active} active, ${disabled} disabled); put them without "extends" or with another template first`,
          { details: { activeAgents: active, disabledAgents: disabled } },
        );
      }
      const deleted = await db
        .deleteFrom('templates')
        .where('template_id', '=', id)
        .where('version', '=', currentVersion)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new ConcurrentChange();
      const at = this.context.now();
      return {
        result: undefined,
        changes: [
          {
            eventType: 'template-deleted',
            tenantId: PLATFORM_TENANT_ID,
            agentId: REGISTRY_AGENT_ID,
            actor,
            at,
            payload: { templateId: id, version: currentVersion },
          },
        ],
      };
    });
  }
}

interface DependentRow {
  tenant_id: string;
  agent_id: string;
  config: string;
  version: number;
}

function activeDependents(db: RegistryDatabase, templateId: string): Promise<DependentRow[]> {
  return db
    .selectFrom('agents')
    .select(['tenant_id', 'agent_id', 'config', 'version'])
    .where('extends', '=', templateId)
    .where('status', '=', 'active')
    .orderBy('tenant_id')
    .orderBy('agent_id')
    .execute();
}

/** Every active agent must stay valid over the new template; the error counts them and shows the first's paths. */
function checkDependents(
  templateId: string,
  template: JsonObject,
  dependents: DependentRow[],
  cipher: Cipher | undefined,
): void {
  let invalid = 0;
  let first: InvalidConfigError | undefined;
  for (const agent of dependents) {
    try {
      effectiveAgentConfig(
        { tenantId: agent.tenant_id, agentId: agent.agent_id },
        template,
        openChannelSecrets(JSON.parse(agent.config) as JsonObject, cipher),
      );
    } catch (error) {
      if (!InvalidConfigError.isInstance(error)) throw error;
      invalid++;
      first ??= error as InvalidConfigError;
    }
  }
  if (first) {
    // The values are an agent's, maybe another tenant's (a prompt, a token): paths and rules only.
    throw new InvalidConfigError(
      first.issues.map((issue) => ({ ...issue, received: "(an agent's value, not shown)" })),
      `template "${templateId}": ${invalid} of the ${dependents.length} active agents that extend it would be invalid; the first one's config, merged`,
    );
  }
}

function toTemplate(row: TemplatesTable): Template {
  return {
    templateId: row.template_id,
    // A read never shows a channel secret: each is the marker (see channel-secrets.ts).
    config: redactChannelSecrets(JSON.parse(row.config) as JsonObject),
    version: Number(row.version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    createdBy: row.created_by,
    updatedBy: row.updated_by,
  };
}

export function templateNotFound(templateId: string, hint = ''): StewardError {
  return new StewardError('not-found', `there is no template "${templateId}"${hint}`);
}

/**
 * An agent's config as the registry keeps it: its own part (what was put, without ids, `extends` or live
 * objects) and the template it extends; and the effective config, the own part merged over the template
 * and validated with the ClaudeAgent schema (so errors carry the same paths, e.g.
 * `optimization.budget.daily: expected a number >= 0, received -5`).
 */
import { type AgentConfig, agentConfigSchema, idSchema } from '../../agent/index.js';
import { renderValue, validateConfig } from '../../config/index.js';
import { type ConfigIssue, InvalidConfigError } from '../../errors/index.js';
import { type JsonObject, toJsonObject } from './json-config.js';
import { mergeConfig } from './merge.js';

/** Options that hold live objects or host settings; a server supplies them, never the registry. */
export const hostOnlyKeys = ['store', 'runtime', 'now', 'createId'] as const;

const hostOnlyReasons: Record<(typeof hostOnlyKeys)[number], string> = {
  store: "no store (the platform's store serves every agent in the registry)",
  runtime: 'no runtime (the server that loads the agent supplies it)',
  now: 'no clock (a function cannot be stored)',
  createId: 'no id generator (a function cannot be stored)',
};

export interface AgentScope {
  tenantId: string;
  agentId: string;
}

/** An agent config split into what the registry stores. */
export interface PreparedAgentConfig {
  own: JsonObject;
  extends: string | null;
}

/**
 * Checks a config put for `scope` and splits off `extends`. The ids may be given only if they are the
 * registry's own; host-only options are refused.
 *
 * @example
 * prepareAgentConfig({ tenantId: 'acme', agentId: 'desk' }, { extends: 'base', tools: ['Read'] });
 * // { own: { tools: ['Read'] }, extends: 'base' }
 */
export function prepareAgentConfig(scope: AgentScope, input: unknown): PreparedAgentConfig {
  const context = `agent config for ${scope.tenantId}/${scope.agentId}`;
  const json = toJsonObject(withoutHostOnly(input, context), context);
  const issues: ConfigIssue[] = [];
  for (const key of ['tenantId', 'agentId'] as const) {
    if (key in json && json[key] !== scope[key]) {
      issues.push({
        path: key,
        expected: `${JSON.stringify(scope[key])} (the id the registry files it under) or nothing`,
        received: renderValue(json[key]),
      });
    }
  }
  const extendsValue = json.extends ?? null;
  if (extendsValue !== null && !idSchema.safeParse(extendsValue).success) {
    issues.push({
      path: 'extends',
      expected: 'a template id (1-128 letters, digits or ._:-)',
      received: renderValue(extendsValue),
    });
  }
  if (issues.length > 0) throw new InvalidConfigError(issues, context);
  const { tenantId: _tenantId, agentId: _agentId, extends: _extends, ...own } = json;
  return { own, extends: extendsValue as string | null };
}

/**
 * Checks a template: a partial agent config without ids, `extends` (templates do not nest) or nulls.
 * `secrets` turns the checked config into what is stored (channel secrets sealed) and what is validated
 * (opened); without it both are the config as given.
 */
export function prepareTemplateConfig(
  templateId: string,
  input: unknown,
  secrets?: (checked: JsonObject) => { stored: JsonObject; opened: JsonObject },
): JsonObject {
  const context = `template "${templateId}"`;
  const json = toJsonObject(withoutHostOnly(input, context), context);
  const issues: ConfigIssue[] = [];
  for (const key of ['tenantId', 'agentId', 'extends'] as const) {
    if (key in json) {
      issues.push({
        path: key,
        expected:
          key === 'extends'
            ? 'nothing (a template does not extend another)'
            : 'nothing (each agent has its own)',
        received: renderValue(json[key]),
      });
    }
  }
  issues.push(...nullIssues(json, []));
  if (issues.length > 0) throw new InvalidConfigError(issues, context);
  const { stored, opened } = secrets ? secrets(json) : { stored: json, opened: json };
  // Valid on its own: every option has a default, so a template alone is a whole config.
  effectiveAgentConfig({ tenantId: 'template', agentId: 'template' }, opened, {}, context);
  return stored;
}

/**
 * The config an agent runs with: `own` merged over `template` (see merge.ts), the ids set to the
 * registry's, validated. Returns the merged input (what `new ClaudeAgent` takes), not the parsed output.
 */
export function effectiveAgentConfig(
  scope: AgentScope,
  template: JsonObject | undefined,
  own: JsonObject,
  context = `agent config for ${scope.tenantId}/${scope.agentId}`,
): AgentConfig {
  const merged = { ...mergeConfig(template ?? {}, own), tenantId: scope.tenantId, agentId: scope.agentId };
  validateConfig(agentConfigSchema, merged, context);
  return merged as AgentConfig;
}

/** The input, refused when it sets a host-only option (checked first: they are rarely JSON). */
function withoutHostOnly(input: unknown, context: string): unknown {
  if (typeof input !== 'object' || input === null) return input;
  const record = input as Record<string, unknown>;
  const issues = hostOnlyKeys
    .filter((key) => record[key] !== undefined)
    .map((key) => ({ path: key, expected: hostOnlyReasons[key], received: renderValue(record[key]) }));
  if (issues.length > 0) throw new InvalidConfigError(issues, context);
  return input;
}

/** In a template null would mean "remove" with nothing to remove from; it is refused instead. */
function nullIssues(value: unknown, path: string[]): ConfigIssue[] {
  if (value === null) {
    return [
      {
        path: path.join('.'),
        expected: 'a value (null removes a key only in an agent config that extends a template)',
        received: 'null',
      },
    ];
  }
  if (typeof value !== 'object') return [];
  return Object.entries(value as object).flatMap(([key, inner]) => nullIssues(inner, [...path, key]));
}

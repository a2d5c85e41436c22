/** `steward trust …`: show and move an agent's trust, and decide pending approvals, straight on the store. */

import type { AgentConfig } from '../agent/index.js';
import { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import type { StewardStore } from '../store/index.js';
import { openStore } from '../store/index.js';
import { Trust } from '../trust/index.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { loadAgentConfigs } from './load-config.js';

export interface TrustCommandOptions {
  configPath: string;
  action: string | undefined;
  target: string | undefined;
  agent?: string | undefined;
  level?: string | undefined;
  /** With `set`: unfreeze a frozen agent in the same action (a frozen agent is not set otherwise). */
  unfreeze?: boolean | undefined;
  actor?: string | undefined;
  reason?: string | undefined;
  note?: string | undefined;
  limit?: string | undefined;
  status?: string | undefined;
  json?: boolean | undefined;
}

const actions = [
  'show',
  'history',
  'set',
  'freeze',
  'unfreeze',
  'reset',
  'approvals',
  'approve',
  'deny',
] as const;

export async function trustCommand(options: TrustCommandOptions, io: CliIo): Promise<number> {
  const action = options.action;
  if (!action || !(actions as readonly string[]).includes(action)) {
    throw new CliError(`steward trust needs one of: ${actions.join(', ')}`, exitCode.usage);
  }
  if (options.unfreeze && action !== 'set') {
    throw new CliError(
      '--unfreeze goes with set only (use steward trust unfreeze on its own)',
      exitCode.usage,
    );
  }
  const configs = await loadAgentConfigs(options.configPath, io.cwd);
  const config = pickAgent(
    configs,
    options.agent,
    action === 'approve' || action === 'deny' || action === 'approvals',
  );
  if (!config.trust) throw new CliError(`trust is not configured for agent "${config.agentId ?? 'default'}"`);
  const agent = new ClaudeAgent({ ...config, runtime: placeholderRuntime });
  const store = await openConfiguredStore(config, io);
  try {
    const trust = new Trust(store, config.trust);
    const scope = { tenantId: agent.tenantId, agentId: agent.agentId };
    const print = (value: unknown, human: () => string[]) => {
      for (const line of options.json ? [JSON.stringify(value, null, 2)] : human()) io.out(line);
    };
    switch (action) {
      case 'show': {
        const snapshot = await trust.service.snapshot(scope);
        const allowed = trust.table.allowedPatterns(snapshot.level);
        print({ ...snapshot, allowedTools: allowed }, () => [
          `${scope.tenantId}/${scope.agentId}: trust ${snapshot.level}${snapshot.frozen ? ' (frozen)' : ''} within [${snapshot.floor}, ${snapshot.ceiling}]`,
          `allowed tools: ${allowed.length > 0 ? allowed.join(', ') : '(none)'}`,
          `window: ${snapshot.metrics.samples} outcomes, success ${rate(snapshot.metrics.success_rate)}, errors ${rate(snapshot.metrics.error_rate)}, denials ${rate(snapshot.metrics.denial_rate)}, escalation attempts ${snapshot.metrics.escalationAttempts}`,
          ...snapshot.tools.map(
            (tool) => `  ${tool.toolName}: ${tool.allowed} allowed, ${tool.denied} denied`,
          ),
        ]);
        return exitCode.ok;
      }
      case 'history': {
        const entries = await trust.service.history(scope, {
          limit: positiveInteger(options.limit, 'limit') ?? 50,
        });
        print(entries, () =>
          entries.length === 0
            ? ['no trust changes yet']
            : entries.map(
                (entry) =>
                  `${new Date(entry.at).toISOString()}  ${entry.kind.padEnd(8)} ${entry.from} -> ${entry.to}  ${entry.actor ? `by ${entry.actor}: ` : ''}${entry.reason}`,
              ),
        );
        return exitCode.ok;
      }
      case 'set':
      case 'freeze':
      case 'unfreeze':
      case 'reset': {
        const actor = required(options.actor, '--actor (who is acting)');
        const reason = required(options.reason, '--reason (why)');
        const level = action === 'set' ? Number(required(options.level, '--level')) : undefined;
        const snapshot = await trust.service.operatorAction(
          scope,
          action === 'set'
            ? { type: 'set', level: level!, unfreeze: options.unfreeze === true }
            : { type: action },
          actor,
          reason,
        );
        print(snapshot, () => [
          `${scope.tenantId}/${scope.agentId}: trust ${snapshot.level}${snapshot.frozen ? ' (frozen)' : ''}`,
        ]);
        return exitCode.ok;
      }
      case 'approvals': {
        const status = options.status as 'pending' | 'approved' | 'denied' | 'expired' | undefined;
        const items = await trust.approvals.list({
          tenantId: scope.tenantId,
          ...(status ? { status } : { status: 'pending' }),
        });
        print(items, () =>
          items.length === 0
            ? ['no approvals']
            : items.map(
                (item) =>
                  `${item.id}  ${item.status.padEnd(8)} ${item.agentId} wants ${item.toolName} (level ${item.level}, needs ${item.requiredLevel ?? '?'})`,
              ),
        );
        return exitCode.ok;
      }
      default: {
        const id = required(options.target, 'the approval id');
        const decided = await trust.approvals.decide(
          scope.tenantId,
          id,
          action === 'approve' ? 'approve' : 'deny',
          required(options.actor, '--actor (who decides)'),
          options.note,
        );
        print(decided, () => [`approval ${decided.id}: ${decided.status} by ${decided.decidedBy}`]);
        return exitCode.ok;
      }
    }
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

/** ClaudeAgent is built only to resolve the ids and defaults; it never runs a model here. */
const placeholderRuntime = {
  name: 'none',
  simulatedModel: false,
  run: () => Promise.reject(new StewardError('internal', 'steward trust does not run models')),
  stats: () => ({ running: 0, queued: 0, limit: 0 }),
  close: async () => {},
};

function pickAgent(configs: AgentConfig[], agentId: string | undefined, anyWithTrust: boolean): AgentConfig {
  if (agentId !== undefined) {
    const found = configs.find((config) => (config.agentId ?? 'default') === agentId);
    if (!found) throw new CliError(`there is no agent "${agentId}" in the config`);
    return found;
  }
  const candidates = anyWithTrust ? configs.filter((config) => config.trust) : configs;
  if (candidates.length === 1) return candidates[0]!;
  throw new CliError('the config has several agents: name one with --agent <agentId>', exitCode.usage);
}

async function openConfiguredStore(config: AgentConfig, io: CliIo): Promise<StewardStore> {
  const configured = config.store;
  if (configured && 'interactions' in configured) return configured;
  return openStore(configured ?? {}, io.env);
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new CliError(`missing ${what}`, exitCode.usage);
  return value;
}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new CliError(`--${name} must be a whole number >= 1`, exitCode.usage);
  return parsed;
}

function rate(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

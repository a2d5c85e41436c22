/**
 * `steward trust …`: show and move an agent's trust, and decide pending approvals, through the agent's
 * own Trust primitive (as the HTTP API does), so every change is audited, masked and alerted on.
 */
import type { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import type { Trust } from '../trust/index.js';
import { type CliActorOptions, resolveCliActor } from './cli-actor.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { openOperatorAgent } from './operator-agent.js';

export interface TrustCommandOptions extends CliActorOptions {
  configPath: string;
  action: string | undefined;
  target: string | undefined;
  agent?: string | undefined;
  tenant?: string | undefined;
  level?: string | undefined;
  /** With `set`: unfreeze a frozen agent in the same action (a frozen agent is not set otherwise). */
  unfreeze?: boolean | undefined;
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
  const operatorAction = ['set', 'freeze', 'unfreeze', 'reset'].includes(action)
    ? {
        reason: required(options.reason, '--reason (why)'),
        level: action === 'set' ? level(required(options.level, '--level')) : undefined,
      }
    : undefined;
  const approvalId =
    action === 'approve' || action === 'deny' ? required(options.target, 'the approval id') : undefined;
  const { agent, store, others, close } = await openOperatorAgent(
    {
      configPath: options.configPath,
      agentId: options.agent,
      tenantId: options.tenant,
      eligible: (config) => config.trust !== undefined,
    },
    io,
  );
  try {
    const trust = await agent.trust();
    if (!trust) throw new CliError(`trust is not configured for agent "${agent.agentId}"`);
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
        const actor = await resolveCliActor(store, io, options, {
          action: 'trust:act',
          tenantId: scope.tenantId,
        });
        const snapshot = await trust.service.operatorAction(
          scope,
          action === 'set'
            ? { type: 'set', level: operatorAction!.level!, unfreeze: options.unfreeze === true }
            : { type: action },
          actor,
          operatorAction!.reason,
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
        // Decided through the Trust of the agent the approval belongs to, so its events reach that agent's audit.
        const found = await findApproval(options.agent === undefined ? others : [agent], approvalId!);
        if (!found) throw new CliError(`there is no approval "${approvalId}"`);
        const actor = await resolveCliActor(store, io, options, {
          action: 'approvals:decide',
          tenantId: found.tenantId,
        });
        const decided = await found.trust.approvals.decide(
          found.tenantId,
          approvalId!,
          action === 'approve' ? 'approve' : 'deny',
          actor,
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
    await close();
  }
}

/** The approval's agent among these, and its Trust (the HTTP route looks it up the same way). */
async function findApproval(
  agents: ClaudeAgent[],
  id: string,
): Promise<{ trust: Trust; tenantId: string } | undefined> {
  for (const agent of agents) {
    const trust = await agent.trust();
    const approval = await trust?.approvals.get(agent.tenantId, id);
    if (trust && approval && approval.agentId === agent.agentId) return { trust, tenantId: agent.tenantId };
  }
  return undefined;
}

function level(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value >= 0 && value <= 1)) {
    throw new CliError(`--level must be a number from 0 to 1, received "${text}"`, exitCode.usage);
  }
  return value;
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

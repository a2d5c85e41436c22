/**
 * `steward cache clear` and `steward patterns list|retire|clear`: the optimize tiers' operator actions,
 * through the agent's own optimize primitive (as `DELETE /api/agents/:agentId/cache` and the patterns
 * routes do), so each is audited as an `operator-action` with the CLI user as actor.
 */
import { StewardError } from '../errors/index.js';
import { type CliActorOptions, resolveCliActor } from './cli-actor.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { openOperatorAgent } from './operator-agent.js';

export interface OptimizeCommandOptions extends CliActorOptions {
  kind: 'cache' | 'patterns';
  configPath: string;
  action: string | undefined;
  target: string | undefined;
  agent?: string | undefined;
  tenant?: string | undefined;
  /** `cache clear --id <entryId>`: one entry instead of all. */
  id?: string | undefined;
  status?: string | undefined;
  json?: boolean | undefined;
}

const actions = { cache: ['clear'], patterns: ['list', 'retire', 'clear'] } as const;
const patternStatuses = ['candidate', 'active', 'retired'] as const;

/**
 * @example
 * await optimizeCommand({ kind: 'cache', action: 'clear', target: undefined, configPath: 'steward.config.ts' }, processIo());
 */
export async function optimizeCommand(options: OptimizeCommandOptions, io: CliIo): Promise<number> {
  const { kind, action } = options;
  const allowed: readonly string[] = actions[kind];
  if (!action || !allowed.includes(action)) {
    throw new CliError(`steward ${kind} needs one of: ${allowed.join(', ')}`, exitCode.usage);
  }
  if (options.status !== undefined && !(patternStatuses as readonly string[]).includes(options.status)) {
    throw new CliError(`--status must be one of ${patternStatuses.join(', ')}`, exitCode.usage);
  }
  const patternId = action === 'retire' ? required(options.target, 'the pattern id') : undefined;
  const { agent, store, close } = await openOperatorAgent(
    { configPath: options.configPath, agentId: options.agent, tenantId: options.tenant },
    io,
  );
  const print = (value: unknown, human: () => string[]) => {
    for (const line of options.json ? [JSON.stringify(value, null, 2)] : human()) io.out(line);
  };
  const scope = { tenantId: agent.tenantId, agentId: agent.agentId };
  try {
    if (kind === 'cache') {
      const actor = await resolveCliActor(store, io, options, {
        action: 'cache:act',
        tenantId: scope.tenantId,
      });
      const removed = await agent.invalidateCache({ ...(options.id ? { id: options.id } : {}), actor });
      print({ removed }, () => [`${scope.tenantId}/${scope.agentId}: ${removed} cached answers removed`]);
      return exitCode.ok;
    }
    const patterns = await agent.patterns();
    if (!patterns) throw new CliError(`agent "${agent.agentId}" has no pattern tier`);
    if (action === 'list') {
      const list = await patterns.list({
        ...scope,
        ...(options.status ? { status: options.status as (typeof patternStatuses)[number] } : {}),
      });
      print({ patterns: list }, () =>
        list.length === 0
          ? ['no patterns']
          : list.map(
              (pattern) =>
                `${pattern.id}  ${pattern.status.padEnd(9)} support ${pattern.support}, served ${pattern.served}: ${oneLine(pattern.responseText)}`,
            ),
      );
      return exitCode.ok;
    }
    const actor = await resolveCliActor(store, io, options, {
      action: 'patterns:act',
      tenantId: scope.tenantId,
    });
    if (patternId !== undefined) {
      await patterns.retire({ ...scope, id: patternId, actor });
      print({ retired: patternId }, () => [`pattern ${patternId}: retired`]);
      return exitCode.ok;
    }
    const removed = await patterns.invalidate({ ...scope, actor });
    print({ removed }, () => [`${scope.tenantId}/${scope.agentId}: ${removed} patterns forgotten`]);
    return exitCode.ok;
  } catch (error) {
    if (StewardError.isInstance(error)) throw new CliError(error.message);
    throw error;
  } finally {
    await close();
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= 60 ? line : `${line.slice(0, 59)}…`;
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new CliError(`missing ${what}`, exitCode.usage);
  return value.trim();
}

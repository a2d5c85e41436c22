/** `steward learn …`: list an agent's learned capabilities, show one's report, approve, reject, roll back. */
import type { AgentConfig } from '../agent/index.js';
import { ClaudeAgent } from '../agent/index.js';
import { StewardError } from '../errors/index.js';
import type { Capability, LearningAnalytics } from '../learn/index.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { loadAgentConfigs } from './load-config.js';

export interface LearnCommandOptions {
  configPath: string;
  action: string | undefined;
  target: string | undefined;
  agent?: string | undefined;
  actor?: string | undefined;
  reason?: string | undefined;
  json?: boolean | undefined;
}

const actions = ['list', 'show', 'approve', 'reject', 'rollback'] as const;

/** The CLI decides on the store; it never runs a model. */
const noModelRuntime = {
  name: 'none',
  simulatedModel: false,
  run: () => Promise.reject(new StewardError('internal', 'steward learn does not run models')),
  stats: () => ({ running: 0, queued: 0, limit: 0 }),
  close: async () => {},
};

export async function learnCommand(options: LearnCommandOptions, io: CliIo): Promise<number> {
  const action = options.action;
  if (!action || !(actions as readonly string[]).includes(action)) {
    throw new CliError(`steward learn needs one of: ${actions.join(', ')}`, exitCode.usage);
  }
  const configs = await loadAgentConfigs(options.configPath, io.cwd);
  const config = pickAgent(configs, options.agent);
  if (!config.learning?.enabled) {
    throw new CliError(`learning is not enabled for agent "${config.agentId ?? 'default'}"`);
  }
  const agent = new ClaudeAgent({ ...config, runtime: noModelRuntime });
  try {
    const learning = (await agent.learning())!;
    const print = (value: unknown, human: () => string[]) => {
      for (const line of options.json ? [JSON.stringify(value, null, 2)] : human()) io.out(line);
    };
    if (action === 'list') {
      const analytics = await learning.analytics();
      print(analytics, () => listLines(analytics));
      return exitCode.ok;
    }
    const id = required(options.target, `the capability id (steward learn ${action} <id>)`);
    try {
      if (action === 'show') {
        const capability = await learning.get(id);
        print(capability, () => showLines(capability));
        return exitCode.ok;
      }
      const actor = required(options.actor, '--actor (who decides)');
      const changed =
        action === 'approve'
          ? await learning.approve(id, actor)
          : action === 'reject'
            ? await learning.reject(id, actor, options.reason)
            : await learning.rollback(id, actor, options.reason);
      print(changed, () => [`capability ${changed.id}: ${changed.state} (by ${actor})`]);
      return exitCode.ok;
    } catch (error) {
      if (StewardError.isInstance(error) && (error.code === 'not-found' || error.code === 'conflict')) {
        throw new CliError(error.message);
      }
      throw error;
    }
  } finally {
    await agent.close();
  }
}

function listLines(analytics: LearningAnalytics): string[] {
  const states = Object.entries(analytics.byState)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${state} ${count}`);
  if (analytics.capabilities.length === 0) return ['no capabilities yet'];
  return [
    `capabilities: ${states.join(', ')}`,
    ...analytics.capabilities.map((entry) => {
      const interval = entry.errorRateInterval
        ? ` errors ${percent(entry.errorRate ?? 0)} [${percent(entry.errorRateInterval.lower)}, ${percent(entry.errorRateInterval.upper)}]`
        : '';
      const coverage = entry.coverage === null ? '' : ` coverage ${percent(entry.coverage)}`;
      return `${entry.id}  ${entry.state.padEnd(17)} ${entry.size} requests${coverage} traffic ${entry.traffic}${interval} saved $${entry.costSavedUsd.toFixed(4)}`;
    }),
  ];
}

function showLines(capability: Capability): string[] {
  const report = capability.validationReport;
  const lines = [
    `capability ${capability.id}: ${capability.state} (rollout ${capability.rollout}%)`,
    `cluster: ${capability.cluster.size} requests, confidence ${capability.cluster.confidence} (consistency ${capability.cluster.consistency}, separation ${capability.cluster.separation}, cohesion ${capability.cluster.cohesion})`,
    `generation cost: $${capability.generationCostUsd.toFixed(4)}`,
  ];
  if (report) {
    lines.push(
      `validation: ${report.passed ? 'passed' : 'failed'}; coverage ${percent(report.coverage)} of ${report.heldOut} held-out (needs ${percent(report.requiredCoverage)}), abstention ${percent(report.abstention)} of ${report.others} others (needs ${percent(report.requiredAbstention)})`,
      ...report.reasons.map((reason) => `  why: ${reason}`),
      'examples (request → handler | recorded):',
      ...report.examples.map(
        (example) =>
          `  ${example.equivalent ? 'ok ' : 'NO '} ${example.request} → ${example.handler ?? 'null'} | ${example.recorded}`,
      ),
      ...report.falseAnswers.map(
        (answer) => `  answered but should not: ${answer.request} → ${answer.handler}`,
      ),
    );
  }
  if (capability.decidedBy)
    lines.push(
      `decided by ${capability.decidedBy}${capability.decisionReason ? `: ${capability.decisionReason}` : ''}`,
    );
  lines.push('code:', capability.code ?? '(none)');
  return lines;
}

function pickAgent(configs: AgentConfig[], agentId: string | undefined): AgentConfig {
  if (agentId !== undefined) {
    const found = configs.find((config) => (config.agentId ?? 'default') === agentId);
    if (!found) throw new CliError(`there is no agent "${agentId}" in the config`);
    return found;
  }
  const candidates = configs.filter((config) => config.learning?.enabled);
  if (candidates.length === 1) return candidates[0]!;
  throw new CliError('name the agent with --agent <agentId>', exitCode.usage);
}

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new CliError(`missing ${what}`, exitCode.usage);
  return value;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

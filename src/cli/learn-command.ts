/** `steward learn …`: list an agent's learned capabilities, show one's report, approve, reject, roll back. */
import { StewardError } from '../errors/index.js';
import type { Capability, LearningAnalytics } from '../learn/index.js';
import { resolveCliActor } from './cli-actor.js';
import { CliError, type CliIo, exitCode } from './cli-io.js';
import { openOperatorAgent } from './operator-agent.js';

export interface LearnCommandOptions {
  configPath: string;
  action: string | undefined;
  target: string | undefined;
  agent?: string | undefined;
  tenant?: string | undefined;
  /** `--token` (else `STEWARD_TOKEN`): the key that decides, checked for `capabilities:decide`. */
  token?: string | undefined;
  /** Who decides without a key (`cli:<name>`), or the "on behalf of" note with one. */
  actor?: string | undefined;
  reason?: string | undefined;
  json?: boolean | undefined;
}

const actions = ['list', 'show', 'approve', 'reject', 'rollback'] as const;

export async function learnCommand(options: LearnCommandOptions, io: CliIo): Promise<number> {
  const action = options.action;
  if (!action || !(actions as readonly string[]).includes(action)) {
    throw new CliError(`steward learn needs one of: ${actions.join(', ')}`, exitCode.usage);
  }
  // The agent opened as serve opens it (its store, primitives and bus): decisions are audited the same way.
  const { agent, store, close } = await openOperatorAgent(
    {
      configPath: options.configPath,
      agentId: options.agent,
      tenantId: options.tenant,
      eligible: (config) => config.learning?.enabled === true,
    },
    io,
  );
  try {
    const learning = await agent.learning();
    if (!learning) throw new CliError(`learning is not enabled for agent "${agent.agentId}"`);
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
      const actor = await resolveCliActor(store, io, options, {
        action: 'capabilities:decide',
        tenantId: agent.tenantId,
      });
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
    await close();
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
      const generation = entry.generation > 1 ? ` generation ${entry.generation}` : '';
      const after = entry.afterRollback ? ` (${entry.afterRollback})` : '';
      return `${entry.id}  ${entry.state.padEnd(17)} ${entry.size} requests${coverage} traffic ${entry.traffic}${interval} saved $${entry.costSavedUsd.toFixed(4)}${generation}${after}`;
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

function required(value: string | undefined, what: string): string {
  if (value === undefined || value.trim() === '') throw new CliError(`missing ${what}`, exitCode.usage);
  return value;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

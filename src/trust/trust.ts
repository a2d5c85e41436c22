/**
 * The Trust primitive: one object per agent that decides tool calls by the agent's level (a guard the
 * runtime asks in canUseTool and again in the PreToolUse hook), records each interaction's outcome,
 * and moves the level by the configured rules.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { parseDuration, validateConfig } from '../config/index.js';
import type { EventBus } from '../events/index.js';
import type { Redactor } from '../privacy/index.js';
import type { PermissionContext, PermissionDecision, ToolPermissionGuard } from '../runtime/index.js';
import type { InteractionRecord, StewardStore } from '../store/index.js';
import { ApprovalService } from './approvals.js';
import { type ResolvedTrustConfig, type TrustConfig, trustConfigSchema } from './config.js';
import { checkPermissionConfig } from './permission-check.js';
import { createPermissionTable, type PermissionTable } from './permission-table.js';
import { type OutcomeInput, type TrustScope, TrustService } from './trust-service.js';

export interface TrustOptions {
  now?: () => number;
  createId?: () => string;
  bus?: EventBus;
  /** How often a waiting approval checks the store for a decision made on another instance; default 250 ms. */
  approvalPollMs?: number;
  /** Masks PII in approval inputs, notes and operator reasons before they are stored. */
  redactor?: Redactor;
}

/**
 * @example
 * const trust = new Trust(store, { initial: 0.3, permissions: { 0.3: ['Read'], 0.5: ['Read', 'Write'] } });
 * const guard = await trust.guardFor({ tenantId: 'acme', agentId: 'desk' }, interactionId);
 * await runtime.run({ ..., permissionGuard: guard });
 * await trust.recordInteraction(record, guard);
 */
export class Trust {
  readonly config: ResolvedTrustConfig;
  readonly service: TrustService;
  readonly approvals: ApprovalService;
  readonly table: PermissionTable;
  /**
   * What in the config is valid but likely a mistake, each as `trust.<path>: <message>`: a path rule
   * such as `Read(/etc/shadow)`, which the grammar reads relative to the working directory (`//` is
   * absolute). `steward serve` prints them at startup.
   */
  readonly warnings: readonly string[];
  private readonly policyKeys = new Map<string, string>();

  constructor(store: StewardStore, config: TrustConfig | ResolvedTrustConfig, options: TrustOptions = {}) {
    this.config = validateConfig(trustConfigSchema, config, 'trust config');
    this.table = createPermissionTable(this.config);
    this.warnings = Object.freeze(
      checkPermissionConfig(this.config).warnings.map(
        (warning) => `trust.${warning.path.join('.')}: ${warning.message}`,
      ),
    );
    this.service = new TrustService(store, this.config, {
      ...(options.now ? { now: options.now } : {}),
      ...(options.bus ? { bus: options.bus } : {}),
      ...(options.redactor ? { redactor: options.redactor } : {}),
      table: this.table,
    });
    this.approvals = new ApprovalService(store, {
      ...(options.now ? { now: options.now } : {}),
      ...(options.createId ? { createId: options.createId } : {}),
      ...(options.bus ? { bus: options.bus } : {}),
      ...(options.approvalPollMs ? { pollMs: options.approvalPollMs } : {}),
      ...(options.redactor ? { redactor: options.redactor } : {}),
    });
  }

  /**
   * A fingerprint of the policy in force at `level`: the patterns its band allows, the deny list, the tool
   * overrides and whether calls above the level wait for approval. Answers given under one policy are
   * never reused under another (the cache and pattern tiers key on it).
   */
  policyKey(level: number): string {
    const band = this.table.band(level);
    let key = this.policyKeys.get(band);
    if (!key) {
      const overrides = Object.entries(this.config.toolOverrides).sort(([left], [right]) =>
        left < right ? -1 : left > right ? 1 : 0,
      );
      key = createHash('sha256')
        .update(
          JSON.stringify([
            'steward-trust-policy-v1',
            band,
            [...this.table.allowedPatterns(level)].sort(),
            [...this.config.deny].sort(),
            overrides,
            this.config.approval?.enabled === true,
          ]),
        )
        .digest('hex');
      this.policyKeys.set(band, key);
    }
    return key;
  }

  /** A guard for one run, at the agent's level when the run starts. */
  async guardFor(scope: TrustScope, interactionId: string): Promise<TrustRunGuard> {
    const level = await this.service.level(scope);
    return new TrustRunGuard(this, scope, interactionId, level);
  }

  /** Records the outcome of a finished interaction and applies the rules (see metrics.ts for what counts as an error). */
  async recordInteraction(record: InteractionRecord, guard?: TrustRunGuard): Promise<void> {
    // Only the model's own runs measure the agent: a refusal (budget spent) is policy, and a cache or
    // pattern answer involved no model decision and no tool.
    if (record.outcome === 'refused' || record.tier === 'cache' || record.tier === 'pattern') return;
    const failedToolCalls = record.toolCalls.filter((call) => call.status === 'failed').length;
    const outcome: OutcomeInput = {
      interactionId: record.id,
      kind: record.outcome === 'error' || failedToolCalls > 0 ? 'error' : 'success',
      denied: record.toolCalls.some((call) => call.status === 'denied'),
      escalations: guard?.escalations ?? 0,
      latencyMs: record.latencyMs,
      costUsd: record.costUsd,
    };
    await this.service.recordOutcome({ tenantId: record.tenantId, agentId: record.agentId }, outcome);
  }
}

/**
 * Decides the tool calls of one run. The runtime asks twice per call (canUseTool and the PreToolUse hook):
 * the first answer for a tool_use id is kept, so a call is counted, escalated and approved once.
 */
export class TrustRunGuard implements ToolPermissionGuard {
  /** Denied calls to tools a higher level would allow, in this run. */
  escalations = 0;
  private readonly decided = new Map<string, Promise<PermissionDecision>>();

  constructor(
    private readonly trust: Trust,
    private readonly scope: TrustScope,
    private readonly interactionId: string,
    readonly level: number,
  ) {}

  /** The permission band of this run's level (see PermissionTable.band). */
  get band(): string {
    return this.trust.table.band(this.level);
  }

  decide(
    toolName: string,
    input: Record<string, unknown>,
    context: PermissionContext,
  ): Promise<PermissionDecision> {
    const key = context.toolUseId ?? `${toolName}:${JSON.stringify(input)}`;
    let decision = this.decided.get(key);
    if (!decision) {
      decision = this.decideOnce(toolName, input, context);
      this.decided.set(key, decision);
    }
    return decision;
  }

  private async decideOnce(
    toolName: string,
    input: Record<string, unknown>,
    context: PermissionContext,
  ): Promise<PermissionDecision> {
    const { level } = this;
    await this.trust.table.ready();
    const verdict = this.trust.table.decide(level, toolName, input, {
      cwd: context.cwd ?? process.cwd(),
      home: homedir(),
    });
    const details = {
      level,
      rule: verdict.reason,
      ...(verdict.matchedPattern ? { matchedPattern: verdict.matchedPattern } : {}),
      ...(verdict.requiredLevel === undefined ? {} : { requiredLevel: verdict.requiredLevel }),
    };
    if (verdict.allowed) {
      await this.trust.service.countToolDecision(this.scope, toolName, true);
      return { behavior: 'allow', updatedInput: input, details };
    }
    const escalation =
      verdict.requiredLevel !== undefined &&
      (verdict.reason === 'level' || verdict.reason === 'no-match' || verdict.reason === 'override-level');
    if (escalation) this.escalations++;
    const approval = this.trust.config.approval;
    if (escalation && approval?.enabled) {
      const pending = await this.trust.approvals.request({
        ...this.scope,
        interactionId: this.interactionId,
        toolName,
        input,
        level,
        requiredLevel: verdict.requiredLevel,
        timeoutMs: parseDuration(approval.timeout)!,
      });
      const status = await this.trust.approvals.waitForDecision(pending, context.signal);
      const approvalDetails = { ...details, rule: 'approval', approvalId: pending.id };
      await this.trust.service.countToolDecision(this.scope, toolName, status === 'approved');
      if (status === 'approved') return { behavior: 'allow', updatedInput: input, details: approvalDetails };
      return {
        behavior: 'deny',
        message: `The operator ${status === 'denied' ? 'denied' : 'did not approve in time'} the use of "${toolName}" (approval ${pending.id}).`,
        details: approvalDetails,
      };
    }
    await this.trust.service.countToolDecision(this.scope, toolName, false);
    return { behavior: 'deny', message: denyMessage(toolName, level, verdict), details };
  }
}

function denyMessage(
  toolName: string,
  level: number,
  verdict: { reason: string; matchedPattern?: string; requiredLevel?: number },
): string {
  if (verdict.reason === 'deny-list' || verdict.reason === 'override-deny') {
    return `Tool "${toolName}" is not allowed for this agent by policy (${verdict.matchedPattern ?? 'deny list'}). Do not retry it.`;
  }
  if (verdict.requiredLevel !== undefined) {
    return (
      `Tool "${toolName}" needs trust level ${verdict.requiredLevel}; this agent is at ${level}. ` +
      'Do not retry it now: continue without it, or tell the user that an operator can approve it or raise the agent’s trust.'
    );
  }
  return `Tool "${toolName}" is not allowed at any trust level for this agent. Continue without it.`;
}

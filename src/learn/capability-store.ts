/**
 * The capabilities table: every learned handler from detection to promotion or rollback, scoped by
 * tenant and agent in every query. State changes are conditional updates, so two instances never both
 * promote, approve or roll back the same capability.
 */
import type { Kysely } from 'kysely';
import { StewardError } from '../errors/index.js';
import type { StewardStore } from '../store/index.js';

export const capabilityStates = [
  'detected',
  'generated',
  'failed-validation',
  'pending-approval',
  'canary',
  'promoted',
  'rolled-back',
  'rejected',
] as const;
export type CapabilityState = (typeof capabilityStates)[number];

/** One recorded request of a cluster and the answer the model gave it. */
export interface ClusterExample {
  request: string;
  reply: string;
}

/** A detected cluster as kept on its capability (examples masked). */
export interface ClusterSummary {
  size: number;
  confidence: number;
  cohesion: number;
  consistency: number;
  separation: number;
  /** The members given to the model (masked). */
  training: ClusterExample[];
  /** The members held out from generation, to validate on (masked). */
  heldOut: ClusterExample[];
  /** Requests of neighbouring clusters shown to the model as requests to refuse (masked). */
  nearMisses: string[];
  /**
   * Members a model cross-fitted on the scope's requests tells apart from every other answer (its
   * out-of-fold probability of this answer ≥ 0.97): the held-out members are drawn from these only.
   * Absent on clusters detected before it was measured.
   */
  core?: number;
  /**
   * The requests of the neighbouring answers the cross-fitted model confused with this one most, one
   * list per neighbour, most confused first (masked): what the handler must tell this cluster apart from.
   */
  nearMissGroups?: string[][];
  /** Requests of other answers beyond the neighbours, most confusable first (masked): to refuse as well. */
  background?: string[];
  /**
   * For a regeneration after a rollback: requests the rolled-back generation failed on (it threw or timed
   * out, its reply was rated negative, or trust recorded a failure), masked.
   */
  counterExamples?: string[];
}

/** What validation found; kept with every generated handler, passing or not. */
export interface ValidationReport {
  passed: boolean;
  /** Share of held-out members answered with a reply equivalent to the recorded one. */
  coverage: number;
  requiredCoverage: number;
  /** Share of other clusters' and no-cluster requests the handler returned null on. */
  abstention: number;
  requiredAbstention: number;
  heldOut: number;
  others: number;
  /** Up to ten held-out requests: what the handler answered next to what was recorded. */
  examples: Array<{ request: string; recorded: string; handler: string | null; equivalent: boolean }>;
  /** Up to ten requests of others the handler answered (it should have returned null). */
  falseAnswers: Array<{ request: string; handler: string }>;
  /** Errors thrown or limits hit while validating (code → count). */
  errors: Record<string, number>;
  reasons: string[];
}

/**
 * One arm's counts. The canary arm's handler answers; the control arm's handler runs in the shadow (its
 * result is counted, never sent) and the normal chain answers. `trials` are the calls that were not null
 * (replies and failed calls); `failures` are the arm's interactions that trust records as failed (an
 * error outcome or a failed tool call, the rule of trust's `recordInteraction`).
 */
export interface ArmCounters {
  trials: number;
  replies: number;
  abstentions: number;
  exceptions: number;
  timeouts: number;
  negative: number;
  failures: number;
}

/** Which arm an interaction was in for one capability (`promoted`: after the canary). */
export type CapabilityArm = 'canary' | 'control' | 'promoted';

/** What the learn tier needs of a serving capability on every request. */
export type ServingCapability = Pick<Capability, 'id' | 'state' | 'rollout'>;

export interface Capability {
  id: string;
  tenantId: string;
  agentId: string;
  scopeKey: string;
  clusterSignature: string;
  state: CapabilityState;
  cluster: ClusterSummary;
  code: string | null;
  generationPrompt: string | null;
  generationCostUsd: number;
  /** Why the handler could not be written (`budget-exceeded: …`); the next pass tries again. */
  generationError: string | null;
  validationReport: ValidationReport | null;
  rollout: number;
  canary: ArmCounters;
  control: ArmCounters;
  served: number;
  servedErrors: number;
  savedUsd: number;
  decidedBy: string | null;
  decisionReason: string | null;
  createdAt: number;
  updatedAt: number;
  decidedAt: number | null;
  /** 1 for the cluster's first handler, 2 and on for its regenerations after a rollback. */
  generation: number;
  rolledBackAt: number | null;
}

interface CapabilityRow {
  id: string;
  tenant_id: string;
  agent_id: string;
  scope_key: string;
  cluster_signature: string;
  state: CapabilityState;
  cluster: string;
  code: string | null;
  generation_prompt: string | null;
  generation_cost_micros: number;
  validation_report: string | null;
  rollout: number;
  canary_trials: number;
  canary_replies: number;
  canary_abstentions: number;
  canary_exceptions: number;
  canary_timeouts: number;
  canary_negative: number;
  canary_failures: number;
  control_trials: number;
  control_replies: number;
  control_abstentions: number;
  control_exceptions: number;
  control_timeouts: number;
  control_negative: number;
  control_failures: number;
  served: number;
  served_errors: number;
  saved_micros: number;
  decided_by: string | null;
  decision_reason: string | null;
  created_at: number;
  updated_at: number;
  decided_at: number | null;
  generation: number;
  rolled_back_at: number | null;
  generation_error: string | null;
}

type CapabilityTables = { capabilities: CapabilityRow };

/** Counters a handler call or a feedback adds to (see `CapabilityStore.count`). */
export type CapabilityCounter =
  | 'canary_trials'
  | 'canary_replies'
  | 'canary_abstentions'
  | 'canary_exceptions'
  | 'canary_timeouts'
  | 'canary_negative'
  | 'canary_failures'
  | 'control_trials'
  | 'control_replies'
  | 'control_abstentions'
  | 'control_exceptions'
  | 'control_timeouts'
  | 'control_negative'
  | 'control_failures'
  | 'served'
  | 'served_errors'
  | 'saved_micros';

export interface CapabilitySelector {
  tenantId: string;
  agentId: string;
}

/** Conditional state change: only from one of `from`. */
export interface CapabilityTransition {
  from: readonly CapabilityState[];
  to: CapabilityState;
  rollout?: number;
  decidedBy?: string;
  decisionReason?: string;
}

const micros = (usd: number) => Math.round(usd * 1_000_000);

/**
 * @example
 * const capabilities = new CapabilityStore(store, Date.now);
 * await capabilities.list({ tenantId: 'acme', agentId: 'desk' });
 */
export class CapabilityStore {
  private readonly db: Kysely<CapabilityTables>;

  constructor(
    store: StewardStore,
    private readonly now: () => number,
  ) {
    this.db = store.db.withTables<CapabilityTables>() as unknown as Kysely<CapabilityTables>;
  }

  /** Records a detected cluster; returns false when its scope already has a capability for that cluster. */
  async insertDetected(
    selector: CapabilitySelector,
    entry: {
      id: string;
      scopeKey: string;
      clusterSignature: string;
      cluster: ClusterSummary;
      generation?: number;
    },
  ): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .insertInto('capabilities')
      .values({
        id: entry.id,
        tenant_id: selector.tenantId,
        agent_id: selector.agentId,
        scope_key: entry.scopeKey,
        cluster_signature: entry.clusterSignature,
        state: 'detected',
        cluster: JSON.stringify(entry.cluster),
        code: null,
        generation_prompt: null,
        generation_cost_micros: 0,
        validation_report: null,
        rollout: 0,
        canary_trials: 0,
        canary_replies: 0,
        canary_abstentions: 0,
        canary_exceptions: 0,
        canary_timeouts: 0,
        canary_negative: 0,
        canary_failures: 0,
        control_trials: 0,
        control_replies: 0,
        control_abstentions: 0,
        control_exceptions: 0,
        control_timeouts: 0,
        control_negative: 0,
        control_failures: 0,
        served: 0,
        served_errors: 0,
        saved_micros: 0,
        decided_by: null,
        decision_reason: null,
        created_at: now,
        updated_at: now,
        decided_at: null,
        generation: entry.generation ?? 1,
        rolled_back_at: null,
        generation_error: null,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['tenant_id', 'agent_id', 'scope_key', 'cluster_signature', 'generation'])
          .doNothing(),
      )
      .returning('id')
      .execute();
    return result.length > 0;
  }

  /** The cluster signatures a scope already has a capability for (any state). */
  async signatures(selector: CapabilitySelector, scopeKey: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('capabilities')
      .select('cluster_signature')
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .where('scope_key', '=', scopeKey)
      .execute();
    return new Set(rows.map((row) => row.cluster_signature));
  }

  async get(selector: CapabilitySelector, id: string): Promise<Capability | undefined> {
    const row = await this.db
      .selectFrom('capabilities')
      .selectAll()
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toCapability(row) : undefined;
  }

  /** Like `get`, but throws `not-found` naming the agent. */
  async require(selector: CapabilitySelector, id: string): Promise<Capability> {
    const found = await this.get(selector, id);
    if (!found) {
      throw new StewardError('not-found', `agent ${selector.agentId} has no capability "${id.slice(0, 64)}"`);
    }
    return found;
  }

  /** An agent's capabilities, newest first; optionally in some states or one policy scope. */
  async list(
    selector: CapabilitySelector,
    filter: { states?: readonly CapabilityState[]; scopeKey?: string } = {},
  ): Promise<Capability[]> {
    let query = this.db
      .selectFrom('capabilities')
      .selectAll()
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId);
    if (filter.states) query = query.where('state', 'in', [...filter.states]);
    if (filter.scopeKey !== undefined) query = query.where('scope_key', '=', filter.scopeKey);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(toCapability);
  }

  /**
   * The capabilities serving one scope, without their cluster, prompt or code (read on every request
   * the learn tier sees: a handler's code and its cluster can be hundreds of kilobytes each).
   */
  async listServing(selector: CapabilitySelector, scopeKey: string): Promise<ServingCapability[]> {
    const rows = await this.db
      .selectFrom('capabilities')
      .select(['id', 'state', 'rollout'])
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .where('scope_key', '=', scopeKey)
      .where('state', 'in', ['canary', 'promoted'])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ id: row.id, state: row.state, rollout: Number(row.rollout) }));
  }

  /** The handler's code (set once, when the model wrote it; a regeneration is a new capability). */
  async codeOf(selector: CapabilitySelector, id: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('capabilities')
      .select('code')
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.code ?? null;
  }

  /** Stores the handler the model wrote; `detected` → `generated`. */
  async recordGeneration(
    selector: CapabilitySelector,
    id: string,
    generation: { code: string; prompt: string; costUsd: number },
  ): Promise<boolean> {
    const result = await this.scoped(selector, id)
      .set({
        code: generation.code,
        generation_prompt: generation.prompt,
        generation_cost_micros: micros(generation.costUsd),
        generation_error: null,
        state: 'generated',
        updated_at: this.now(),
      })
      .where('state', '=', 'detected')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Records why a `detected` capability's handler could not be written (it stays `detected`). */
  async recordGenerationError(selector: CapabilitySelector, id: string, error: string): Promise<void> {
    await this.scoped(selector, id)
      .set({ generation_error: error.slice(0, 2000), updated_at: this.now() })
      .where('state', '=', 'detected')
      .execute();
  }

  /** Every capability (every generation) of one cluster in one scope, first generation first. */
  async ofCluster(selector: CapabilitySelector, scopeKey: string, signature: string): Promise<Capability[]> {
    const rows = await this.db
      .selectFrom('capabilities')
      .selectAll()
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .where('scope_key', '=', scopeKey)
      .where('cluster_signature', '=', signature)
      .orderBy('generation')
      .execute();
    return rows.map(toCapability);
  }

  /** Stores the validation report and moves a `generated` capability to `to`. */
  async recordValidation(
    selector: CapabilitySelector,
    id: string,
    report: ValidationReport,
    to: CapabilityState,
    rollout: number,
  ): Promise<boolean> {
    const result = await this.scoped(selector, id)
      .set({ validation_report: JSON.stringify(report), state: to, rollout, updated_at: this.now() })
      .where('state', '=', 'generated')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Moves a capability from one of `from` to `to`; false when it was in another state (someone else moved it). */
  async transition(selector: CapabilitySelector, id: string, change: CapabilityTransition): Promise<boolean> {
    const now = this.now();
    const result = await this.scoped(selector, id)
      .set({
        state: change.to,
        updated_at: now,
        ...(change.rollout === undefined ? {} : { rollout: change.rollout }),
        ...(change.decidedBy === undefined ? {} : { decided_by: change.decidedBy, decided_at: now }),
        ...(change.decisionReason === undefined ? {} : { decision_reason: change.decisionReason }),
        ...(change.to === 'rolled-back' ? { rolled_back_at: now } : {}),
      })
      .where('state', 'in', [...change.from])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Adds to counters in one statement (`saved_micros` takes micro-dollars). */
  async count(
    selector: CapabilitySelector,
    id: string,
    increments: Partial<Record<CapabilityCounter, number>>,
  ): Promise<void> {
    const entries = Object.entries(increments).filter(([, value]) => value !== undefined && value !== 0);
    if (entries.length === 0) return;
    await this.scoped(selector, id)
      .set((eb) => {
        const values: Record<string, unknown> = {};
        for (const [column, value] of entries) {
          values[column] = eb(column as CapabilityCounter, '+', value as number);
        }
        return values as never;
      })
      .execute();
  }

  private scoped(selector: CapabilitySelector, id: string) {
    return this.db
      .updateTable('capabilities')
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .where('id', '=', id);
  }
}

function toCapability(row: CapabilityRow): Capability {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    scopeKey: row.scope_key,
    clusterSignature: row.cluster_signature,
    state: row.state,
    cluster: JSON.parse(row.cluster) as ClusterSummary,
    code: row.code,
    generationPrompt: row.generation_prompt,
    generationCostUsd: Number(row.generation_cost_micros) / 1_000_000,
    generationError: row.generation_error,
    validationReport: row.validation_report ? (JSON.parse(row.validation_report) as ValidationReport) : null,
    rollout: Number(row.rollout),
    canary: {
      trials: Number(row.canary_trials),
      replies: Number(row.canary_replies),
      abstentions: Number(row.canary_abstentions),
      exceptions: Number(row.canary_exceptions),
      timeouts: Number(row.canary_timeouts),
      negative: Number(row.canary_negative),
      failures: Number(row.canary_failures),
    },
    control: {
      trials: Number(row.control_trials),
      replies: Number(row.control_replies),
      abstentions: Number(row.control_abstentions),
      exceptions: Number(row.control_exceptions),
      timeouts: Number(row.control_timeouts),
      negative: Number(row.control_negative),
      failures: Number(row.control_failures),
    },
    served: Number(row.served),
    servedErrors: Number(row.served_errors),
    savedUsd: Number(row.saved_micros) / 1_000_000,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    generation: Number(row.generation),
    rolledBackAt: row.rolled_back_at === null ? null : Number(row.rolled_back_at),
  };
}

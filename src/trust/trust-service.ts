/**
 * The trust state of one tenant's agent in the store: records outcomes and applies the rules atomically
 * (the state row is locked for the whole evaluation, so two app instances recording at once never lose
 * an outcome or apply a rule twice), and carries out operator actions, each with who and why.
 */
import type { Kysely } from 'kysely';
import { parseDuration } from '../config/index.js';
import { StewardError } from '../errors/index.js';
import type { EventBus } from '../events/index.js';
import type { Redactor } from '../privacy/index.js';
import { compiledLatestRead, type StewardStore } from '../store/index.js';
import type { ResolvedTrustConfig, TrustRule } from './config.js';
import { computeWindowMetrics, type OutcomeSample, type WindowMetrics } from './metrics.js';
import { createPermissionComparison, type PermissionChange } from './permission-change.js';
import type { PermissionTable } from './permission-table.js';
import {
  applyChange,
  applyDecay,
  evaluateRules,
  initialTrustState,
  type TrustChange,
  type TrustState,
} from './policy.js';
import type { TrustStatesTable, TrustTables } from './store/schema.js';

export interface TrustScope {
  tenantId: string;
  agentId: string;
}

/** One finished interaction, as trust measures it. */
export interface OutcomeInput {
  interactionId: string;
  kind: 'success' | 'error';
  denied: boolean;
  escalations: number;
  latencyMs: number;
  costUsd: number;
}

export interface TrustHistoryEntry {
  id: number;
  at: number;
  from: number;
  to: number;
  kind: string;
  reason: string;
  rule: TrustRule | null;
  metrics: WindowMetrics | null;
  actor: string | null;
}

export interface TrustSnapshot {
  tenantId: string;
  agentId: string;
  level: number;
  frozen: boolean;
  floor: number;
  ceiling: number;
  windowStartedAt: number;
  lastChangeAt: number | null;
  metrics: WindowMetrics;
  tools: Array<{ toolName: string; allowed: number; denied: number }>;
}

/**
 * What an operator can do to an agent's trust. Every action restarts the window and is stored in the
 * history with who and why:
 * - `set`: the level becomes `level` (within floor and ceiling) and the cooldown starts; refused with
 *   `conflict` on a frozen agent unless `unfreeze: true`, which unfreezes it first (two history entries);
 * - `freeze` / `unfreeze`: no rule and no decay moves a frozen level; the level stays;
 * - `reset`: back to the state of a new agent: the `initial` level, unfrozen, no cooldown, no trust
 *   gained today (outcomes, history and per-tool counts are kept).
 */
export type OperatorAction =
  | { type: 'set'; level: number; unfreeze?: boolean }
  | { type: 'freeze' }
  | { type: 'unfreeze' }
  | { type: 'reset' };

type TrustDb = Kysely<TrustTables>;

interface ChangeRecord {
  at: number;
  from: number;
  to: number;
  kind: string;
  reason: string;
  rule: TrustRule | null;
  metrics: WindowMetrics | null;
  actor: string | null;
}

interface PendingChange {
  scope: TrustScope;
  change: ChangeRecord;
}

export interface TrustServiceOptions {
  now?: () => number;
  bus?: EventBus;
  /** Masks PII in operator reasons before they are stored (audit PII detection). */
  redactor?: Redactor;
  /** The permission table of `config`, when already built (it tells which changes widen permissions). */
  table?: PermissionTable;
}

export class TrustService {
  private readonly db: TrustDb;
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly comparePermissions: (from: number, to: number) => PermissionChange;
  /** Changes written by each open transaction, emitted once it commits. */
  private readonly committedChanges = new WeakMap<object, PendingChange[]>();

  constructor(
    private readonly store: StewardStore,
    readonly config: ResolvedTrustConfig,
    private readonly options: TrustServiceOptions = {},
  ) {
    this.db = store.db.withTables<TrustTables>() as unknown as TrustDb;
    this.now = options.now ?? Date.now;
    this.windowMs = parseDuration(config.window.duration)!;
    this.comparePermissions = createPermissionComparison(config, options.table);
  }

  /** The current level, applying idle decay when it is due. */
  async level(scope: TrustScope): Promise<number> {
    if (!this.config.decay) {
      const row = await this.readState(scope);
      return row ? row.level : this.config.initial;
    }
    return this.withLockedState(scope, async (_trx, state) => ({ state, result: state.level }));
  }

  /**
   * Records one outcome and applies the rules, atomically. Recording the same interaction twice is a no-op.
   * Resolves with the change it caused, if any.
   */
  async recordOutcome(scope: TrustScope, outcome: OutcomeInput): Promise<TrustChange | null> {
    const at = this.now();
    return this.withLockedState(scope, async (trx, state, windowAfter) => {
      const inserted = await trx
        .insertInto('trust_outcomes')
        .values({
          tenant_id: scope.tenantId,
          agent_id: scope.agentId,
          interaction_id: outcome.interactionId,
          at,
          kind: outcome.kind,
          denied: outcome.denied ? 1 : 0,
          escalations: outcome.escalations,
          latency_ms: outcome.latencyMs,
          cost_usd: outcome.costUsd,
          feedback: null,
        })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'agent_id', 'interaction_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return { state, result: null };
      return this.evaluate(trx, scope, { ...state, lastOutcomeAt: at }, windowAfter, at);
    });
  }

  /** Negative feedback turns a recorded success into an error and re-evaluates the rules. */
  async recordFeedback(
    scope: TrustScope,
    interactionId: string,
    rating: 'positive' | 'negative',
  ): Promise<void> {
    const at = this.now();
    await this.withLockedState(scope, async (trx, state, windowAfter) => {
      const update = trx
        .updateTable('trust_outcomes')
        .set(rating === 'negative' ? { feedback: rating, kind: 'error' } : { feedback: rating })
        .where('tenant_id', '=', scope.tenantId)
        .where('agent_id', '=', scope.agentId)
        .where('interaction_id', '=', interactionId);
      const result = await update.executeTakeFirst();
      if (rating === 'positive' || Number(result.numUpdatedRows) === 0) return { state, result: null };
      return this.evaluate(trx, scope, state, windowAfter, at);
    });
  }

  /** Carries out an operator's action (see `OperatorAction`); `actor` and `reason` are recorded. */
  async operatorAction(
    scope: TrustScope,
    action: OperatorAction,
    actor: string,
    reason: string,
  ): Promise<TrustSnapshot> {
    if (!actor.trim())
      throw new StewardError('invalid-request', 'an operator action needs an actor (who is acting)');
    if (!reason.trim()) throw new StewardError('invalid-request', 'an operator action needs a reason (why)');
    if (this.options.redactor) reason = this.options.redactor.text(reason);
    if (action.type === 'set') {
      const { floor, ceiling } = this.config;
      if (!Number.isFinite(action.level) || action.level < floor || action.level > ceiling) {
        throw new StewardError(
          'invalid-request',
          `level must be a number within [floor ${floor}, ceiling ${ceiling}], received ${action.level}`,
        );
      }
    }
    const at = this.now();
    await this.withLockedState(scope, async (trx, state) => {
      const windowAfter = await this.lastOutcomeId(trx, scope);
      let next: TrustState = state;
      if (action.type === 'set' && state.frozen) {
        if (action.unfreeze !== true) {
          throw new StewardError(
            'conflict',
            `the trust of ${scope.tenantId}/${scope.agentId} is frozen at ${state.level}: unfreeze it first, or set with unfreeze: true (steward trust set --unfreeze)`,
            {
              details: { tenantId: scope.tenantId, agentId: scope.agentId, level: state.level, frozen: true },
            },
          );
        }
        await this.appendChange(trx, scope, {
          at,
          from: state.level,
          to: state.level,
          kind: 'unfreeze',
          reason,
          rule: null,
          metrics: null,
          actor,
        });
        next = { ...next, frozen: false };
      }
      if (action.type === 'set') next = { ...next, level: roundLevel(action.level), lastChangeAt: at };
      if (action.type === 'freeze') next = { ...state, frozen: true };
      if (action.type === 'unfreeze') next = { ...state, frozen: false };
      // The state of a new agent; only the time of the newest outcome is a fact worth keeping.
      if (action.type === 'reset')
        next = { ...initialTrustState(this.config, at), lastOutcomeAt: state.lastOutcomeAt };
      // Every operator action restarts the window: the outcomes before it were judged under other conditions.
      next = { ...next, windowStartedAt: at };
      await this.appendChange(trx, scope, {
        at,
        from: state.level,
        to: next.level,
        kind: action.type,
        reason,
        rule: null,
        metrics: null,
        actor,
      });
      return { state: next, result: null, windowAfter };
    });
    return this.snapshot(scope);
  }

  async snapshot(scope: TrustScope): Promise<TrustSnapshot> {
    const row = await this.readState(scope);
    const state = row ? fromRow(row) : initialTrustState(this.config, this.now());
    const windowAfter = row ? Number(row.window_after_outcome_id) : 0;
    const samples = await this.windowSamples(this.db, scope, windowAfter, this.now());
    const tools = await this.db
      .selectFrom('trust_tool_counts')
      .select(['tool_name', 'allowed', 'denied'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .orderBy('tool_name')
      .execute();
    return {
      tenantId: scope.tenantId,
      agentId: scope.agentId,
      level: state.level,
      frozen: state.frozen,
      floor: this.config.floor,
      ceiling: this.config.ceiling,
      windowStartedAt: state.windowStartedAt,
      lastChangeAt: state.lastChangeAt,
      metrics: computeWindowMetrics(samples, {
        sinceMs: this.now() - this.windowMs,
        lastN: this.config.window.lastN,
      }),
      tools: tools.map((tool) => ({
        toolName: tool.tool_name,
        allowed: Number(tool.allowed),
        denied: Number(tool.denied),
      })),
    };
  }

  /** Every change, newest first. */
  async history(
    scope: TrustScope,
    options: { limit?: number; beforeId?: number } = {},
  ): Promise<TrustHistoryEntry[]> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new StewardError('invalid-request', `limit must be an integer from 1 to 500, received ${limit}`);
    }
    let query = this.db
      .selectFrom('trust_changes')
      .selectAll()
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId);
    if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      at: Number(row.at),
      from: Number(row.from_level),
      to: Number(row.to_level),
      kind: row.kind,
      reason: row.reason,
      rule: row.rule ? (JSON.parse(row.rule) as TrustRule) : null,
      metrics: row.metrics ? (JSON.parse(row.metrics) as WindowMetrics) : null,
      actor: row.actor,
    }));
  }

  /** Counts one allowed or denied tool call, for the per-tool analytics. */
  async countToolDecision(scope: TrustScope, toolName: string, allowed: boolean): Promise<void> {
    await this.db
      .insertInto('trust_tool_counts')
      .values({
        tenant_id: scope.tenantId,
        agent_id: scope.agentId,
        tool_name: toolName,
        allowed: allowed ? 1 : 0,
        denied: allowed ? 0 : 1,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['tenant_id', 'agent_id', 'tool_name'])
          .doUpdateSet((eb) =>
            allowed
              ? { allowed: eb('trust_tool_counts.allowed', '+', 1) }
              : { denied: eb('trust_tool_counts.denied', '+', 1) },
          ),
      )
      .execute();
  }

  /**
   * Applies the rules to a locked state whose window holds the outcomes after `windowAfter`; returns the
   * new state and the change, if any.
   */
  private async evaluate(
    trx: Kysely<TrustTables>,
    scope: TrustScope,
    state: TrustState,
    windowAfter: number,
    at: number,
  ): Promise<{ state: TrustState; result: TrustChange | null; windowAfter?: number }> {
    const samples = await this.windowSamples(trx, scope, windowAfter, at);
    const metrics = computeWindowMetrics(samples, {
      sinceMs: at - this.windowMs,
      lastN: this.config.window.lastN,
    });
    const change = evaluateRules(this.config, state, metrics, at);
    if (!change) return { state, result: null };
    await this.appendChange(trx, scope, {
      at,
      from: change.from,
      to: change.to,
      kind: 'rule',
      reason: change.reason,
      rule: change.rule,
      metrics,
      actor: null,
    });
    return {
      state: applyChange(state, change, at),
      result: change,
      windowAfter: await this.lastOutcomeId(trx, scope),
    };
  }

  /**
   * Runs `work` with the agent's state row locked (PostgreSQL: the row lock of the upsert that reads it;
   * SQLite: one writer), applying idle decay first, and writes back the state `work` returns. `work` gets
   * the id after which outcomes count in the window (read with the state, not queried again).
   */
  private async withLockedState<Result>(
    scope: TrustScope,
    work: (
      trx: Kysely<TrustTables>,
      state: TrustState,
      windowAfter: number,
    ) => Promise<{ state: TrustState; result: Result; windowAfter?: number }>,
  ): Promise<Result> {
    const changes: PendingChange[] = [];
    const result = await this.store.writeTransaction(async (connection) => {
      const trx = connection.withTables<TrustTables>() as unknown as Kysely<TrustTables>;
      this.committedChanges.set(trx, changes);
      const at = this.now();
      // One round trip: creates the row on first use, else touches nothing (the key set to itself), and
      // returns the row either way; on PostgreSQL ON CONFLICT DO UPDATE locks it until commit, as FOR UPDATE did.
      const row = await trx
        .insertInto('trust_states')
        .values(toRow(scope, initialTrustState(this.config, at), 0, at))
        .onConflict((conflict) =>
          conflict
            .columns(['tenant_id', 'agent_id'])
            .doUpdateSet((eb) => ({ tenant_id: eb.ref('excluded.tenant_id') })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      let state = fromRow(row);
      let windowAfter = Number(row.window_after_outcome_id);
      const decayed = applyDecay(this.config, state, at);
      if (decayed) {
        await this.appendChange(trx, scope, {
          at,
          from: decayed.change.from,
          to: decayed.change.to,
          kind: 'decay',
          reason: decayed.change.reason,
          rule: null,
          metrics: null,
          actor: null,
        });
        state = decayed.state;
        // Decay restarts the window, so evidence from before the idle spell cannot promote straight back.
        windowAfter = await this.lastOutcomeId(trx, scope);
      }
      const outcome = await work(trx, state, windowAfter);
      if (outcome.windowAfter !== undefined) windowAfter = outcome.windowAfter;
      await trx
        .updateTable('trust_states')
        .set(toRow(scope, outcome.state, windowAfter, at))
        .where('tenant_id', '=', scope.tenantId)
        .where('agent_id', '=', scope.agentId)
        .execute();
      return outcome.result;
    });
    // Emitted only once committed: a listener (audit) may write to the store, and SQLite has one connection.
    for (const { scope: changed, change } of changes) {
      const permissions = this.comparePermissions(change.from, change.to);
      await this.options.bus?.emit('trust-level-changed', {
        tenantId: changed.tenantId,
        agentId: changed.agentId,
        at: change.at,
        from: change.from,
        to: change.to,
        kind: change.kind,
        reason: change.reason,
        ...(change.actor ? { actor: change.actor } : {}),
        fromBand: permissions.fromBand,
        toBand: permissions.toBand,
        permissionsRaised: permissions.added.length > 0,
        permissionsAdded: permissions.added,
      });
    }
    return result;
  }

  private async windowSamples(
    db: Kysely<TrustTables>,
    scope: TrustScope,
    afterId: number,
    at: number,
  ): Promise<OutcomeSample[]> {
    const rows = await db
      .selectFrom('trust_outcomes')
      .select(['at', 'kind', 'denied', 'escalations', 'latency_ms', 'cost_usd'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('id', '>', afterId)
      .where('at', '>=', at - this.windowMs)
      .orderBy('id', 'desc')
      .limit(this.config.window.lastN)
      .execute();
    return rows.map((row) => ({
      at: Number(row.at),
      kind: row.kind === 'error' ? 'error' : 'success',
      denied: Number(row.denied) === 1,
      escalations: Number(row.escalations),
      latencyMs: Number(row.latency_ms),
      costUsd: Number(row.cost_usd),
    }));
  }

  private async lastOutcomeId(trx: Kysely<TrustTables>, scope: TrustScope): Promise<number> {
    const row = await trx
      .selectFrom('trust_outcomes')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .executeTakeFirst();
    return Number(row?.id ?? 0);
  }

  private async appendChange(
    trx: Kysely<TrustTables>,
    scope: TrustScope,
    change: ChangeRecord,
  ): Promise<void> {
    await trx
      .insertInto('trust_changes')
      .values({
        tenant_id: scope.tenantId,
        agent_id: scope.agentId,
        at: change.at,
        from_level: change.from,
        to_level: change.to,
        kind: change.kind,
        reason: change.reason,
        rule: change.rule ? JSON.stringify(change.rule) : null,
        metrics: change.metrics ? JSON.stringify(change.metrics) : null,
        actor: change.actor,
      })
      .execute();
    this.committedChanges.get(trx)?.push({ scope, change });
  }

  private async readState(scope: TrustScope) {
    const rows = await selectTrustState(this.store, this.db, scope.tenantId, scope.agentId);
    return rows[0];
  }
}

/** An agent's trust state row (read on every turn, so compiled once), the latest committed. */
const selectTrustState = compiledLatestRead((db: Kysely<TrustTables>, tenantId: string, agentId: string) =>
  db.selectFrom('trust_states').selectAll().where('tenant_id', '=', tenantId).where('agent_id', '=', agentId),
);

function roundLevel(level: number): number {
  return Math.round(level * 1e9) / 1e9;
}

function toRow(scope: TrustScope, state: TrustState, windowAfter: number, at: number): TrustStatesTable {
  return {
    tenant_id: scope.tenantId,
    agent_id: scope.agentId,
    level: state.level,
    frozen: state.frozen ? 1 : 0,
    window_after_outcome_id: windowAfter,
    window_started_at: state.windowStartedAt,
    last_change_at: state.lastChangeAt,
    gained_on_day: state.gainedOnDay,
    gained_today: state.gainedToday,
    last_outcome_at: state.lastOutcomeAt,
    last_decay_at: state.lastDecayAt,
    updated_at: at,
  };
}

function fromRow(row: TrustStatesTable): TrustState {
  return {
    level: Number(row.level),
    frozen: Number(row.frozen) === 1,
    windowStartedAt: Number(row.window_started_at),
    lastChangeAt: row.last_change_at === null ? null : Number(row.last_change_at),
    gainedOnDay: row.gained_on_day,
    gainedToday: Number(row.gained_today),
    lastOutcomeAt: row.last_outcome_at === null ? null : Number(row.last_outcome_at),
    lastDecayAt: row.last_decay_at === null ? null : Number(row.last_decay_at),
  };
}

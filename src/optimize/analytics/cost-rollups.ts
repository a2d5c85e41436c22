/**
 * Cost analytics from rollup tables, not scans of raw interactions: per tenant, agent, day and tier,
 * requests, cost and the savings against an all-model baseline (the running average cost of a model
 * answer when each cheaper answer was served). Every update is an atomic upsert increment.
 */
import { type Kysely, sql } from 'kysely';
import { isCalendarDay } from '../../config/index.js';
import { StewardError } from '../../errors/index.js';
import {
  compiledQuery,
  type Database,
  type InteractionRecord,
  type StewardStore,
} from '../../store/index.js';
import { budgetDay, fromMicroUsd, toMicroUsd } from '../budget/index.js';

type CostTables = {
  cost_rollups: {
    tenant_id: string;
    agent_id: string;
    day: string;
    tier: string;
    requests: number;
    errors: number;
    cost_micro_usd: number;
    baseline_micro_usd: number;
    input_tokens: number;
    output_tokens: number;
  };
  cost_baselines: {
    tenant_id: string;
    agent_id: string;
    model_answers: number;
    model_cost_micro_usd: number;
  };
};

export interface CostQuery {
  tenantId?: string;
  agentId?: string;
  /** First day, YYYY-MM-DD, inclusive. */
  from?: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  to?: string;
}

export interface CostRow {
  tenantId: string;
  agentId: string;
  day: string;
  tier: string;
  requests: number;
  errors: number;
  costUsd: number;
  baselineUsd: number;
  savingsUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface CostReport {
  rows: CostRow[];
  totals: {
    requests: number;
    costUsd: number;
    /** What all requests would have cost answered by the model. */
    baselineUsd: number;
    savingsUsd: number;
    /** Share of requests answered by the cache tier. */
    cacheHitRate: number;
    /** Share answered by any tier cheaper than the model. */
    offModelRate: number;
    byTier: Record<string, { requests: number; costUsd: number; savingsUsd: number }>;
  };
}

/** One interaction's figures for its day's rollup row. */
type RollupValues = [
  tenantId: string,
  agentId: string,
  day: string,
  tier: string,
  errors: number,
  cost: number,
  inputTokens: number,
  outputTokens: number,
];

/**
 * Adds one interaction to its day's rollup row, compiled once per kind. A model answer's baseline is its own
 * cost; a cheaper answer's is the agent's mean model cost so far, rounded half up to the micro-dollar (integer
 * arithmetic on both engines) and read by the upsert itself, not by a query of its own; before any model
 * answer there is none, and the cheaper answer claims no savings.
 */
function rollupUpsert(cheaper: boolean) {
  return compiledQuery(
    (
      db: Kysely<CostTables>,
      ...[tenantId, agentId, day, tier, errors, cost, inputTokens, outputTokens]: RollupValues
    ) =>
      db
        .insertInto('cost_rollups')
        .values({
          tenant_id: tenantId,
          agent_id: agentId,
          day,
          tier,
          requests: 1,
          errors,
          cost_micro_usd: cost,
          baseline_micro_usd: cheaper
            ? sql<number>`coalesce((select (b.model_cost_micro_usd + b.model_answers / 2) / b.model_answers from cost_baselines as b where b.tenant_id = ${tenantId} and b.agent_id = ${agentId} and b.model_answers > 0), ${cost})`
            : cost,
          input_tokens: inputTokens,
          output_tokens: outputTokens,
        })
        .onConflict((conflict) =>
          conflict.columns(['tenant_id', 'agent_id', 'day', 'tier']).doUpdateSet((eb) => ({
            requests: eb('cost_rollups.requests', '+', 1),
            errors: eb('cost_rollups.errors', '+', errors),
            cost_micro_usd: eb('cost_rollups.cost_micro_usd', '+', cost),
            // The value this row would have been inserted with (the baseline worked out once, above).
            baseline_micro_usd: eb(
              'cost_rollups.baseline_micro_usd',
              '+',
              sql<number>`excluded.baseline_micro_usd`,
            ),
            input_tokens: eb('cost_rollups.input_tokens', '+', inputTokens),
            output_tokens: eb('cost_rollups.output_tokens', '+', outputTokens),
          })),
        ),
  );
}

const upsertModelRollup = rollupUpsert(false);
const upsertCheaperRollup = rollupUpsert(true);

export class CostRollups {
  private readonly db: Kysely<CostTables>;

  constructor(
    private readonly store: StewardStore,
    private readonly timeZone = 'UTC',
  ) {
    this.db = store.db.withTables<CostTables>() as unknown as Kysely<CostTables>;
  }

  /** Adds one finished interaction to its day's rollup (a write grouped with other interactions'). */
  record(record: InteractionRecord): Promise<void> {
    return this.store.batchWrite((db) => this.recordIn(db, record));
  }

  /**
   * Adds one finished interaction to its day's rollup inside the caller's transaction (`db`): the agent
   * writes it with the interaction itself (the optimize primitive's `withRecord`).
   */
  async recordIn(connection: Kysely<Database>, record: InteractionRecord): Promise<void> {
    const db = connection.withTables<CostTables>() as unknown as Kysely<CostTables>;
    const cost = toMicroUsd(record.costUsd);
    const day = budgetDay(record.createdAt, this.timeZone);
    const errors = record.outcome === 'error' ? 1 : 0;
    const { inputTokens, outputTokens } = record.usage;
    const values: RollupValues = [
      record.tenantId,
      record.agentId,
      day,
      record.tier,
      errors,
      cost,
      inputTokens,
      outputTokens,
    ];
    if (record.tier !== 'intelligent') {
      // A cheaper answer's baseline is the model's mean cost so far, read by the upsert itself.
      await upsertCheaperRollup(db, ...values);
      return;
    }
    await db
      .insertInto('cost_baselines')
      .values({
        tenant_id: record.tenantId,
        agent_id: record.agentId,
        model_answers: 1,
        model_cost_micro_usd: cost,
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'agent_id']).doUpdateSet((eb) => ({
          model_answers: eb('cost_baselines.model_answers', '+', 1),
          model_cost_micro_usd: eb('cost_baselines.model_cost_micro_usd', '+', cost),
        })),
      )
      .execute();
    await upsertModelRollup(db, ...values);
  }

  /**
   * Adds model spend that answered no request (e.g. `learn/generation`, writing a handler) to its day's
   * rollup under `category`: its cost, no request and no savings (its baseline is its cost).
   */
  async recordSpend(spend: {
    tenantId: string;
    agentId: string;
    category: string;
    costUsd: number;
    at: number;
  }): Promise<void> {
    const cost = toMicroUsd(spend.costUsd);
    await this.db
      .insertInto('cost_rollups')
      .values({
        tenant_id: spend.tenantId,
        agent_id: spend.agentId,
        day: budgetDay(spend.at, this.timeZone),
        tier: spend.category,
        requests: 0,
        errors: 0,
        cost_micro_usd: cost,
        baseline_micro_usd: cost,
        input_tokens: 0,
        output_tokens: 0,
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'agent_id', 'day', 'tier']).doUpdateSet((eb) => ({
          cost_micro_usd: eb('cost_rollups.cost_micro_usd', '+', cost),
          baseline_micro_usd: eb('cost_rollups.baseline_micro_usd', '+', cost),
        })),
      )
      .execute();
  }

  async report(query: CostQuery = {}): Promise<CostReport> {
    for (const [name, value] of [
      ['from', query.from],
      ['to', query.to],
    ] as const) {
      if (value !== undefined && !isCalendarDay(value)) {
        throw new StewardError(
          'invalid-request',
          `${name} must be a day as YYYY-MM-DD that exists on the calendar, received "${value}"`,
        );
      }
    }
    let builder = this.db.selectFrom('cost_rollups').selectAll();
    if (query.tenantId) builder = builder.where('tenant_id', '=', query.tenantId);
    if (query.agentId) builder = builder.where('agent_id', '=', query.agentId);
    if (query.from) builder = builder.where('day', '>=', query.from);
    if (query.to) builder = builder.where('day', '<=', query.to);
    const rows = (
      await builder.orderBy('day').orderBy('tenant_id').orderBy('agent_id').orderBy('tier').execute()
    ).map((row): CostRow => {
      const costUsd = fromMicroUsd(Number(row.cost_micro_usd));
      const baselineUsd = fromMicroUsd(Number(row.baseline_micro_usd));
      return {
        tenantId: row.tenant_id,
        agentId: row.agent_id,
        day: row.day,
        tier: row.tier,
        requests: Number(row.requests),
        errors: Number(row.errors),
        costUsd,
        baselineUsd,
        savingsUsd: Math.max(0, baselineUsd - costUsd),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
      };
    });
    const byTier: CostReport['totals']['byTier'] = {};
    let requests = 0;
    let costUsd = 0;
    let baselineUsd = 0;
    let savingsUsd = 0;
    for (const row of rows) {
      const tier = byTier[row.tier] ?? { requests: 0, costUsd: 0, savingsUsd: 0 };
      byTier[row.tier] = tier;
      tier.requests += row.requests;
      tier.costUsd += row.costUsd;
      tier.savingsUsd += row.savingsUsd;
      requests += row.requests;
      costUsd += row.costUsd;
      baselineUsd += row.baselineUsd;
      savingsUsd += row.savingsUsd;
    }
    const share = (count: number) => (requests === 0 ? 0 : count / requests);
    const offModel = rows.filter((row) => row.tier === 'cache' || row.tier === 'pattern');
    return {
      rows,
      totals: {
        requests,
        costUsd,
        baselineUsd,
        savingsUsd,
        cacheHitRate: share(byTier.cache?.requests ?? 0),
        offModelRate: share(offModel.reduce((sum, row) => sum + row.requests, 0)),
        byTier,
      },
    };
  }
}

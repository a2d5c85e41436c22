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
  type RowKind,
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

/** The figures of one day's rollup row added up over one or more interactions of one tier. */
type RollupValues = [
  tenantId: string,
  agentId: string,
  day: string,
  tier: string,
  requests: number,
  errors: number,
  cost: number,
  inputTokens: number,
  outputTokens: number,
];

/**
 * Adds interactions to their day's rollup row, compiled once per kind. A model answer's baseline is its own
 * cost; a cheaper answer's is the agent's mean model cost so far, rounded half up to the micro-dollar (integer
 * arithmetic on both engines) and read by the upsert itself, not by a query of its own; before any model
 * answer there is none, and the cheaper answer claims no savings. Every increment is the inserted row's
 * own value (`excluded`), so one statement adds any number of interactions of one key.
 */
function rollupUpsert(cheaper: boolean) {
  return compiledQuery(
    (
      db: Kysely<CostTables>,
      ...[tenantId, agentId, day, tier, requests, errors, cost, inputTokens, outputTokens]: RollupValues
    ) =>
      db
        .insertInto('cost_rollups')
        .values({
          tenant_id: tenantId,
          agent_id: agentId,
          day,
          tier,
          requests,
          errors,
          cost_micro_usd: cost,
          baseline_micro_usd: cheaper
            ? sql<number>`coalesce((select ((b.model_cost_micro_usd + b.model_answers / 2) / b.model_answers) * ${requests} from cost_baselines as b where b.tenant_id = ${tenantId} and b.agent_id = ${agentId} and b.model_answers > 0), ${cost})`
            : cost,
          input_tokens: inputTokens,
          output_tokens: outputTokens,
        })
        .onConflict((conflict) =>
          conflict.columns(['tenant_id', 'agent_id', 'day', 'tier']).doUpdateSet((eb) => ({
            requests: eb('cost_rollups.requests', '+', eb.ref('excluded.requests')),
            errors: eb('cost_rollups.errors', '+', eb.ref('excluded.errors')),
            cost_micro_usd: eb('cost_rollups.cost_micro_usd', '+', eb.ref('excluded.cost_micro_usd')),
            // The value this row would have been inserted with (the baseline worked out once, above).
            baseline_micro_usd: eb(
              'cost_rollups.baseline_micro_usd',
              '+',
              sql<number>`excluded.baseline_micro_usd`,
            ),
            input_tokens: eb('cost_rollups.input_tokens', '+', eb.ref('excluded.input_tokens')),
            output_tokens: eb('cost_rollups.output_tokens', '+', eb.ref('excluded.output_tokens')),
          })),
        ),
  );
}

const upsertModelRollup = rollupUpsert(false);
const upsertCheaperRollup = rollupUpsert(true);

/** Adds model answers (their count and cost) to the agent's running mean, which cheaper answers' baselines read. */
const upsertBaseline = compiledQuery(
  (db: Kysely<CostTables>, tenantId: string, agentId: string, answers: number, cost: number) =>
    db
      .insertInto('cost_baselines')
      .values({ tenant_id: tenantId, agent_id: agentId, model_answers: answers, model_cost_micro_usd: cost })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'agent_id']).doUpdateSet((eb) => ({
          model_answers: eb('cost_baselines.model_answers', '+', eb.ref('excluded.model_answers')),
          model_cost_micro_usd: eb(
            'cost_baselines.model_cost_micro_usd',
            '+',
            eb.ref('excluded.model_cost_micro_usd'),
          ),
        })),
      ),
);

/**
 * Adds interactions to their rollup rows: added up per row first (one upsert per tenant, agent, day and
 * tier, however many interactions), model answers before cheaper ones, so a cheaper answer's baseline is
 * the model's mean cost as of its transaction, that transaction's model answers included.
 */
async function addInteractions(
  connection: Kysely<Database>,
  records: readonly InteractionRecord[],
  timeZone: string,
): Promise<void> {
  const db = connection.withTables<CostTables>() as unknown as Kysely<CostTables>;
  const rows = new Map<string, RollupValues>();
  const baselines = new Map<string, [tenantId: string, agentId: string, answers: number, cost: number]>();
  for (const record of records) {
    const cost = toMicroUsd(record.costUsd);
    const day = budgetDay(record.createdAt, timeZone);
    const key = JSON.stringify([record.tenantId, record.agentId, day, record.tier]);
    const row = rows.get(key) ?? [record.tenantId, record.agentId, day, record.tier, 0, 0, 0, 0, 0];
    row[4] += 1;
    row[5] += record.outcome === 'error' ? 1 : 0;
    row[6] += cost;
    row[7] += record.usage.inputTokens;
    row[8] += record.usage.outputTokens;
    rows.set(key, row);
    if (record.tier === 'intelligent') {
      const agentKey = JSON.stringify([record.tenantId, record.agentId]);
      const baseline = baselines.get(agentKey) ?? [record.tenantId, record.agentId, 0, 0];
      baseline[2] += 1;
      baseline[3] += cost;
      baselines.set(agentKey, baseline);
    }
  }
  for (const baseline of baselines.values()) await upsertBaseline(db, ...baseline);
  for (const row of rows.values()) if (row[3] === 'intelligent') await upsertModelRollup(db, ...row);
  // A cheaper answer's baseline is the model's mean cost so far, read by the upsert itself.
  for (const row of rows.values()) if (row[3] !== 'intelligent') await upsertCheaperRollup(db, ...row);
}

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
   * Adds one finished interaction to its day's rollup inside the caller's transaction (`db`). The agent
   * hands its interactions to `rows` instead, so a commit's interactions are added up together.
   */
  async recordIn(connection: Kysely<Database>, record: InteractionRecord): Promise<void> {
    await addInteractions(connection, [record], this.timeZone);
  }

  /**
   * Interactions handed to a shared transaction (`rows.add(costs.rows, record)` in `store.batchWrite`):
   * added to their rollup rows together before it commits, one upsert per row however many there are.
   */
  readonly rows: RowKind<InteractionRecord> = {
    flush: (db, records) => addInteractions(db, records, this.timeZone),
  };

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

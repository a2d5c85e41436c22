/**
 * The cache tier ($0): an exact match on the normalised request, then the configured rules (named intents
 * with a fixed response), then the nearest cached request by embedding, guarded against false hits.
 * Entries are scoped by tenant, agent and what shapes an answer, so nothing crosses tenants.
 */
import type { Kysely } from 'kysely';
import type { AnswerTier, TierAnswer, TierContext } from '../pipeline/index.js';
import { emptyUsage } from '../runtime/index.js';
import { compiledLatestRead, type StewardStore, timeOrderedId } from '../store/index.js';
import {
  type AnswerShape,
  type CacheScope,
  checkEcho,
  checkSemanticHit,
  createHashingEmbedder,
  createIntentMatcher,
  createScoper,
  decodeVector,
  type Embedder,
  encodeVector,
  exactKey,
  type IntentMatcher,
  normalizeRequest,
  ScopedIndexes,
} from './cache/index.js';
import type { ResolvedOptimizationConfig } from './config.js';
import { embedRequest } from './request-embedding.js';
import { answerReusability } from './reusability.js';

type CacheTables = {
  cache_entries: {
    id: string;
    tenant_id: string;
    agent_id: string;
    shape_hash: string;
    exact_key: string;
    request_text: string;
    response_text: string;
    embedding: string | null;
    embedder_id: string | null;
    created_at: number;
    expires_at: number;
    hits: number;
  };
};

const defaultTtlSeconds = 3600;

export interface CacheTierOptions {
  shape: AnswerShape;
  now?: () => number;
  /** Default: the built-in offline hashing embedder. */
  embedder?: Embedder;
  /** Whether the answers being cached came from a local simulated model (carried onto every hit). */
  simulatedModel?: boolean;
}

/** Why an answer was or was not stored. */
export type CacheabilityVerdict =
  | { cacheable: true }
  | { cacheable: false; reason: 'error' | 'side-effect-tool' | 'pii' | 'follow-up-turn' | 'cache-off' };

/** The unexpired entry of an exact request (looked up for every message), the latest committed, compiled once. */
const selectExactEntry = compiledLatestRead(
  (db: Kysely<CacheTables>, tenantId: string, agentId: string, key: string, now: number) =>
    db
      .selectFrom('cache_entries')
      .select(['id', 'response_text'])
      .where('tenant_id', '=', tenantId)
      .where('agent_id', '=', agentId)
      .where('exact_key', '=', key)
      .where('expires_at', '>', now),
);
export class CacheTier implements AnswerTier {
  readonly name = 'cache' as const;
  private readonly db: Kysely<CacheTables>;
  private readonly now: () => number;
  private readonly embedder: Embedder;
  private readonly scoper: (context: TierContext) => CacheScope;
  private readonly similarity: { threshold: number; ttl: number } | undefined;
  private readonly rules: Array<{ intent: string; response: string }>;
  private readonly intents: IntentMatcher | undefined;
  private readonly indexes: ScopedIndexes;
  private readonly simulatedModel: boolean;

  constructor(
    private readonly entries: StewardStore,
    private readonly config: ResolvedOptimizationConfig,
    options: CacheTierOptions,
  ) {
    this.db = entries.db.withTables<CacheTables>() as unknown as Kysely<CacheTables>;
    this.now = options.now ?? Date.now;
    this.embedder = options.embedder ?? createHashingEmbedder();
    this.scoper = createScoper(options.shape);
    this.simulatedModel = options.simulatedModel ?? false;
    const semantic = config.cacheRules.find((rule) => 'similarity' in rule);
    this.similarity =
      semantic && 'similarity' in semantic
        ? { threshold: semantic.similarity, ttl: semantic.ttl }
        : undefined;
    this.rules = config.cacheRules.flatMap((rule) =>
      'pattern' in rule && rule.response ? [{ intent: rule.pattern, response: rule.response }] : [],
    );
    this.intents =
      this.rules.length > 0
        ? createIntentMatcher({ embedder: this.embedder, intents: this.rules.map((rule) => rule.intent) })
        : undefined;
    this.indexes = new ScopedIndexes({
      dimensions: this.embedder.dimensions,
      now: this.now,
      load: (scope) => this.loadScope(scope),
    });
  }

  async answer(context: TierContext): Promise<TierAnswer | undefined> {
    if (!this.config.enableCache) return undefined;
    const scope = this.scopeOf(context);
    const normalized = normalizeRequest(context.text);
    const now = this.now();
    const [exact] = await selectExactEntry(
      this.entries,
      this.db,
      scope.tenantId,
      scope.agentId,
      exactKey(scope, normalized),
      now,
    );
    if (exact) return this.hit(exact.id, exact.response_text);

    if (this.intents) {
      const match = await this.intents.matchIntent(context.text);
      const rule = match && this.rules.find((candidate) => candidate.intent === match.intent);
      if (rule) return served(rule.response, this.simulatedModel);
    }

    if (this.similarity) {
      const vector = await embedRequest(this.embedder, context);
      // The nearest few, best first: serve the first one the false-hit guards accept.
      const nearest = await this.indexes.search(scope, vector, 5, this.similarity.threshold);
      for (const candidate of nearest) {
        const entry = await this.db
          .selectFrom('cache_entries')
          .select(['id', 'request_text', 'response_text'])
          .where('id', '=', candidate.id)
          .where('tenant_id', '=', scope.tenantId)
          .where('expires_at', '>', now)
          .executeTakeFirst();
        // The guards: no contradiction of facts, and no answer shaped by words only the cached request had.
        if (
          entry &&
          checkSemanticHit(context.text, entry.request_text).ok &&
          checkEcho(context.text, entry.request_text, entry.response_text).ok
        ) {
          return this.hit(entry.id, entry.response_text);
        }
      }
    }
    return undefined;
  }

  /**
   * Whether a model answer may be stored: never one from a failed run, a turn with a tool that has side
   * effects, text with personal data, or a follow-up turn whose answer depended on the conversation.
   */
  cacheability(context: TierContext, answer: TierAnswer, followUpTurn: boolean): CacheabilityVerdict {
    if (!this.config.enableCache) return { cacheable: false, reason: 'cache-off' };
    const verdict = answerReusability(context, answer, followUpTurn);
    return verdict.reusable ? { cacheable: true } : { cacheable: false, reason: verdict.reason };
  }

  /** Stores a model answer when it is cacheable; returns the verdict. */
  async store(context: TierContext, answer: TierAnswer, followUpTurn: boolean): Promise<CacheabilityVerdict> {
    const verdict = this.cacheability(context, answer, followUpTurn);
    if (!verdict.cacheable) return verdict;
    const scope = this.scopeOf(context);
    const normalized = normalizeRequest(context.text);
    const now = this.now();
    const expiresAt = now + (this.similarity?.ttl ?? defaultTtlSeconds) * 1000;
    const vector = this.similarity ? await embedRequest(this.embedder, context) : undefined;
    const id = timeOrderedId();
    const embedding = vector ? encodeVector(vector) : null;
    await this.db
      .insertInto('cache_entries')
      .values({
        id,
        tenant_id: scope.tenantId,
        agent_id: scope.agentId,
        shape_hash: scope.shapeHash,
        exact_key: exactKey(scope, normalized),
        request_text: context.text,
        response_text: answer.text,
        embedding,
        embedder_id: vector ? this.embedder.id : null,
        created_at: now,
        expires_at: expiresAt,
        hits: 0,
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'agent_id', 'exact_key']).doUpdateSet({
          response_text: answer.text,
          expires_at: expiresAt,
        }),
      )
      .execute();
    if (vector) await this.indexes.add(scope, { id, vector, expiresAt });
    return verdict;
  }

  /** Drops cached entries of a tenant, optionally of one agent or one entry; returns how many. */
  async invalidate(selector: { tenantId: string; agentId?: string; id?: string }): Promise<number> {
    let query = this.db.deleteFrom('cache_entries').where('tenant_id', '=', selector.tenantId);
    if (selector.agentId) query = query.where('agent_id', '=', selector.agentId);
    if (selector.id) query = query.where('id', '=', selector.id);
    const result = await query.executeTakeFirst();
    this.indexes.invalidate({
      tenantId: selector.tenantId,
      ...(selector.agentId ? { agentId: selector.agentId } : {}),
    });
    return Number(result.numDeletedRows);
  }

  private scopeOf(context: TierContext): CacheScope {
    return this.scoper(context);
  }

  private async hit(id: string, text: string): Promise<TierAnswer> {
    await this.db
      .updateTable('cache_entries')
      .set((eb) => ({ hits: eb('hits', '+', 1) }))
      .where('id', '=', id)
      .execute();
    return served(text, this.simulatedModel);
  }

  private async loadScope(scope: CacheScope) {
    const rows = await this.db
      .selectFrom('cache_entries')
      .select(['id', 'embedding', 'expires_at'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('shape_hash', '=', scope.shapeHash)
      .where('embedder_id', '=', this.embedder.id)
      .where('expires_at', '>', this.now())
      .execute();
    return rows.flatMap((row) => {
      if (!row.embedding) return [];
      const vector = decodeVector(row.embedding);
      return [{ id: row.id, vector, expiresAt: Number(row.expires_at) }];
    });
  }
}

function served(text: string, simulatedModel: boolean): TierAnswer {
  return {
    text,
    costUsd: 0,
    usage: emptyUsage(),
    toolCalls: [],
    outcome: 'success',
    queueWaitMs: 0,
    simulatedModel,
  };
}

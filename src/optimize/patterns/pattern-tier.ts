/**
 * The pattern tier (~$0.001): requests that keep getting the same model answer become patterns, served
 * without the model. Every reusable model answer is observed (its request's embedding and a key of the
 * answer); an answer seen `minFrequency` times becomes an active pattern (with `autoDetect`); a new
 * request is answered by a pattern when the similarity-weighted votes of its nearest observed requests
 * give that pattern's answer at least `confidence` of the vote, and the false-hit guards agree. In
 * shadow mode the model still answers and each pattern counts how often it would have been right.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { StewardError } from '../../errors/index.js';
import type { EventBus } from '../../events/index.js';
import type { AnswerTier, TierAnswer, TierContext } from '../../pipeline/index.js';
import { emptyUsage } from '../../runtime/index.js';
import { type StewardStore, timeOrderedId } from '../../store/index.js';
import {
  type AnswerShape,
  type CacheScope,
  checkEcho,
  checkSemanticHit,
  createHashingEmbedder,
  createScoper,
  decodeVector,
  type Embedder,
  encodeVector,
  normalizeRequest,
  ScopedIndexes,
} from '../cache/index.js';
import type { ResolvedOptimizationConfig } from '../config.js';
import { embedRequest } from '../request-embedding.js';
import { answerReusability, type ReusabilityVerdict } from '../reusability.js';
import { voteOnNeighbours } from './vote.js';

export type PatternConfig = NonNullable<ResolvedOptimizationConfig['patterns']>;
export type PatternStatus = 'candidate' | 'active' | 'retired';

type PatternTables = {
  pattern_observations: {
    id: string;
    tenant_id: string;
    agent_id: string;
    shape_hash: string;
    answer_key: string;
    request_text: string;
    embedding: string;
    embedder_id: string;
    interaction_id: string;
    created_at: number;
  };
  patterns: {
    id: string;
    tenant_id: string;
    agent_id: string;
    shape_hash: string;
    answer_key: string;
    response_text: string;
    status: PatternStatus;
    support: number;
    served: number;
    shadow_agreed: number;
    shadow_disagreed: number;
    created_at: number;
    updated_at: number;
    activated_at: number | null;
  };
};

/** A pattern as listed by `list` and the API. */
export interface Pattern {
  id: string;
  tenantId: string;
  agentId: string;
  shapeHash: string;
  responseText: string;
  status: PatternStatus;
  /** Observed model answers with this answer. */
  support: number;
  /** Requests this pattern answered. */
  served: number;
  /** Shadow mode: requests it would have answered where the model gave the same answer / another one. */
  shadow: { agreed: number; disagreed: number };
  createdAt: number;
  updatedAt: number;
  activatedAt: number | null;
}

export interface PatternTierOptions {
  shape: AnswerShape;
  /** Default: the built-in offline hashing embedder (share one with the cache tier). */
  embedder?: Embedder;
  now?: () => number;
  newId?: () => string;
  /** Receives `pattern-activated`. */
  bus?: EventBus;
  /** Whether the answers being observed came from a local simulated model (carried onto every answer). */
  simulatedModel?: boolean;
  /** Memory bound of the in-process indexes, bytes; default 256 MiB. */
  maxIndexBytes?: number;
}

/** Observations between two checks of a scope's size against `maxObservations`. */
const PRUNE_EVERY = 256;
/** Shadow predictions waiting for their model answer, at most (oldest dropped first). */
const MAX_PENDING_SHADOWS = 10_000;

/**
 * @example
 * const patterns = new PatternTier(store, { autoDetect: true, minFrequency: 10, confidence: 0.9, ... }, { shape: { tools: [] } });
 * const answer = await patterns.answer(context); // undefined: pass to the next tier
 * if (!answer) await patterns.observe(context, modelAnswer, false);
 */
export class PatternTier implements AnswerTier {
  readonly name = 'pattern' as const;
  readonly config: PatternConfig;
  private readonly db: Kysely<PatternTables>;
  private readonly embedder: Embedder;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly bus: EventBus | undefined;
  private readonly scoper: (context: TierContext) => CacheScope;
  private readonly indexes: ScopedIndexes;
  private readonly simulatedModel: boolean;
  private readonly sinceCheck = new Map<string, number>();
  /** Shadow mode: interaction id → the pattern that would have answered it. */
  private readonly shadows = new Map<string, { patternId: string; answerKey: string }>();

  constructor(store: StewardStore, config: PatternConfig, options: PatternTierOptions) {
    this.db = store.db.withTables<PatternTables>() as unknown as Kysely<PatternTables>;
    this.config = config;
    this.embedder = options.embedder ?? createHashingEmbedder();
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? timeOrderedId;
    this.bus = options.bus;
    this.scoper = createScoper(options.shape);
    this.simulatedModel = options.simulatedModel ?? false;
    this.indexes = new ScopedIndexes({
      dimensions: this.embedder.dimensions,
      now: this.now,
      load: (scope) => this.loadScope(scope),
      ...(options.maxIndexBytes ? { maxBytes: options.maxIndexBytes } : {}),
    });
  }

  async answer(context: TierContext): Promise<TierAnswer | undefined> {
    const scope = this.scopeOf(context);
    const vector = await embedRequest(this.embedder, context);
    const nearest = await this.indexes.search(scope, vector, this.config.neighbors);
    const vote = voteOnNeighbours(
      nearest.map((match) => ({ answerKey: answerKeyOf(match.id), similarity: match.similarity })),
    );
    if (!vote || vote.share < this.config.confidence || vote.bestSimilarity < this.config.minSimilarity) {
      return undefined;
    }
    const pattern = await this.db
      .selectFrom('patterns')
      .select(['id', 'response_text'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('shape_hash', '=', scope.shapeHash)
      .where('answer_key', '=', vote.answerKey)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!pattern) return undefined;
    // The closest request that got this answer must not contradict this one (negation, amounts, dates…).
    const closest = nearest.find((match) => answerKeyOf(match.id) === vote.answerKey)!;
    const example = await this.db
      .selectFrom('pattern_observations')
      .select('request_text')
      .where('id', '=', observationIdOf(closest.id))
      .where('tenant_id', '=', scope.tenantId)
      .executeTakeFirst();
    if (!example || !checkSemanticHit(context.text, example.request_text).ok) return undefined;
    // Nor may the pattern's answer repeat words that request had and this one lacks (see checkEcho).
    if (!checkEcho(context.text, example.request_text, pattern.response_text).ok) return undefined;
    if (this.config.mode === 'shadow') {
      this.shadows.set(context.interactionId, { patternId: pattern.id, answerKey: vote.answerKey });
      if (this.shadows.size > MAX_PENDING_SHADOWS) this.shadows.delete(this.shadows.keys().next().value!);
      return undefined;
    }
    await this.db
      .updateTable('patterns')
      .set((eb) => ({ served: eb('served', '+', 1) }))
      .where('id', '=', pattern.id)
      .execute();
    return {
      text: pattern.response_text,
      costUsd: this.config.costPerAnswer,
      usage: emptyUsage(),
      toolCalls: [],
      outcome: 'success',
      queueWaitMs: 0,
      simulatedModel: this.simulatedModel,
    };
  }

  /**
   * Records a model answer when it may be reused (see answerReusability), counts it toward its answer's
   * pattern, and activates the pattern once `minFrequency` answers agree (with `autoDetect`).
   */
  async observe(
    context: TierContext,
    answer: TierAnswer,
    followUpTurn: boolean,
  ): Promise<ReusabilityVerdict> {
    const verdict = answerReusability(context, answer, followUpTurn);
    const shadow = this.shadows.get(context.interactionId);
    this.shadows.delete(context.interactionId);
    if (!verdict.reusable) return verdict;
    const scope = this.scopeOf(context);
    const answerKey = sha256Hex(normalizeRequest(answer.text));
    if (shadow) {
      const agreed = shadow.answerKey === answerKey;
      await this.db
        .updateTable('patterns')
        .set((eb) =>
          agreed
            ? { shadow_agreed: eb('shadow_agreed', '+', 1) }
            : { shadow_disagreed: eb('shadow_disagreed', '+', 1) },
        )
        .where('id', '=', shadow.patternId)
        .where('tenant_id', '=', scope.tenantId)
        .execute();
    }
    const vector = await embedRequest(this.embedder, context);
    const now = this.now();
    const observationId = this.newId();
    await this.db
      .insertInto('pattern_observations')
      .values({
        id: observationId,
        tenant_id: scope.tenantId,
        agent_id: scope.agentId,
        shape_hash: scope.shapeHash,
        answer_key: answerKey,
        request_text: context.text,
        embedding: encodeVector(vector),
        embedder_id: this.embedder.id,
        interaction_id: context.interactionId,
        created_at: now,
      })
      .execute();
    await this.db
      .insertInto('patterns')
      .values({
        id: this.newId(),
        tenant_id: scope.tenantId,
        agent_id: scope.agentId,
        shape_hash: scope.shapeHash,
        answer_key: answerKey,
        response_text: answer.text,
        status: 'candidate',
        support: 1,
        served: 0,
        shadow_agreed: 0,
        shadow_disagreed: 0,
        created_at: now,
        updated_at: now,
        activated_at: null,
      })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'agent_id', 'shape_hash', 'answer_key']).doUpdateSet((eb) => ({
          support: eb('patterns.support', '+', 1),
          updated_at: now,
        })),
      )
      .execute();
    if (this.config.autoDetect) await this.activate(scope, answerKey, now);
    await this.indexes.add(scope, { id: indexId(answerKey, observationId), vector: vector });
    await this.pruneIfDue(scope);
    return verdict;
  }

  /** Patterns of a tenant (optionally one agent and status), most served first. */
  async list(selector: { tenantId: string; agentId?: string; status?: PatternStatus }): Promise<Pattern[]> {
    let query = this.db.selectFrom('patterns').selectAll().where('tenant_id', '=', selector.tenantId);
    if (selector.agentId) query = query.where('agent_id', '=', selector.agentId);
    if (selector.status) query = query.where('status', '=', selector.status);
    const rows = await query.orderBy('served', 'desc').orderBy('support', 'desc').orderBy('id').execute();
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      agentId: row.agent_id,
      shapeHash: row.shape_hash,
      responseText: row.response_text,
      status: row.status,
      support: Number(row.support),
      served: Number(row.served),
      shadow: { agreed: Number(row.shadow_agreed), disagreed: Number(row.shadow_disagreed) },
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      activatedAt: row.activated_at === null ? null : Number(row.activated_at),
    }));
  }

  /**
   * Stops a pattern from answering, for good (it does not come back as more answers agree). Throws
   * `not-found` for a pattern this tenant's agent does not have.
   */
  async retire(selector: { tenantId: string; agentId: string; id: string; actor?: string }): Promise<void> {
    const result = await this.db
      .updateTable('patterns')
      .set({ status: 'retired', updated_at: this.now() })
      .where('id', '=', selector.id)
      .where('tenant_id', '=', selector.tenantId)
      .where('agent_id', '=', selector.agentId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      throw new StewardError('not-found', `agent ${selector.agentId} has no pattern "${selector.id}"`);
    }
    await this.bus?.emit('operator-action', {
      tenantId: selector.tenantId,
      agentId: selector.agentId,
      at: this.now(),
      action: 'pattern-retired',
      ...(selector.actor ? { actor: selector.actor } : {}),
      details: { patternId: selector.id },
    });
  }

  /** Forgets a tenant's (or one agent's) patterns and observations; returns how many patterns were dropped. */
  async invalidate(selector: { tenantId: string; agentId?: string; actor?: string }): Promise<number> {
    let observations = this.db.deleteFrom('pattern_observations').where('tenant_id', '=', selector.tenantId);
    let patterns = this.db.deleteFrom('patterns').where('tenant_id', '=', selector.tenantId);
    if (selector.agentId) {
      observations = observations.where('agent_id', '=', selector.agentId);
      patterns = patterns.where('agent_id', '=', selector.agentId);
    }
    await observations.execute();
    const result = await patterns.executeTakeFirst();
    this.indexes.invalidate(selector);
    const removed = Number(result.numDeletedRows);
    if (selector.agentId) {
      await this.bus?.emit('operator-action', {
        tenantId: selector.tenantId,
        agentId: selector.agentId,
        at: this.now(),
        action: 'patterns-forgotten',
        ...(selector.actor ? { actor: selector.actor } : {}),
        details: { removed },
      });
    }
    return removed;
  }

  private async activate(scope: CacheScope, answerKey: string, now: number): Promise<void> {
    // Conditional, so exactly one instance activates a pattern and announces it.
    const result = await this.db
      .updateTable('patterns')
      .set({ status: 'active', activated_at: now, updated_at: now })
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('shape_hash', '=', scope.shapeHash)
      .where('answer_key', '=', answerKey)
      .where('status', '=', 'candidate')
      .where('support', '>=', this.config.minFrequency)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0 || !this.bus) return;
    const row = await this.db
      .selectFrom('patterns')
      .select(['id', 'support'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('shape_hash', '=', scope.shapeHash)
      .where('answer_key', '=', answerKey)
      .executeTakeFirstOrThrow();
    await this.bus.emit('pattern-activated', {
      tenantId: scope.tenantId,
      agentId: scope.agentId,
      at: now,
      patternId: row.id,
      support: Number(row.support),
    });
  }

  /** Keeps a scope at `maxObservations`, dropping the oldest; checked every few hundred observations. */
  private async pruneIfDue(scope: CacheScope): Promise<void> {
    const key = `${scope.tenantId}\u0000${scope.agentId}\u0000${scope.shapeHash}`;
    const count = (this.sinceCheck.get(key) ?? 0) + 1;
    this.sinceCheck.set(key, count % PRUNE_EVERY);
    if (count < PRUNE_EVERY) return;
    const cutoff = await this.db
      .selectFrom('pattern_observations')
      .select('created_at')
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('shape_hash', '=', scope.shapeHash)
      .orderBy('created_at', 'desc')
      .offset(this.config.maxObservations)
      .limit(1)
      .executeTakeFirst();
    if (!cutoff) return;
    await this.db
      .deleteFrom('pattern_observations')
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('shape_hash', '=', scope.shapeHash)
      .where('created_at', '<=', Number(cutoff.created_at))
      .execute();
    this.indexes.invalidate(scope);
  }

  private scopeOf(context: TierContext): CacheScope {
    return this.scoper(context);
  }

  private async loadScope(scope: CacheScope) {
    const rows = await this.db
      .selectFrom('pattern_observations')
      .select(['id', 'answer_key', 'embedding'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('shape_hash', '=', scope.shapeHash)
      .where('embedder_id', '=', this.embedder.id)
      .execute();
    return rows.map((row) => {
      const vector = decodeVector(row.embedding);
      return { id: indexId(row.answer_key, row.id), vector };
    });
  }
}

// In-memory index ids carry the answer key, so a vote needs no store round trip.
function indexId(answerKey: string, observationId: string): string {
  return `${answerKey}:${observationId}`;
}

function answerKeyOf(id: string): string {
  return id.slice(0, id.indexOf(':'));
}

function observationIdOf(id: string): string {
  return id.slice(id.indexOf(':') + 1);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

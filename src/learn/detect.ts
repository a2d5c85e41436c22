/**
 * Detect: clusters an agent's recent reusable model answers (the pattern tier's observations) and finds
 * the clusters worth a handler. A cluster is the observations of one policy scope that got one answer
 * (one answer key: the same normalised reply). Its confidence is the consistency of its answers: the share of
 * its members whose request (normalised as the pattern tier does) got this answer every time the scope saw
 * it. A request answered differently on another occasion makes its cluster less certain; a cluster whose
 * requests always got the one answer has confidence 1.
 *
 * Separation from the neighbours is measured and reported (it orders the near misses), but it does not gate:
 * it is the smaller of two shares read from the pattern tier's request embeddings (of the observations
 * whose nearest cluster centre is this one, the share with this answer; of the members, the share nearer
 * their own centre than any other), i.e. how well a nearest-centre rule in that embedding tells the
 * cluster apart. On paraphrase-heavy traffic with many kinds of request (banking77: 77 intents) that rule
 * is right for only about 75% of requests (median measured on banking77's train set: 0.76, min 0.43), so
 * gating on it at 0.95 detected nothing, although the answers in every cluster were all the same. Whether
 * a handler can tell the cluster apart is what validation measures directly, on the held-out members and
 * on the others (≥ 99.5% abstention), with the handler itself rather than a proxy.
 *
 * Cohesion (mean similarity of the members to their centre) is reported alongside; it does not gate.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { normalizeRequest } from '../optimize/index.js';
import type { Redactor } from '../privacy/index.js';
import type { StewardStore } from '../store/index.js';
import type { ClusterExample, ClusterSummary } from './capability-store.js';

type ObservationTables = {
  pattern_observations: {
    id: string;
    tenant_id: string;
    agent_id: string;
    shape_hash: string;
    answer_key: string;
    request_text: string;
    embedding: string;
    created_at: number;
  };
  patterns: {
    tenant_id: string;
    agent_id: string;
    shape_hash: string;
    answer_key: string;
    response_text: string;
  };
};

export interface DetectOptions {
  minOccurrences: number;
  confidenceThreshold: number;
  /** Observations older than this many milliseconds before `now` are ignored. */
  timeWindowMs: number;
  now: number;
}

/** A detected cluster of one scope, ready to become a capability. */
export interface DetectedCluster {
  scopeKey: string;
  /** The answer key: the cluster's identity across detection runs. */
  signature: string;
  summary: ClusterSummary;
  /** Requests of the scope outside this cluster (masked): validation's "others". */
  others: string[];
  /** When each member was observed (ms): a rolled-back cluster regenerates only on members newer than its rollback. */
  memberTimes: number[];
}

interface Observation {
  id: string;
  scopeKey: string;
  answerKey: string;
  request: string;
  vector: Float32Array;
  createdAt: number;
}

/** Members shown to the model at most; the rest (and at least a third) are held out for validation. */
const MAX_TRAINING = 24;
const MAX_NEAR_MISSES = 12;
const NEIGHBOURS_FOR_NEAR_MISSES = 3;

/**
 * @example
 * const clusters = await detectClusters(store, { tenantId: 'acme', agentId: 'desk' }, redactor,
 *   { minOccurrences: 10, confidenceThreshold: 0.95, timeWindowMs: 7 * 86_400_000, now: Date.now() });
 */
export async function detectClusters(
  store: StewardStore,
  selector: { tenantId: string; agentId: string },
  redactor: Redactor,
  options: DetectOptions,
): Promise<{ candidates: DetectedCluster[]; clusters: number; observations: number }> {
  const db = store.db.withTables<ObservationTables>() as unknown as Kysely<ObservationTables>;
  const rows = await db
    .selectFrom('pattern_observations')
    .select(['id', 'shape_hash', 'answer_key', 'request_text', 'embedding', 'created_at'])
    .where('tenant_id', '=', selector.tenantId)
    .where('agent_id', '=', selector.agentId)
    .where('created_at', '>=', options.now - options.timeWindowMs)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const answers = await db
    .selectFrom('patterns')
    .select(['shape_hash', 'answer_key', 'response_text'])
    .where('tenant_id', '=', selector.tenantId)
    .where('agent_id', '=', selector.agentId)
    .execute();
  const answerText = new Map(
    answers.map((row) => [`${row.shape_hash}:${row.answer_key}`, row.response_text]),
  );
  const byScope = new Map<string, Observation[]>();
  for (const row of rows) {
    const observation: Observation = {
      id: row.id,
      scopeKey: row.shape_hash,
      answerKey: row.answer_key,
      request: row.request_text,
      vector: unit(decodeVector(row.embedding)),
      createdAt: Number(row.created_at),
    };
    const list = byScope.get(row.shape_hash) ?? [];
    list.push(observation);
    byScope.set(row.shape_hash, list);
  }
  const candidates: DetectedCluster[] = [];
  let clusterCount = 0;
  for (const [scopeKey, observations] of byScope) {
    const scored = scoreClusters(observations);
    clusterCount += scored.length;
    for (const cluster of scored) {
      if (cluster.members.length < options.minOccurrences) continue;
      if (cluster.confidence < options.confidenceThreshold) continue;
      const reply = answerText.get(`${scopeKey}:${cluster.answerKey}`);
      if (reply === undefined) continue;
      const masked = (text: string) => redactor.text(text);
      const examples: ClusterExample[] = cluster.members.map((member) => ({
        request: masked(member.request),
        reply: masked(reply),
      }));
      const { training, heldOut } = splitExamples(examples);
      const nearMisses = cluster.neighbours
        .slice(0, NEIGHBOURS_FOR_NEAR_MISSES)
        .flatMap((neighbour) => neighbour.members.slice(0, 4).map((member) => masked(member.request)))
        .slice(0, MAX_NEAR_MISSES);
      candidates.push({
        scopeKey,
        signature: cluster.answerKey,
        summary: {
          size: cluster.members.length,
          confidence: round(cluster.confidence),
          cohesion: round(cluster.cohesion),
          consistency: round(cluster.consistency),
          separation: round(cluster.separation),
          training,
          heldOut,
          nearMisses,
        },
        others: observations
          .filter((observation) => observation.answerKey !== cluster.answerKey)
          .map((observation) => masked(observation.request)),
        memberTimes: cluster.members.map((member) => member.createdAt),
      });
    }
  }
  return { candidates, clusters: clusterCount, observations: rows.length };
}

interface ScoredCluster {
  answerKey: string;
  members: Observation[];
  cohesion: number;
  consistency: number;
  separation: number;
  confidence: number;
  /** Other clusters, nearest centre first. */
  neighbours: ScoredCluster[];
}

/** Scores every answer-key cluster of one scope (see the module comment). */
export function scoreClusters(observations: readonly Observation[]): ScoredCluster[] {
  const groups = new Map<string, Observation[]>();
  for (const observation of observations) {
    const list = groups.get(observation.answerKey) ?? [];
    list.push(observation);
    groups.set(observation.answerKey, list);
  }
  const keys = [...groups.keys()];
  const dimensions = observations[0]?.vector.length ?? 0;
  const sums = keys.map((key) => {
    const sum = new Float64Array(dimensions);
    for (const member of groups.get(key)!) for (let i = 0; i < dimensions; i++) sum[i]! += member.vector[i]!;
    return sum;
  });
  const centres = sums.map((sum) => unit(sum));
  // Nearest centre of each observation, leaving the observation out of its own cluster's centre.
  const nearestOf = new Map<string, number>();
  for (const [index, key] of keys.entries()) {
    const size = groups.get(key)!.length;
    for (const member of groups.get(key)!) {
      let best = -1;
      let bestSimilarity = Number.NEGATIVE_INFINITY;
      for (let other = 0; other < keys.length; other++) {
        let similarity: number;
        if (other === index) {
          if (size === 1) continue;
          const without = new Float64Array(dimensions);
          for (let i = 0; i < dimensions; i++) without[i] = sums[other]![i]! - member.vector[i]!;
          similarity = dot(member.vector, unit(without));
        } else {
          similarity = dot(member.vector, centres[other]!);
        }
        if (similarity > bestSimilarity) {
          bestSimilarity = similarity;
          best = other;
        }
      }
      nearestOf.set(member.id, best);
    }
  }
  const answersOfRequest = new Map<string, Set<string>>();
  for (const observation of observations) {
    const request = normalizeRequest(observation.request);
    const answers = answersOfRequest.get(request) ?? new Set<string>();
    answers.add(observation.answerKey);
    answersOfRequest.set(request, answers);
  }
  const scored: ScoredCluster[] = keys.map((key, index) => {
    const members = groups.get(key)!;
    const answeredAlike = members.filter(
      (member) => answersOfRequest.get(normalizeRequest(member.request))!.size === 1,
    ).length;
    const ownNearest = members.filter((member) => nearestOf.get(member.id) === index).length;
    const attracted = observations.filter((observation) => nearestOf.get(observation.id) === index);
    const consistent = attracted.filter((observation) => observation.answerKey === key).length;
    const cohesion =
      members.reduce((total, member) => total + dot(member.vector, centres[index]!), 0) / members.length;
    const ownNearestShare = members.length > 1 ? ownNearest / members.length : 0;
    const attractedShare = attracted.length > 0 ? consistent / attracted.length : 0;
    const consistency = answeredAlike / members.length;
    return {
      answerKey: key,
      members,
      cohesion,
      consistency,
      separation: Math.min(attractedShare, ownNearestShare),
      confidence: consistency,
      neighbours: [],
    };
  });
  for (const [index, cluster] of scored.entries()) {
    cluster.neighbours = scored
      .map((other, otherIndex) => ({ other, similarity: dot(centres[index]!, centres[otherIndex]!) }))
      .filter((entry) => entry.other !== cluster)
      .sort((left, right) => right.similarity - left.similarity)
      .map((entry) => entry.other);
  }
  return scored;
}

/**
 * Every third member (and at least one) is held out; the model sees at most MAX_TRAINING of the rest.
 * Members are taken in the order of a hash of their request, not in the order they arrived: the same
 * observations give the same split however concurrent requests happened to finish (a split by arrival
 * made validation of one cluster pass or fail with the timing of its history).
 */
export function splitExamples(examples: readonly ClusterExample[]): {
  training: ClusterExample[];
  heldOut: ClusterExample[];
} {
  const training: ClusterExample[] = [];
  const heldOut: ClusterExample[] = [];
  const ordered = examples
    .map((example) => ({ example, key: createHash('sha256').update(example.request).digest('hex') }))
    .sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0))
    .map((entry) => entry.example);
  for (const [index, example] of ordered.entries()) {
    if (index % 3 === 2 || training.length >= MAX_TRAINING) heldOut.push(example);
    else training.push(example);
  }
  if (heldOut.length === 0 && training.length > 1) heldOut.push(training.pop()!);
  return { training, heldOut };
}

function decodeVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function unit(vector: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const result = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) result[i] = vector[i]! * scale;
  return result;
}

function dot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < left.length; i++) total += left[i]! * right[i]!;
  return total;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

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
 *
 * What does gate, besides size and confidence, is the cluster's core: a softmax model over the words and
 * word pairs of the scope's requests, cross-fitted to their answers (each request scored by a model that
 * never saw it), gives each member a probability of its own answer; members at ≥ 0.97 are the core, and a
 * cluster needs at least 4. Held-out members come from the core only (every third), so validation
 * judges a handler on the requests the scope's own history can tell apart. The same model orders the
 * neighbours (confusion mass, both ways), whose requests the prompt labels. A third of every answer's
 * requests is never shown to the model: validation's "others" are the requests the prompt did not show.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type SparseDocument,
  softmaxProbabilities,
  templateOf,
  textFeatures,
  trainSoftmaxYielding,
  Vocabulary,
} from '../classify/index.js';
import { normalizeRequest } from '../optimize/index.js';
import type { Redactor } from '../privacy/index.js';
import type { StewardStore } from '../store/index.js';
import type { ClusterExample, ClusterSummary } from './capability-store.js';
import { evenSample } from './validate.js';

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

export interface Observation {
  id: string;
  scopeKey: string;
  /** The kind of answer: the pattern tier's answer key, or for a reply that repeats a slot of its request, its template's key. */
  answerKey: string;
  /** The pattern tier's key of this observation's own reply (the reply text is looked up by it). */
  replyKey?: string;
  request: string;
  vector: Float32Array;
  createdAt: number;
}

/** Members shown to the model at most (the rest of the two thirds not held out are not shown). */
const MAX_TRAINING = 300;
const MAX_NEAR_MISSES = 12;
const NEIGHBOURS_FOR_NEAR_MISSES = 3;
/**
 * A member is in its cluster's core when the cross-fitted model gives its own answer at least this. Chosen
 * with the model trained to fit (30 passes or more at rate 2) on a development split of banking77 (two
 * thirds of train.csv as history, the other third served; never test.csv): at 0.9, 63 of 77 handlers
 * passed validation; at 0.95, 68 passed but served 1.02% wrong; at 0.97, 66 to 67 passed with 0.82–0.85%
 * wrong; at 0.99, 34 passed. A looser core holds members a handler cannot reach at its answer threshold,
 * and the handler misses `testCoverage` on them.
 */
export const CORE_PROBABILITY = 0.97;
/** Fewer core members than this leave too little to validate on: the cluster is not a candidate. */
const MIN_CORE = 4;
/** Neighbouring answer groups whose requests the generation prompt labels, most confused first. */
const NEAR_MISS_GROUPS = 12;
const NEAR_MISSES_PER_GROUP = 100;
const BACKGROUND_REQUESTS = 200;
/** Answer groups the cross-fitted model tells apart; smaller groups share one class, "the rest". */
const MAX_CLASSES = 127;
/** Observations of one scope the cross-fitted model reads at most (an even sample of them). */
const MAX_CLASSIFIED = 20_000;
const FOLDS = 3;

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
    // Replies that differ only in the slots they repeat from their requests (an order number) are one
    // kind of answer: grouped by their template.
    const reply = answerText.get(`${row.shape_hash}:${row.answer_key}`);
    const template = reply === undefined ? undefined : templateOf(row.request_text, reply);
    const observation: Observation = {
      id: row.id,
      scopeKey: row.shape_hash,
      answerKey:
        template === undefined
          ? row.answer_key
          : createHash('sha256')
              .update(`template:${normalizeRequest(template.replace(/\{\{(\d+)\}\}/g, ' slot$1 '))}`)
              .digest('hex'),
      replyKey: row.answer_key,
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
    const eligible = scored.filter(
      (cluster) =>
        cluster.members.length >= options.minOccurrences &&
        cluster.confidence >= options.confidenceThreshold &&
        cluster.members.every((member) => answerText.has(`${scopeKey}:${member.replyKey}`)),
    );
    if (eligible.length === 0) continue;
    const maskedById = new Map(observations.map((item) => [item.id, redactor.text(item.request)]));
    const masked = (observation: Observation) => maskedById.get(observation.id)!;
    const separability = await crossFit(observations, masked);
    const shownFold = validationFold(observations, masked);
    for (const cluster of eligible) {
      const own = separability.classOf.get(cluster.answerKey);
      if (own === undefined) continue;
      const core = cluster.members.filter(
        (member) => separability.probability(member, own) >= CORE_PROBABILITY,
      );
      if (core.length < MIN_CORE) continue;
      // Each member with its own reply: the same text, or the template filled from its request.
      const example = (member: Observation): ClusterExample => ({
        request: masked(member),
        reply: redactor.text(answerText.get(`${scopeKey}:${member.replyKey}`)!),
      });
      // Every third core member is held out; the model may see any other member.
      const heldOut = hashOrder(core, masked).filter((_, index) => index % 3 === 2);
      const held = new Set(heldOut.map((member) => member.id));
      const training = hashOrder(cluster.members, masked)
        .filter((member) => !held.has(member.id))
        .slice(0, MAX_TRAINING);
      // Neighbours: the groups the cross-fitted model confused with this one most, in both directions.
      const neighbours = separability
        .neighboursOf(own)
        .slice(0, NEAR_MISS_GROUPS)
        .map((neighbour) => separability.groups[neighbour]!);
      const neighbourKeys = new Set(neighbours.map((group) => group.answerKey));
      const shown = new Set<string>();
      // The most confusable first: the requests of the group the model gave this cluster's answer most.
      const mostConfusable = (list: readonly Observation[], limit: number) =>
        list
          .filter((item) => !shownFold.validation.has(item.id))
          .map((item) => ({ item, p: separability.probability(item, own) }))
          .sort((left, right) => right.p - left.p)
          .slice(0, limit)
          .map(({ item }) => {
            shown.add(item.id);
            return masked(item);
          });
      const nearMissGroups = neighbours.map((group) => mostConfusable(group.members, NEAR_MISSES_PER_GROUP));
      const background = mostConfusable(
        observations.filter(
          (item) => item.answerKey !== cluster.answerKey && !neighbourKeys.has(item.answerKey),
        ),
        BACKGROUND_REQUESTS,
      );
      const nearMisses = nearMissGroups
        .slice(0, NEIGHBOURS_FOR_NEAR_MISSES)
        .flatMap((group) => group.slice(0, 4))
        .slice(0, MAX_NEAR_MISSES);
      candidates.push({
        scopeKey,
        signature: cluster.answerKey,
        summary: {
          size: cluster.members.length,
          core: core.length,
          confidence: round(cluster.confidence),
          cohesion: round(cluster.cohesion),
          consistency: round(cluster.consistency),
          separation: round(cluster.separation),
          training: training.map(example),
          heldOut: heldOut.map(example),
          nearMisses,
          nearMissGroups,
          background,
        },
        // Validation's others: every request of another answer that the prompt did not show.
        others: observations
          .filter((item) => item.answerKey !== cluster.answerKey && !shown.has(item.id))
          .map(masked),
        memberTimes: cluster.members.map((member) => member.createdAt),
      });
    }
  }
  return { candidates, clusters: clusterCount, observations: rows.length };
}

interface AnswerGroup {
  answerKey: string;
  members: Observation[];
}

interface Separability {
  groups: AnswerGroup[];
  /** The class of each answer group the model tells apart (not those in "the rest"). */
  classOf: Map<string, number>;
  /** The out-of-fold probability the model gives `observation` of having class `index`'s answer. */
  probability(observation: Observation, index: number): number;
  /** Other classes, most confused with `index` first (confusion mass > 0 only). */
  neighboursOf(index: number): number[];
}

/**
 * Cross-fits a softmax model over the scope's requests (their words and word pairs) to its answers: each
 * observation is scored by a model trained on the other folds only, so its probabilities say how well
 * an unseen request like it would be told apart from the neighbouring answers.
 */
async function crossFit(
  observations: readonly Observation[],
  masked: (observation: Observation) => string,
): Promise<Separability> {
  const byAnswer = new Map<string, Observation[]>();
  for (const observation of observations) {
    const list = byAnswer.get(observation.answerKey) ?? [];
    list.push(observation);
    byAnswer.set(observation.answerKey, list);
  }
  const groups = [...byAnswer.entries()]
    .map(([answerKey, members]) => ({ answerKey, members }))
    .filter((group) => group.members.length >= 2)
    .sort(
      (left, right) =>
        right.members.length - left.members.length || (left.answerKey < right.answerKey ? -1 : 1),
    )
    .slice(0, MAX_CLASSES);
  const classOf = new Map(groups.map((group, index) => [group.answerKey, index]));
  const rest = groups.length;
  const classes = groups.length + 1;
  // In the order of a hash of each request, not the order they arrived in: training is order-dependent,
  // and two requests in flight at once finish in either order, so the same history must give the same
  // cores (and held-out members) however they were stored.
  const sample = evenSample(hashOrder(observations, masked), MAX_CLASSIFIED);
  const vocabulary = new Vocabulary();
  const documents: SparseDocument[] = sample.map((item) => vocabulary.encode(textFeatures(masked(item))));
  const labels = sample.map((item) => classOf.get(item.answerKey) ?? rest);
  const fold = sample.map((item) => parseInt(sha256(masked(item)).slice(0, 8), 16) % FOLDS);
  const row = new Map<string, number>(sample.map((item, index) => [item.id, index]));
  const probabilities = new Float32Array(sample.length * classes);
  // Trained to fit, as a handler is (src/simulator/softmax-writer.ts: 30 passes at rate 2), so a core
  // member's probability says what a handler would make of it. Under-trained (6 passes at rate 0.5 over
  // 6,671 banking requests), the probabilities spread over all 77 answers: a fifth of the requests reached
  // 0.7, and 18 of 77 intents had too few core members to be candidates. The step is set so that each
  // class moves about as far per pass as at the size CORE_PROBABILITY was chosen at (~4,400 requests a
  // fold, 78 classes, rate 2: ~115 per class); with 26 requests of 4 classes a fold, rate 2 left 4 of 39
  // members at 0.97, rate 18 leaves 29.
  const size = Math.max(1, sample.length);
  const perFold = Math.max(1, (size * (FOLDS - 1)) / FOLDS);
  const epochs = Math.min(60, Math.max(30, Math.round(200_000 / size)));
  const rate = Math.min(20, Math.max(2, (115 * classes) / perFold));
  for (let held = 0; held < FOLDS; held++) {
    const trainingRows = documents.map((_, index) => index).filter((index) => fold[index] !== held);
    const model = await trainSoftmaxYielding(
      trainingRows.map((index) => documents[index]!),
      trainingRows.map((index) => labels[index]!),
      { classes, terms: vocabulary.size },
      { epochs, rate, seed: 1 },
    );
    for (const [index, document] of documents.entries()) {
      if (fold[index] === held) probabilities.set(softmaxProbabilities(model, document), index * classes);
    }
  }
  const confusion = Array.from({ length: classes }, () => new Float64Array(classes));
  for (const [index, label] of labels.entries()) {
    for (let other = 0; other < classes; other++) {
      if (other === label) continue;
      const mass = probabilities[index * classes + other]!;
      confusion[label]![other]! += mass;
      confusion[other]![label]! += mass;
    }
  }
  return {
    groups,
    classOf,
    probability(observation, index) {
      const position = row.get(observation.id);
      return position === undefined ? 0 : probabilities[position * classes + index]!;
    },
    neighboursOf(index) {
      return [...confusion[index]!.keys()]
        .filter((other) => other !== index && other !== rest && confusion[index]![other]! > 0)
        .sort((left, right) => confusion[index]![right]! - confusion[index]![left]!);
    },
  };
}

/**
 * Every third observation of each answer group, in the order of a hash of its request (not in the order
 * it arrived: the same observations give the same split however concurrent requests happened to finish),
 * is kept for validation and never shown to the model: a cluster's held-out members, and the others its
 * handler must leave alone.
 */
export function validationFold(
  observations: readonly Observation[],
  masked: (observation: Observation) => string,
): { validation: Set<string> } {
  const byAnswer = new Map<string, Observation[]>();
  for (const observation of observations) {
    const list = byAnswer.get(observation.answerKey) ?? [];
    list.push(observation);
    byAnswer.set(observation.answerKey, list);
  }
  const validation = new Set<string>();
  for (const members of byAnswer.values()) {
    for (const [index, member] of hashOrder(members, masked).entries()) {
      if (index % 3 === 2) validation.add(member.id);
    }
  }
  return { validation };
}

function hashOrder(
  list: readonly Observation[],
  masked: (observation: Observation) => string,
): Observation[] {
  return list
    .map((item) => ({ item, key: `${sha256(masked(item))}:${item.id}` }))
    .sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0))
    .map((entry) => entry.item);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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

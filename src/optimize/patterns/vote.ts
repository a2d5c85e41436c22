/**
 * The pattern tier's decision: the nearest observed requests vote for the answers they received,
 * weighted by similarity, and a pattern answers only when one answer wins a large enough share.
 */

/** One observed request near the incoming one, with the key of the answer the model gave it. */
export interface Neighbour {
  answerKey: string;
  similarity: number;
}

export interface VoteResult {
  /** The answer with the largest weighted vote. */
  answerKey: string;
  /** Its share (0..1) of all weighted votes. */
  share: number;
  /** How many neighbours voted for it. */
  voters: number;
  /** The highest similarity among them. */
  bestSimilarity: number;
}

/**
 * Weight of a vote: similarity to the 4th power (negative similarities count nothing), so the closest
 * requests dominate and a crowd of loosely related ones cannot outvote a few near-identical ones.
 */
export function voteWeight(similarity: number): number {
  const clamped = Math.max(0, similarity);
  const squared = clamped * clamped;
  return squared * squared;
}

/**
 * @example
 * voteOnNeighbours([{ answerKey: 'a', similarity: 0.9 }, { answerKey: 'b', similarity: 0.4 }])
 * // { answerKey: 'a', share: 0.976…, voters: 1, bestSimilarity: 0.9 }
 */
export function voteOnNeighbours(neighbours: readonly Neighbour[]): VoteResult | undefined {
  const tally = new Map<string, { weight: number; voters: number; best: number }>();
  let total = 0;
  for (const neighbour of neighbours) {
    const weight = voteWeight(neighbour.similarity);
    total += weight;
    const entry = tally.get(neighbour.answerKey) ?? { weight: 0, voters: 0, best: -1 };
    entry.weight += weight;
    entry.voters++;
    entry.best = Math.max(entry.best, neighbour.similarity);
    tally.set(neighbour.answerKey, entry);
  }
  let winner: [string, { weight: number; voters: number; best: number }] | undefined;
  for (const entry of tally) if (!winner || entry[1].weight > winner[1].weight) winner = entry;
  if (!winner || total <= 0) return undefined;
  return {
    answerKey: winner[0],
    share: winner[1].weight / total,
    voters: winner[1].voters,
    bestSimilarity: winner[1].best,
  };
}

/** The pattern tier: detection of repeated requests with one consistent answer, the pattern store, the vote. */
export {
  type Pattern,
  type PatternConfig,
  type PatternStatus,
  PatternTier,
  type PatternTierOptions,
} from './pattern-tier.js';
export { type Neighbour, type VoteResult, voteOnNeighbours, voteWeight } from './vote.js';

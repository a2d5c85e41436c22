/** What the alert engine remembers per tenant and agent, in a map bounded by least-recent use. */

/** The rate detector's state: the open bucket and an EWMA baseline of the closed ones. */
export interface RateState {
  /** Index of the open bucket (`floor(at / bucketMs)`); -1 before the first record. */
  bucket: number;
  count: number;
  mean: number;
  variance: number;
  /** Closed buckets folded into the baseline. */
  baselineBuckets: number;
  /** The bucket already alerted on, so one bucket alerts once. */
  alertedBucket: number;
}

/** The hour-of-week detector's state. */
export interface HoursState {
  /** Per hour of the week (UTC day × 24 + hour): how many distinct hours the agent was active in it. */
  histogram: Uint32Array;
  /** Distinct active hours seen. */
  activeHours: number;
  /** The open hour (`floor(at / 1 h)`); -1 before the first record. */
  hour: number;
  /** Records in the open hour. */
  count: number;
  /** How often the open hour's slot was active before it. */
  priorInSlot: number;
  alertedHour: number;
}

export interface DenialMark {
  at: number;
  id: string;
  seq: number;
  toolName: string;
}

export interface AgentState {
  tenantId: string;
  agentId: string;
  /** The first record seen of this agent (warm-up and history are measured from it). */
  firstSeenAt: number;
  rate: RateState;
  tools: Set<string>;
  hours: HoursState;
  /** The latest denials above the agent's level, oldest first, at most `deniedAttempts`. */
  denials: DenialMark[];
}

export const HOURS_PER_WEEK = 168;

export function newAgentState(tenantId: string, agentId: string, at: number): AgentState {
  return {
    tenantId,
    agentId,
    firstSeenAt: at,
    rate: { bucket: -1, count: 0, mean: 0, variance: 0, baselineBuckets: 0, alertedBucket: -1 },
    tools: new Set(),
    hours: {
      histogram: new Uint32Array(HOURS_PER_WEEK),
      activeHours: 0,
      hour: -1,
      count: 0,
      priorInSlot: 0,
      alertedHour: -1,
    },
    denials: [],
  };
}

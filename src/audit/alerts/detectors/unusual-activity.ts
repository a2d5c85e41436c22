/**
 * `unusual_activity`: an agent's traffic far above its own baseline, a tool it never used before,
 * and bursts in hours of the week it is (almost) never active in.
 */
import type { AuditRecord } from '../../log/index.js';
import type { AgentState, HoursState, RateState } from '../agent-state.js';
import { HOURS_PER_WEEK } from '../agent-state.js';
import type { ResolvedAlertEngineOptions } from '../options.js';
import { type AlertCandidate, type Detector, dedupKey, rounded } from './detector.js';

/** Records that are the agent at work (not operators, trust or audit housekeeping). */
export const agentActivityEvents: ReadonlySet<string> = new Set([
  'message-received',
  'tier-answered',
  'tool-call-requested',
  'tool-call-allowed',
  'tool-call-denied',
  'tool-call-completed',
  'tool-call-failed',
  'reply-sent',
]);

const toolUseEvents = new Set(['tool-call-allowed', 'tool-call-completed']);
const HOUR_MS = 3_600_000;
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function evidenceOf(record: AuditRecord, measurements: AlertCandidate['evidence']['measurements']) {
  return { recordIds: [record.id], seqs: [record.seq], measurements };
}

/** Folds one closed bucket's count into the EWMA mean and variance (West's incremental form). */
function foldBucket(rate: RateState, count: number, smoothing: number): void {
  if (rate.baselineBuckets === 0) {
    rate.mean = count;
    rate.variance = 0;
  } else {
    const difference = count - rate.mean;
    const increment = smoothing * difference;
    rate.mean += increment;
    rate.variance = (1 - smoothing) * (rate.variance + difference * increment);
  }
  rate.baselineBuckets++;
}

function observeRate(
  record: AuditRecord,
  state: AgentState,
  options: ResolvedAlertEngineOptions['rate'],
  learning: boolean,
): AlertCandidate[] {
  const rate = state.rate;
  const bucket = Math.floor(record.at / options.bucketMs);
  if (rate.bucket === -1) rate.bucket = bucket;
  if (bucket < rate.bucket) return []; // late record of a closed bucket: the baseline has moved on
  if (bucket > rate.bucket) {
    foldBucket(rate, rate.count, options.smoothing);
    const gap = bucket - rate.bucket - 1;
    if (gap <= options.maxIdleBuckets) {
      for (let index = 0; index < gap; index++) foldBucket(rate, 0, options.smoothing);
    }
    rate.bucket = bucket;
    rate.count = 0;
  }
  rate.count++;
  if (learning || rate.baselineBuckets < options.minBaselineBuckets || rate.alertedBucket === bucket)
    return [];
  // Counts are roughly Poisson: a baseline of steady traffic has a tiny variance, so the spread is
  // at least √mean (and 1), or the first ordinary wobble would alert.
  const spread = Math.max(Math.sqrt(rate.variance), Math.sqrt(rate.mean), 1);
  const threshold = rate.mean + options.deviations * spread;
  if (rate.count < options.minCount || rate.count <= threshold) return [];
  rate.alertedBucket = bucket;
  const minutes = rounded(options.bucketMs / 60_000, 1);
  return [
    {
      reason: 'rate-anomaly',
      severity: rate.count > 2 * threshold ? 'high' : 'medium',
      summary: `${state.agentId} received ${rate.count} messages in ${minutes} min against a baseline of ${rounded(rate.mean, 1)} (threshold ${rounded(threshold, 1)})`,
      evidence: evidenceOf(record, {
        bucketStart: bucket * options.bucketMs,
        bucketMs: options.bucketMs,
        count: rate.count,
        mean: rounded(rate.mean),
        stddev: rounded(Math.sqrt(rate.variance)),
        threshold: rounded(threshold),
        baselineBuckets: rate.baselineBuckets,
      }),
      dedupKey: dedupKey('unusual_activity', 'rate-anomaly', state.tenantId, state.agentId),
    },
  ];
}

function observeTool(
  record: AuditRecord,
  state: AgentState,
  options: ResolvedAlertEngineOptions['newTool'],
  learning: boolean,
): AlertCandidate[] {
  const toolName = record.payload.toolName;
  if (typeof toolName !== 'string' || state.tools.has(toolName)) return [];
  if (state.tools.size >= options.maxToolsPerAgent) return [];
  state.tools.add(toolName);
  const seenFor = record.at - state.firstSeenAt;
  if (learning || seenFor < options.warmUpMs) return [];
  return [
    {
      reason: 'new-tool',
      severity: 'low',
      summary: `${state.agentId} used ${toolName} for the first time`,
      evidence: evidenceOf(record, { toolName, knownTools: state.tools.size - 1, seenForMs: seenFor }),
      dedupKey: dedupKey('unusual_activity', 'new-tool', state.tenantId, state.agentId, toolName),
    },
  ];
}

/**
 * The UTC hour of the week, 0 (Sunday 00:00) to 167.
 *
 * @example hourOfWeek(Date.parse('2026-06-01T09:30:00Z')) // 33 (Monday 09:00)
 */
export function hourOfWeek(at: number): number {
  const date = new Date(at);
  return date.getUTCDay() * 24 + date.getUTCHours();
}

function observeHours(
  record: AuditRecord,
  state: AgentState,
  options: ResolvedAlertEngineOptions['unusualHours'],
  learning: boolean,
): AlertCandidate[] {
  const hours: HoursState = state.hours;
  const hour = Math.floor(record.at / HOUR_MS);
  if (hour < hours.hour) return []; // late record of an hour already counted
  const slot = hourOfWeek(record.at) % HOURS_PER_WEEK;
  if (hour > hours.hour) {
    hours.priorInSlot = hours.histogram[slot]!;
    hours.histogram[slot] = hours.priorInSlot + 1;
    hours.activeHours++;
    hours.hour = hour;
    hours.count = 0;
  }
  hours.count++;
  if (learning || hours.alertedHour === hour) return [];
  const history = record.at - state.firstSeenAt;
  if (history < options.minHistoryMs || hours.activeHours - 1 < options.minActiveHours) return [];
  if (hours.priorInSlot > options.maxPriorActiveHours || hours.count < options.minEvents) return [];
  hours.alertedHour = hour;
  const label = `${DAY_NAMES[Math.floor(slot / 24)]} ${String(slot % 24).padStart(2, '0')}:00 UTC`;
  return [
    {
      reason: 'unusual-hours',
      severity: 'medium',
      summary: `${state.agentId} had ${hours.count} records in the hour of ${label}, an hour it was active in ${hours.priorInSlot} time(s) in ${Math.floor(history / 86_400_000)} days`,
      evidence: evidenceOf(record, {
        hourOfWeek: slot,
        hourStart: hour * HOUR_MS,
        count: hours.count,
        priorActiveHoursInSlot: hours.priorInSlot,
        activeHours: hours.activeHours - 1,
        historyMs: history,
      }),
      dedupKey: dedupKey('unusual_activity', 'unusual-hours', state.tenantId, state.agentId),
    },
  ];
}

/**
 * The unusual_activity detector.
 *
 * @example
 * const detector = unusualActivityDetector(alertEngineOptionsSchema.parse({ alerts: ['unusual_activity'] }));
 * const candidates = detector.observe(record, state, false);
 */
export function unusualActivityDetector(options: ResolvedAlertEngineOptions): Detector {
  const rateEvents = new Set(options.rate.eventTypes);
  return {
    type: 'unusual_activity',
    observe(record, state, learning) {
      const alerts: AlertCandidate[] = [];
      if (rateEvents.has(record.eventType))
        alerts.push(...observeRate(record, state, options.rate, learning));
      if (toolUseEvents.has(record.eventType)) {
        alerts.push(...observeTool(record, state, options.newTool, learning));
      }
      if (agentActivityEvents.has(record.eventType)) {
        alerts.push(...observeHours(record, state, options.unusualHours, learning));
      }
      return alerts;
    },
  };
}

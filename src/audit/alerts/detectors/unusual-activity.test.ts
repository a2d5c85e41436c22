import { describe, expect, it } from 'vitest';
import { auditRecord, DAY, HOUR, MINUTE, MONDAY, testClock } from '../__fixtures__/records.js';
import { AlertEngine } from '../alert-engine.js';
import type { AlertEngineOptions } from '../options.js';
import type { Alert } from '../types.js';
import { hourOfWeek } from './unusual-activity.js';

const BUCKET = 5 * MINUTE;

function engineWith(options: Partial<AlertEngineOptions> = {}) {
  const clock = testClock();
  let id = 0;
  const engine = new AlertEngine({
    alerts: ['unusual_activity'],
    now: clock.now,
    generateId: () => `alert-${++id}`,
    ...options,
  });
  return { engine, clock };
}

/** `count` records of `eventType` spread evenly over the bucket starting at `start`; the alerts they raise. */
async function burst(
  { engine, clock }: ReturnType<typeof engineWith>,
  start: number,
  count: number,
  eventType = 'message-received',
  span = BUCKET,
): Promise<Alert[]> {
  const alerts: Alert[] = [];
  for (let index = 0; index < count; index++) {
    const at = start + Math.floor((index * span) / count);
    alerts.push(...(await engine.observe(auditRecord({ eventType, at }, clock))));
  }
  return alerts;
}

async function baseline(setup: ReturnType<typeof engineWith>, buckets: number, perBucket = 10) {
  const alerts: Alert[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    alerts.push(...(await burst(setup, MONDAY + 9 * HOUR + bucket * BUCKET, perBucket)));
  }
  return alerts;
}

describe('unusual_activity: message rate against the agent’s own baseline', () => {
  const afterBaseline = MONDAY + 9 * HOUR + 20 * BUCKET;

  it('alerts once when a bucket exceeds mean + k·stddev and the minimum count', async () => {
    const setup = engineWith();
    expect(await baseline(setup, 20)).toEqual([]);
    const alerts = await burst(setup, afterBaseline, 60);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      id: 'alert-1',
      type: 'unusual_activity',
      reason: 'rate-anomaly',
      tenantId: 'acme',
      agentId: 'front-desk',
      evidence: {
        measurements: { count: 30, mean: 10, stddev: 0, baselineBuckets: 20, bucketStart: afterBaseline },
      },
      dedupKey: 'unusual_activity/rate-anomaly/acme/front-desk',
    });
    expect(alerts[0]!.evidence.measurements.threshold).toBeCloseTo(10 + 4 * Math.sqrt(10), 1);
    expect(alerts[0]!.summary).toContain('front-desk received 30 messages in 5 min');
    // Raised at the 30th message (the engine's clock), not at the end of the bucket.
    expect(alerts[0]!.at).toBe(afterBaseline + Math.floor((29 * BUCKET) / 60));
  });

  it('counts the messages that rows of one interaction each carry, as it counted their own records', async () => {
    const setup = engineWith();
    // Each interaction in one row: interaction:message-received,…,reply-sent with its events in the payload.
    const carried = async (start: number, count: number) => {
      const alerts: Alert[] = [];
      for (let index = 0; index < count; index++) {
        const at = start + Math.floor((index * BUCKET) / count);
        const types = ['message-received', 'tier-answered', 'interaction-completed', 'reply-sent'];
        const events = types.map((eventType) => ({ at, eventType, payload: {} }));
        const record = auditRecord(
          { eventType: `interaction:${types.join(',')}`, at, payload: { events } },
          setup.clock,
        );
        alerts.push(...(await setup.engine.observe(record)));
      }
      return alerts;
    };
    for (let bucket = 0; bucket < 20; bucket++)
      expect(await carried(MONDAY + 9 * HOUR + bucket * BUCKET, 10)).toEqual([]);
    const alerts = await carried(afterBaseline, 60);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      reason: 'rate-anomaly',
      evidence: { measurements: { count: 30, mean: 10, baselineBuckets: 20 } },
    });
    expect(alerts[0]!.evidence.recordIds[0]).toMatch(/^r-\d+#0$/);
  });

  it('does not alert on ordinary wobble, below the minimum count, or before the baseline is built', async () => {
    const ordinary = engineWith();
    await baseline(ordinary, 20);
    expect(await burst(ordinary, afterBaseline, 22)).toEqual([]);

    const quiet = engineWith({ rate: { minCount: 50 } });
    await baseline(quiet, 20);
    expect(await burst(quiet, afterBaseline, 45)).toEqual([]);

    const young = engineWith();
    await baseline(young, 5);
    expect(await burst(young, MONDAY + 9 * HOUR + 5 * BUCKET, 60)).toEqual([]);
  });

  it('keeps the baseline through an idle night instead of decaying it to zero', async () => {
    const setup = engineWith({ rate: { minCount: 15 } });
    await baseline(setup, 20);
    // Ten idle hours: far more than maxIdleBuckets (12). Folded as zeros, 20 would look like a flood.
    const morning = afterBaseline + 10 * HOUR;
    expect(await burst(setup, morning, 20)).toEqual([]);
    expect(await burst(setup, morning + BUCKET, 40)).toMatchObject([{ reason: 'rate-anomaly' }]);
  });
});

describe('unusual_activity: a tool used for the first time', () => {
  it('learns tools during the warm-up day, then alerts once per new tool', async () => {
    const setup = engineWith();
    const { engine, clock } = setup;
    const use = (toolName: string, at: number, eventType = 'tool-call-allowed') =>
      engine.observe(auditRecord({ eventType, at, payload: { toolName, level: 0.5 } }, clock));
    expect(await engine.observe(auditRecord({ eventType: 'message-received', at: MONDAY }, clock))).toEqual(
      [],
    );
    expect(await use('Read', MONDAY + HOUR)).toEqual([]);
    expect(await use('Grep', MONDAY + 23 * HOUR)).toEqual([]);

    expect(await use('Read', MONDAY + 25 * HOUR)).toEqual([]);
    const alerts = await use('Bash', MONDAY + 26 * HOUR, 'tool-call-completed');
    expect(alerts).toMatchObject([
      {
        reason: 'new-tool',
        severity: 'low',
        summary: 'front-desk used Bash for the first time',
        evidence: { measurements: { toolName: 'Bash', knownTools: 2 } },
        dedupKey: 'unusual_activity/new-tool/acme/front-desk/Bash',
      },
    ]);
    expect(await use('Bash', MONDAY + 27 * HOUR)).toEqual([]);
    // A tool that was only requested (or denied) is not a tool the agent used.
    expect(await use('Write', MONDAY + 28 * HOUR, 'tool-call-requested')).toEqual([]);
    expect(await use('Write', MONDAY + 28 * HOUR + 1, 'tool-call-allowed')).toHaveLength(1);
  });

  it('tracks tools per agent', async () => {
    const { engine, clock } = engineWith({ newTool: { warmUpMs: 0 } });
    const use = (agentId: string, at: number) =>
      engine.observe(
        auditRecord({ eventType: 'tool-call-allowed', agentId, at, payload: { toolName: 'Bash' } }, clock),
      );
    await use('front-desk', MONDAY);
    await use('billing', MONDAY);
    expect(await use('front-desk', MONDAY + 1)).toEqual([]);
    // warmUpMs 0: the first use right after being seen already alerts.
    expect((await use('returns', MONDAY + 2)).map((alert) => alert.agentId)).toEqual(['returns']);
  });
});

describe('unusual_activity: bursts outside usual hours', () => {
  /** Mon–Fri 09:00–16:59 UTC for `weeks` weeks, one tool request per hour. */
  async function officeHours(setup: ReturnType<typeof engineWith>, weeks: number) {
    const alerts: Alert[] = [];
    for (let day = 0; day < weeks * 7; day++) {
      if (day % 7 >= 5) continue;
      for (let hour = 9; hour < 17; hour++) {
        alerts.push(...(await burst(setup, MONDAY + day * DAY + hour * HOUR, 1, 'tool-call-requested')));
      }
    }
    return alerts;
  }

  it('alerts on a burst in an hour of the week the agent has never been active in', async () => {
    const setup = engineWith();
    expect(await officeHours(setup, 3)).toEqual([]);
    const sundayNight = MONDAY + 27 * DAY + 3 * HOUR;
    expect(hourOfWeek(sundayNight)).toBe(3); // Sunday 03:00 UTC
    const alerts = await burst(setup, sundayNight, 15, 'tool-call-requested', HOUR);
    expect(alerts).toMatchObject([
      {
        reason: 'unusual-hours',
        severity: 'medium',
        evidence: { measurements: { hourOfWeek: 3, count: 10, priorActiveHoursInSlot: 0, activeHours: 120 } },
      },
    ]);
    expect(alerts[0]!.summary).toContain('Sun 03:00 UTC');
  });

  it('does not alert below the burst size, in usual hours, or without enough history', async () => {
    const small = engineWith();
    await officeHours(small, 3);
    expect(await burst(small, MONDAY + 27 * DAY + 3 * HOUR, 9, 'tool-call-requested', HOUR)).toEqual([]);

    const usual = engineWith();
    await officeHours(usual, 3);
    // Tuesday 10:00 of week four: the agent's usual hours, however busy.
    expect(await burst(usual, MONDAY + 22 * DAY + 10 * HOUR, 50, 'tool-call-requested', HOUR)).toEqual([]);

    const young = engineWith();
    await officeHours(young, 1);
    expect(await burst(young, MONDAY + 6 * DAY + 3 * HOUR, 30, 'tool-call-requested', HOUR)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { deliverAlert } from './deliver.js';
import { createChannelAlertSink } from './sinks/channel/channel-alert-sink.js';
import { createLogAlertSink } from './sinks/log/log-alert-sink.js';
import type { Alert, AlertSink } from './types.js';

const alert: Alert = {
  id: 'alert-7',
  type: 'unusual_activity',
  reason: 'new-tool',
  severity: 'low',
  tenantId: 'acme',
  agentId: 'front-desk',
  at: Date.parse('2026-06-01T12:00:00Z'),
  summary: 'front-desk used Bash for the first time',
  evidence: { recordIds: ['r-9'], seqs: [9], measurements: { toolName: 'Bash' } },
  dedupKey: 'unusual_activity/new-tool/acme/front-desk/Bash',
};

describe('alert sinks', () => {
  it('log: writes one JSON line per alert', async () => {
    const lines: string[] = [];
    await createLogAlertSink({ write: (line) => lines.push(line) }).deliver(alert);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({ event: 'audit-alert-raised', alert });
  });

  it('channel: hands the alert to the callback', async () => {
    const sent: Alert[] = [];
    await createChannelAlertSink({ send: async (posted) => void sent.push(posted) }).deliver(alert);
    expect(sent).toEqual([alert]);
    expect(() => createChannelAlertSink({} as never)).toThrow(/needs `send/);
  });
});

describe('deliverAlert', () => {
  it('delivers to every sink and reports failures without rejecting', async () => {
    const lines: string[] = [];
    const failing: AlertSink = {
      name: 'broken',
      deliver: () => {
        throw new Error('synchronous failure');
      },
    };
    const rejecting = createChannelAlertSink({ send: () => Promise.reject(new Error('channel down')) });
    const errors: [string, string][] = [];
    const outcomes = await deliverAlert(
      alert,
      [createLogAlertSink({ write: (line) => lines.push(line) }), failing, rejecting],
      {
        onError: (error, sink, failed) => {
          errors.push([sink, `${(error as Error).message} (${failed.id})`]);
          throw new Error('a throwing reporter is contained too');
        },
      },
    );
    expect(lines).toHaveLength(1);
    expect(outcomes.map(({ sink, ok }) => ({ sink, ok }))).toEqual([
      { sink: 'log', ok: true },
      { sink: 'broken', ok: false },
      { sink: 'channel', ok: false },
    ]);
    expect(errors).toEqual([
      ['broken', 'synchronous failure (alert-7)'],
      ['channel', 'channel down (alert-7)'],
    ]);
    expect(await deliverAlert(alert, [])).toEqual([]);
  });
});

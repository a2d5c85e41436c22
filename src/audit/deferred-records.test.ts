import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StewardEvent } from '../events/index.js';
import { DeferredAppends, mayWait } from './deferred-records.js';
import type { AuditRecord, PreparedRecord } from './log/index.js';

let ids = 0;
const input = (eventType: string) =>
  ({
    id: `r-${++ids}`,
    tenantId: 'acme',
    agentId: 'desk',
    eventType,
    at: 1,
    level: 'standard',
    payloadJson: '{}',
    truncated: false,
  }) as PreparedRecord;

/** A log stand-in that records each call and numbers the records; fails when told to. */
function recordingAppend() {
  const calls: string[][] = [];
  let seq = 0;
  let failNext = false;
  return {
    calls,
    failNext: () => {
      failNext = true;
    },
    append: async (inputs: PreparedRecord[]) => {
      if (failNext) {
        failNext = false;
        throw new Error('store down');
      }
      calls.push(inputs.map((item) => item.eventType));
      return inputs.map((item) => ({ ...item, seq: ++seq }) as unknown as AuditRecord);
    },
  };
}

describe('DeferredAppends', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('appends waiting records in the same call as the next one, in order, returning only the caller’s', async () => {
    const log = recordingAppend();
    const deferred = new DeferredAppends({ append: log.append });
    deferred.defer(input('message-received'));
    deferred.defer(input('tier-answered'));
    const records = await deferred.append([input('reply-sent')]);
    expect(log.calls).toEqual([['message-received', 'tier-answered', 'reply-sent']]);
    expect(records.map((record) => [record.eventType, record.seq])).toEqual([['reply-sent', 3]]);
    expect(deferred.size).toBe(0);
  });

  it('appends a record that waited longer than maxDelayMs on its own', async () => {
    vi.useFakeTimers();
    const log = recordingAppend();
    const deferred = new DeferredAppends({ append: log.append, maxDelayMs: 100 });
    deferred.defer(input('message-received'));
    await vi.advanceTimersByTimeAsync(99);
    expect(log.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(log.calls).toEqual([['message-received']]);
  });

  it('keeps waiting records when an append fails, so the next append carries them', async () => {
    const log = recordingAppend();
    const deferred = new DeferredAppends({ append: log.append });
    deferred.defer(input('message-received'));
    log.failNext();
    await expect(deferred.append([input('tool-call-allowed')])).rejects.toThrow('store down');
    expect(deferred.size).toBe(1);
    deferred.defer(input('tier-answered'));
    await deferred.append([input('reply-sent')]);
    expect(log.calls).toEqual([['message-received', 'tier-answered', 'reply-sent']]);
  });

  it('retries on its timer after a failed timed append and reports the scopes', async () => {
    vi.useFakeTimers();
    const log = recordingAppend();
    const errors: unknown[] = [];
    const deferred = new DeferredAppends({
      append: log.append,
      maxDelayMs: 50,
      onError: (error, scopes) => errors.push([String(error), scopes]),
    });
    deferred.defer(input('message-received'));
    log.failNext();
    await vi.advanceTimersByTimeAsync(50);
    expect(errors).toEqual([['Error: store down', [{ tenantId: 'acme', agentId: 'desk' }]]]);
    await vi.advanceTimersByTimeAsync(50);
    expect(log.calls).toEqual([['message-received']]);
  });

  it('carries only the waiting records of the closing record’s own interaction; others keep waiting', async () => {
    const log = recordingAppend();
    const carried: string[][] = [];
    const deferred = new DeferredAppends({
      append: log.append,
      carry: (records, closing) => {
        carried.push([...records, closing].map((record) => record.eventType));
        return { ...closing, eventType: `interaction:${carried.at(-1)!.join(',')}` };
      },
    });
    const of = (eventType: string, interactionId: string) => ({ ...input(eventType), interactionId });
    deferred.defer(of('message-received', 'a'));
    deferred.defer(of('message-received', 'b'));
    deferred.defer(of('tier-answered', 'a'));
    // A tool call of b goes after b's waiting record, each in its own row; a's keep waiting.
    await deferred.append([of('tool-call-requested', 'b')]);
    expect(log.calls).toEqual([['message-received', 'tool-call-requested']]);
    expect(deferred.size).toBe(2);
    const [record] = await deferred.append([of('reply-sent', 'a')]);
    expect(log.calls[1]).toEqual(['interaction:message-received,tier-answered,reply-sent']);
    expect(record!.eventType).toBe('interaction:message-received,tier-answered,reply-sent');
    expect(deferred.size).toBe(0);
    // A failed append puts the carried records back as they were.
    deferred.defer(of('message-received', 'c'));
    log.failNext();
    await expect(deferred.append([of('reply-sent', 'c')])).rejects.toThrow('store down');
    expect(deferred.size).toBe(1);
    await deferred.flush();
    expect(log.calls[2]).toEqual(['message-received']);
  });

  it('times out each record by its own wait, not the queue’s', async () => {
    vi.useFakeTimers();
    const log = recordingAppend();
    const deferred = new DeferredAppends({ append: log.append, maxDelayMs: 100 });
    deferred.defer({ ...input('message-received'), interactionId: 'a' });
    await vi.advanceTimersByTimeAsync(60);
    deferred.defer({ ...input('message-received'), interactionId: 'b' });
    await vi.advanceTimersByTimeAsync(40);
    expect(log.calls).toEqual([['message-received']]);
    expect(deferred.size).toBe(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(log.calls).toEqual([['message-received'], ['message-received']]);
  });

  it('lets only the events nothing acts on wait: a failed completion and every other event go at once', () => {
    const scope = {
      tenantId: 'a',
      agentId: 'b',
      interactionId: 'i',
      conversationId: 'c',
      channel: 'api',
      at: 1,
    };
    const completed = (outcome: string) =>
      ({ name: 'interaction-completed', payload: { interaction: { outcome } } }) as unknown as StewardEvent;
    expect(mayWait({ name: 'message-received', payload: { ...scope, text: 'hi' } } as StewardEvent)).toBe(
      true,
    );
    expect(
      mayWait({ name: 'tier-answered', payload: { ...scope, tier: 'cache', costUsd: 0 } } as StewardEvent),
    ).toBe(true);
    expect(mayWait(completed('success'))).toBe(true);
    expect(mayWait(completed('refused'))).toBe(true);
    expect(mayWait(completed('error'))).toBe(false);
    expect(
      mayWait({ name: 'reply-sent', payload: { ...scope, text: 'x', tier: 'cache' } } as StewardEvent),
    ).toBe(false);
    expect(mayWait({ name: 'tool-call-allowed', payload: scope } as unknown as StewardEvent)).toBe(false);
  });
});

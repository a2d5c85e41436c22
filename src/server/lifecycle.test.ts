import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { StewardStore } from '../store/index.js';
import { createLifecycle } from './lifecycle.js';

const lifecycle = () => createLifecycle({ agents: [], runtime: undefined, store: {} as StewardStore });

describe('AppLifecycle.trackRequest', () => {
  it('aborts with the client, or on abortInFlight, and tracks requests started after it as aborted', () => {
    const app = lifecycle();
    const hungUp = new AbortController();
    const first = app.trackRequest(hungUp.signal);
    const second = app.trackRequest(new AbortController().signal);
    const finished = app.trackRequest(new AbortController().signal);
    finished.dispose();
    hungUp.abort(new Error('client went away'));
    expect(first.signal.aborted).toBe(true);
    expect(second.signal.aborted).toBe(false);
    app.abortInFlight('shutting down');
    expect(second.signal.aborted).toBe(true);
    expect((second.signal.reason as Error).message).toBe('shutting down');
    expect(finished.signal.aborted).toBe(false);
    expect(app.trackRequest(new AbortController().signal).signal.aborted).toBe(true);
  });

  it('leaves no listener on the client signal once disposed', () => {
    const app = lifecycle();
    const client = new AbortController();
    const run = app.trackRequest(client.signal);
    run.dispose();
    client.abort();
    expect(run.signal.aborted).toBe(false);
  });

  it('aborts when Node’s response closes before it finished, not after, and lets go of it once disposed', () => {
    const app = lifecycle();
    const response = () => Object.assign(new EventEmitter(), { writableFinished: false });
    const hungUp = response();
    const hangUp = app.trackRequest(hungUp);
    hungUp.emit('close');
    expect(hangUp.signal.aborted).toBe(true);

    const answered = response();
    const done = app.trackRequest(answered);
    answered.writableFinished = true;
    answered.emit('close');
    expect(done.signal.aborted).toBe(false);

    const disposed = response();
    const run = app.trackRequest(disposed);
    run.dispose();
    expect(disposed.listenerCount('close')).toBe(0);
    disposed.emit('close');
    expect(run.signal.aborted).toBe(false);

    const inFlight = app.trackRequest(response());
    app.abortInFlight('shutting down');
    expect(inFlight.signal.aborted).toBe(true);
  });
});

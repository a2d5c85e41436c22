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
});

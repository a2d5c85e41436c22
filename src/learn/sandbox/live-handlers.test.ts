import { newQuickJSWASMModule } from 'quickjs-emscripten';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSandboxLimits } from './limits.js';
import { defaultLiveCapacity, LiveHandlers } from './live-handlers.js';
import { createHandlerSandbox } from './sandbox.js';
import { statelessForm } from './stateless-source.js';
import type { HandlerContext, HandlerSandbox } from './types.js';

const context: HandlerContext = { tenantId: 'tenant-a', agentId: 'agent-1', now: '2026-12-04T10:00:00.000Z' };

let sandbox: HandlerSandbox;

beforeAll(async () => {
  sandbox = await createHandlerSandbox({ timeoutMs: 100 });
});

afterAll(() => {
  sandbox.close();
});

const tableHandler = `var table = { order: ['Your order is on its way.', 2], refund: ['Refunds take 5 days.', -1.5] };
var words = ["order", "refund"];
function pick(text) {
  for (var i = 0; i < words.length; i++) if (text.indexOf(words[i]) >= 0) return table[words[i]][0];
  return null;
}
function handler(request, context) { return pick(request.text.toLowerCase()); }`;

describe('statelessForm', () => {
  it('proves function sources and data-plus-functions scripts stateless', () => {
    expect(statelessForm('function (request) { return request.text; }')).toBe('expression');
    expect(statelessForm('(request) => request.text;')).toBe('expression');
    expect(statelessForm('function handler(request, context) { return null }  ;\n')).toBe('expression');
    expect(statelessForm(tableHandler)).toBe('script');
    expect(
      statelessForm(
        'var n = -1, s = `x`, o = { "a b": [true, null, 2e3] };\nfunction handler() { return null; }',
      ),
    ).toBe('script');
  });

  it('leaves everything else to a fresh runtime per call', () => {
    for (const code of [
      // a closure made at load time can count calls
      '(() => { let count = 0; return () => String(++count); })()',
      // top-level let and const are not properties of the global object, so they are not frozen with it
      'let seen = [];\nfunction handler(request) { seen.push(request.text); return null; }',
      'const seen = [];\nfunction handler(request) { seen.push(request.text); return null; }',
      // data that is not a literal, or a literal that builds a prototype
      'var seen = new Map();\nfunction handler() { return null; }',
      'var seen = [].concat([]);\nfunction handler() { return null; }',
      'var pattern = /x/g;\nfunction handler() { return null; }',
      'var o = { __proto__: { polluted: 1 } };\nfunction handler() { return null; }',
      'var o = { get x() { return 1; } };\nfunction handler() { return null; }',
      'var o = { ["x"]: 1 };\nfunction handler() { return null; }',
      // a script with no handler, two handlers, a statement run at load, a class, an async or generator handler
      'var x = 1;\nfunction helper() { return null; }',
      'function handler() { return null; }\nfunction handler() { return "x"; }',
      'var x = 1;\nx = 2;\nfunction handler() { return null; }',
      'class Handler {}\nfunction handler() { return null; }',
      'async function handler() { return null; }',
      'function* handler() { yield null; }',
      'async (request) => null',
      // not JavaScript, or nested past the host's parser
      'function (request) { return ',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    ]) {
      expect(statelessForm(code), code.slice(0, 80)).toBeUndefined();
    }
  });
});

describe('a handler kept across calls', () => {
  it('evaluates its source once and answers every later call from the kept runtime', async () => {
    const handler = await sandbox.compile(tableHandler);
    const before = sandbox.stats().reusedCalls;
    expect(await handler.run({ text: 'Where is my ORDER?' }, context)).toEqual({
      kind: 'reply',
      text: 'Your order is on its way.',
    });
    expect(await handler.run({ text: 'a refund please' }, context)).toEqual({
      kind: 'reply',
      text: 'Refunds take 5 days.',
    });
    expect(await handler.run({ text: 'hello' }, context)).toEqual({ kind: 'abstain' });
    expect(sandbox.stats().reusedCalls - before).toBe(2);
    handler.dispose();
  });

  it('keeps nothing of a call for the next: its data, the globals and the built-ins are frozen', async () => {
    const writers = [
      `var table = { count: 0 };\nfunction handler() { table.count += 1; return String(table.count); }`,
      `var seen = [];\nfunction handler(request) { seen.push(request.text); return seen.join(','); }`,
      `function handler() { globalThis.count = (globalThis.count || 0) + 1; return String(globalThis.count); }`,
      `function handler() { handler.count = (handler.count || 0) + 1; return String(handler.count); }`,
      '() => { Object.prototype.marker = 1; return "wrote"; }',
      '() => { String.prototype.trim = () => "hijacked"; return "wrote"; }',
      '() => { Symbol.for("last request"); return "wrote"; }',
      // shadowing the built-ins the freeze uses does not stop it: it took them before the source loaded
      `var WeakSet = [], Reflect = { ownKeys: 0 }, Object = { freeze: 0 };\nfunction handler() { globalThis.count = 1; return "wrote"; }`,
    ];
    for (const code of writers) {
      const handler = await sandbox.compile(code);
      const before = sandbox.stats().reusedCalls;
      const first = await handler.run({ text: 'first customer' }, context);
      const second = await handler.run({ text: 'second customer' }, context);
      expect(sandbox.stats().reusedCalls - before, code).toBe(1);
      expect(first, code).toMatchObject({
        kind: 'error',
        code: 'exception',
        message: expect.stringContaining('TypeError'),
      });
      expect(second, code).toEqual(first);
      handler.dispose();
    }
    // A handler kept alongside them sees pristine built-ins.
    const probe = await sandbox.compile(
      '() => [typeof ({}).marker, " padded ".trim(), typeof Symbol.for, typeof globalThis.count].join(",")',
    );
    expect(await probe.run({ text: 'x' }, context)).toEqual({
      kind: 'reply',
      text: 'undefined,padded,undefined,undefined',
    });
    probe.dispose();
  });

  it('reads its data tables (frozen, not copied)', async () => {
    const handler = await sandbox.compile(
      'var weights = { a: [0, 1.5], b: [1, -2] };\nfunction handler(request) { var w = weights[request.text]; return w ? String(w[0] + w[1]) + (Object.isFrozen(w) ? " frozen" : "") : null; }',
    );
    expect(await handler.run({ text: 'a' }, context)).toEqual({ kind: 'reply', text: '1.5 frozen' });
    expect(await handler.run({ text: 'b' }, context)).toEqual({ kind: 'reply', text: '-1 frozen' });
    expect(await handler.run({ text: 'c' }, context)).toEqual({ kind: 'abstain' });
    handler.dispose();
  });

  it('drops its runtime after a time-out or a memory error, and loads it again for the next call', async () => {
    for (const code of [
      'function handler(request) { if (request.text === "loop") for (;;) {} return "fine"; }',
      'function handler(request) { if (request.text === "bomb") return "x".repeat(1e9); return "fine"; }',
    ]) {
      const handler = await sandbox.compile(code);
      expect(await handler.run({ text: 'warm' }, context)).toEqual({ kind: 'reply', text: 'fine' });
      const failed = await handler.run({ text: code.includes('loop') ? 'loop' : 'bomb' }, context);
      expect(failed, code).toMatchObject({
        kind: 'error',
        code: code.includes('loop') ? 'timeout' : 'memory',
      });
      const before = sandbox.stats().reusedCalls;
      expect(await handler.run({ text: 'again' }, context)).toEqual({ kind: 'reply', text: 'fine' });
      // Loaded again, not reused.
      expect(sandbox.stats().reusedCalls).toBe(before);
      expect(await handler.run({ text: 'again' }, context)).toEqual({ kind: 'reply', text: 'fine' });
      expect(sandbox.stats().reusedCalls).toBe(before + 1);
      handler.dispose();
    }
  });

  it('runs a source it cannot prove stateless in a fresh runtime each call', async () => {
    for (const code of [
      '(() => { let count = 0; return () => String(++count); })()',
      'let count = 0;\nfunction handler() { count += 1; return String(count); }',
    ]) {
      const handler = await sandbox.compile(code).catch(() => undefined);
      if (!handler) {
        // A script without a function expression form does not compile as one: refused, never run.
        expect(code).toContain('let count');
        continue;
      }
      const before = sandbox.stats().reusedCalls;
      expect(await handler.run({ text: 'x' }, context)).toEqual({ kind: 'reply', text: '1' });
      expect(await handler.run({ text: 'x' }, context)).toEqual({ kind: 'reply', text: '1' });
      expect(sandbox.stats().reusedCalls).toBe(before);
      handler.dispose();
    }
  });

  it('sends its source to a new worker after the old one was stopped', async () => {
    const kept = await sandbox.compile('var reply = "kept";\nfunction handler() { return reply; }');
    expect(await kept.run({ text: 'x' }, context)).toEqual({ kind: 'reply', text: 'kept' });
    expect(await kept.run({ text: 'x' }, context)).toEqual({ kind: 'reply', text: 'kept' });
    const restarts = sandbox.stats().workerRestarts;
    // Returned by code run at load: a fresh runtime, where QuickJS is late to interrupt it (the watchdog stops the worker).
    const runaway = await sandbox.compile(
      '(() => () => { const all = []; for (;;) all.push({ padding: "x".repeat(100000) + all.length }); })()',
    );
    expect(await runaway.run({ text: 'x' }, context)).toMatchObject({ kind: 'error', code: 'timeout' });
    expect(sandbox.stats().workerRestarts).toBe(restarts + 1);
    const before = sandbox.stats().reusedCalls;
    expect(await kept.run({ text: 'x' }, context)).toEqual({ kind: 'reply', text: 'kept' });
    expect(await kept.run({ text: 'x' }, context)).toEqual({ kind: 'reply', text: 'kept' });
    expect(sandbox.stats().reusedCalls).toBe(before + 1);
    kept.dispose();
    runaway.dispose();
  });

  it('keeps two handlers apart: each call runs its own source', async () => {
    const first = await sandbox.compile('var reply = "first";\nfunction handler() { return reply; }');
    const second = await sandbox.compile('var reply = "second";\nfunction handler() { return reply; }');
    for (let round = 0; round < 3; round++) {
      expect(await first.run({ text: 'x' }, context)).toEqual({ kind: 'reply', text: 'first' });
      expect(await second.run({ text: 'x' }, context)).toEqual({ kind: 'reply', text: 'second' });
    }
    first.dispose();
    second.dispose();
  });
});

describe('LiveHandlers', () => {
  it('keeps at most `capacity` runtimes; a handler finding none free is left to a fresh runtime until one is dropped', async () => {
    const module = await newQuickJSWASMModule();
    const live = new LiveHandlers(resolveSandboxLimits(), { maxRuntimes: 2, maxBytes: 64 * 1024 * 1024 });
    const input = { request: { text: 'x' }, context };
    const call = (key: string) => live.call(module, key, `() => ${JSON.stringify(key)}`, 'expression', input);
    expect(call('a')).toMatchObject({ evaluation: { kind: 'reply', text: 'a' }, reused: false });
    expect(call('b')).toMatchObject({ evaluation: { kind: 'reply', text: 'b' }, reused: false });
    expect(call('c')).toBeUndefined();
    expect(call('a')).toMatchObject({ evaluation: { kind: 'reply', text: 'a' }, reused: true });
    expect(live.size).toBe(2);
    live.drop('b');
    expect(call('c')).toMatchObject({ evaluation: { kind: 'reply', text: 'c' }, reused: false });
    expect(call('c')).toMatchObject({ evaluation: { kind: 'reply', text: 'c' }, reused: true });
    live.drop('a');
    live.drop('c');
    expect(live.size).toBe(0);
    expect(live.keptBytes).toBe(0);
  });

  it('gives the room of a runtime idle for `idleMs` to a handler that finds none; runtimes in use stay', async () => {
    const module = await newQuickJSWASMModule();
    let clock = 0;
    const live = new LiveHandlers(
      resolveSandboxLimits(),
      { maxRuntimes: 2, maxBytes: 64 * 1024 * 1024, idleMs: 1_000 },
      () => clock,
    );
    const input = { request: { text: 'x' }, context };
    const call = (key: string) => live.call(module, key, `() => ${JSON.stringify(key)}`, 'expression', input);
    expect(call('a')).toMatchObject({ reused: false });
    expect(call('b')).toMatchObject({ reused: false });
    clock = 500;
    expect(call('c')).toBeUndefined();
    clock = 1_400;
    expect(call('a')).toMatchObject({ reused: true });
    // b was last called at 0, a at 1,400: only b is idle at 1,600.
    clock = 1_600;
    expect(call('c')).toMatchObject({ evaluation: { kind: 'reply', text: 'c' }, reused: false });
    expect(call('a')).toMatchObject({ reused: true });
    expect(call('c')).toMatchObject({ reused: true });
    expect(live.size).toBe(2);
    live.drop('a');
    live.drop('c');
  });

  it('keeps at most `maxBytes` of heap: a handler that does not fit runs fresh, and is loaded once room is freed', async () => {
    const module = await newQuickJSWASMModule();
    const input = { request: { text: 'word1' }, context };
    const entries = Array.from({ length: 2_000 }, (_, index) => `"word${index}": ${index}`).join(', ');
    const big = `var table = { ${entries} };\nfunction handler(request) { return String(table[request.text]); }`;
    const small = '() => "small"';
    const measure = (key: string, code: string, form: 'expression' | 'script') => {
      const alone = new LiveHandlers(resolveSandboxLimits(), { maxRuntimes: 8, maxBytes: 64 * 1024 * 1024 });
      alone.call(module, key, code, form, input);
      const bytes = alone.keptBytes;
      alone.drop(key);
      return bytes;
    };
    const smallBytes = measure('small', small, 'expression');
    const bigBytes = measure('big', big, 'script');
    expect(smallBytes).toBeGreaterThan(10_000);
    expect(bigBytes).toBeGreaterThan(smallBytes);
    // Room for either alone, not for both.
    const live = new LiveHandlers(resolveSandboxLimits(), {
      maxRuntimes: 8,
      maxBytes: bigBytes + smallBytes / 2,
    });
    expect(live.call(module, 'small', small, 'expression', input)).toMatchObject({ reused: false });
    expect(live.call(module, 'big', big, 'script', input)).toBeUndefined();
    expect(live.call(module, 'big', big, 'script', input)).toBeUndefined();
    expect(live.size).toBe(1);
    expect(live.keptBytes).toBe(smallBytes);
    live.drop('small');
    expect(live.call(module, 'big', big, 'script', input)).toMatchObject({
      evaluation: { kind: 'reply', text: '1' },
      reused: false,
    });
    expect(live.call(module, 'big', big, 'script', input)).toMatchObject({ reused: true });
    expect(live.keptBytes).toBe(bigBytes);
    live.drop('big');
    expect(live.keptBytes).toBe(0);
  });

  it('does not try again on every call to load a source that did not load', async () => {
    const module = await newQuickJSWASMModule();
    const input = { request: { text: 'x' }, context };
    let clock = 0;
    // A clock that jumps past every limit: each load and each call runs out of time at once.
    const live = new LiveHandlers(resolveSandboxLimits(), defaultLiveCapacity, () => (clock += 10_000), null);
    const loadsBefore = clock;
    expect(live.call(module, 'slow', '() => "x"', 'expression', input)).toBeUndefined();
    const firstAttempt = clock - loadsBefore;
    expect(firstAttempt).toBeGreaterThan(0);
    expect(live.call(module, 'slow', '() => "x"', 'expression', input)).toBeUndefined();
    expect(clock - loadsBefore).toBe(firstAttempt);
    expect(live.size).toBe(0);
  });
});

import { newQuickJSWASMModule } from 'quickjs-emscripten';
import { describe, expect, it } from 'vitest';
import { evaluateHandler, wrapSource } from './evaluate.js';
import { resolveSandboxLimits } from './limits.js';

const input = { request: { text: 'x' }, context: { tenantId: 't', agentId: 'a', now: 'n' } };

describe('evaluateHandler', () => {
  it('reports an instance broken by the host stack overflowing inside WebAssembly, and a new instance serves', async () => {
    // On the main thread (~1 MB of stack) with QuickJS's largest allowed stack limit, the parser's
    // WebAssembly frames exhaust the host's stack before QuickJS's own check trips.
    const limits = resolveSandboxLimits({ maxStackBytes: 256 * 1024, timeoutMs: 5_000 });
    const module = await newQuickJSWASMModule();
    const result = evaluateHandler(module, limits, '() => eval("(".repeat(100000))', input);
    expect(result).toMatchObject({ instanceBroken: true, evaluation: { kind: 'error', code: 'memory' } });
    const fresh = await newQuickJSWASMModule();
    expect(evaluateHandler(fresh, limits, '(request) => request.text + "!"', input)).toEqual({
      instanceBroken: false,
      evaluation: { kind: 'reply', text: 'x!' },
    });
  });

  it('answers `function` for the compile check, without calling the handler', async () => {
    const module = await newQuickJSWASMModule();
    const limits = resolveSandboxLimits();
    expect(evaluateHandler(module, limits, '() => { while (true) {} }', undefined)).toEqual({
      instanceBroken: false,
      evaluation: { kind: 'function' },
    });
  });
});

describe('the time limit of a call', () => {
  it("counts the thread's CPU time: a call the host kept waiting past the limit in wall-clock time still answers", async () => {
    const module = await newQuickJSWASMModule();
    const limits = resolveSandboxLimits({ timeoutMs: 100 });
    // Warmed first, as the worker does: a cold instance's first calls compile QuickJS's WebAssembly.
    for (let round = 0; round < 3; round++)
      evaluateHandler(module, limits, '(request) => request.text', input);
    // ~10 ms of work; the wall clock jumps 150 ms after the call starts, as when a loaded host stalls the thread.
    const work =
      '(request) => { let total = 0; for (let i = 0; i < 1e5; i++) total += i % 7; return "done " + total; }';
    const stalled = () => {
      let reads = 0;
      return () => performance.now() + (reads++ > 0 ? 150 : 0);
    };
    expect(evaluateHandler(module, limits, work, input, stalled()).evaluation).toMatchObject({
      kind: 'reply',
    });
    // Without the CPU clock the same call is a time-out (what every call was before).
    expect(evaluateHandler(module, limits, work, input, stalled(), null).evaluation).toMatchObject({
      kind: 'error',
      code: 'timeout',
    });
    // A handler that keeps the CPU busy is still stopped.
    expect(
      evaluateHandler(module, limits, '() => { while (true) {} }', input, stalled()).evaluation,
    ).toMatchObject({ kind: 'error', code: 'timeout' });
  });
});

describe('wrapSource', () => {
  it('drops trailing semicolons and whitespace, and keeps a trailing comment off the closing parenthesis', () => {
    expect(wrapSource('() => 1; ;\n\t')).toBe('(\n() => 1\n)');
    expect(wrapSource('() => 1 // done')).toBe('(\n() => 1 // done\n)');
  });

  it('handles a long run of whitespace in linear time', () => {
    const source = `() => 1${' '.repeat(200_000)}x${' '.repeat(200_000)}`;
    const started = performance.now();
    wrapSource(source);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

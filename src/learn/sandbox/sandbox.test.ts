import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidConfigError, StewardError } from '../../errors/index.js';
import {
  createHandlerSandbox,
  defaultSandboxLimits,
  HandlerCompileError,
  type HandlerContext,
  type HandlerSandbox,
} from './index.js';

const context: HandlerContext = { tenantId: 'tenant-a', agentId: 'agent-1', now: '2026-12-04T10:00:00.000Z' };

const SLOT_FILLING = `function handler(request, context) {
  const match = /\\border\\s*#?\\s*(\\d{4,10})\\b/i.exec(request.text);
  if (!match) return null;
  return 'Order ' + match[1] + ' was checked on ' + context.now.slice(0, 10) + ' and ships within 2 days.';
}`;

let sandbox: HandlerSandbox;
beforeAll(async () => {
  sandbox = await createHandlerSandbox({ timeoutMs: 100 });
});
afterAll(() => sandbox.close());

async function outcomeOf(code: string, text = 'hello') {
  const handler = await sandbox.compile(code);
  return handler.run({ text }, context);
}

describe('createHandlerSandbox: calls', () => {
  it('fills a template from the request and abstains on anything else', async () => {
    const handler = await sandbox.compile(SLOT_FILLING);
    expect(await handler.run({ text: 'Where is my order #123456?' }, context)).toEqual({
      kind: 'reply',
      text: 'Order 123456 was checked on 2026-12-04 and ships within 2 days.',
    });
    expect(await handler.run({ text: 'Can I change my PIN?', channel: 'web' }, context)).toEqual({
      kind: 'abstain',
    });
  });

  it('accepts a function expression, an arrow function and a declaration, with a trailing semicolon', async () => {
    for (const code of [
      'function (request) { return request.text.toUpperCase(); }',
      '(request) => request.text.toUpperCase();',
      'function handler(request, context) { return request.text.toUpperCase() }  ;\n',
      'request => request.text.toUpperCase() // a trailing comment',
    ]) {
      expect(await outcomeOf(code, 'ok')).toEqual({ kind: 'reply', text: 'OK' });
    }
  });

  it('passes the request and context as copies: the channel arrives, the host objects stay unchanged', async () => {
    const handler = await sandbox.compile(
      '(request, context) => { const seen = request.channel + "/" + context.tenantId + "/" + context.agentId; request.text = "changed"; return seen; }',
    );
    const request = { text: 'hi', channel: 'sms' };
    expect(await handler.run(request, context)).toEqual({ kind: 'reply', text: 'sms/tenant-a/agent-1' });
    expect(request.text).toBe('hi');
  });

  it('leaves no state for the next call: globals, closures and replaced built-ins start fresh each time', async () => {
    const counters = [
      'function () { globalThis.count = (globalThis.count || 0) + 1; return String(globalThis.count); }',
      '(() => { let count = 0; return () => String(++count); })()',
      'function () { const before = String(typeof Object.prototype.marker); Object.prototype.marker = 1; String.prototype.trim = () => "hijacked"; return before; }',
    ];
    for (const code of counters) {
      const handler = await sandbox.compile(code);
      const first = await handler.run({ text: 'x' }, context);
      const second = await handler.run({ text: 'x' }, context);
      expect(second).toEqual(first);
    }
    expect(await outcomeOf('(request) => "[" + " padded ".trim() + "]"')).toEqual({
      kind: 'reply',
      text: '[padded]',
    });
  });

  it('answers many concurrent calls, each with its own result', async () => {
    const handler = await sandbox.compile('(request) => "echo " + request.text');
    const texts = Array.from({ length: 50 }, (_, index) => `message ${index}`);
    const outcomes = await Promise.all(texts.map((text) => handler.run({ text }, context)));
    expect(outcomes).toEqual(texts.map((text) => ({ kind: 'reply', text: `echo ${text}` })));
  });
});

describe('createHandlerSandbox: refusals', () => {
  it('refuses a result that is not a non-empty string or null as invalid-output', async () => {
    for (const [code, fragment] of [
      ['() => undefined', 'an undefined'],
      ['() => 42', 'a number'],
      ['() => ({ text: "hi" })', 'an object'],
      ['() => ["hi"]', 'an object'],
      ['() => new String("hi")', 'an object'],
      ['() => () => "hi"', 'a function'],
      ['() => Symbol("hi")', 'a symbol'],
      ['() => "   "', 'empty reply'],
      ['async () => "hi"', 'an object'],
    ] as const) {
      const outcome = await outcomeOf(code);
      expect(outcome, code).toMatchObject({ kind: 'error', code: 'invalid-output' });
      expect(outcome.kind === 'error' && outcome.message, code).toContain(fragment);
    }
  });

  it('reports what a handler threw as an exception', async () => {
    expect(await outcomeOf('() => { throw new TypeError("no slot") }')).toEqual({
      kind: 'error',
      code: 'exception',
      message: 'TypeError: no slot',
    });
    expect(await outcomeOf('(request) => request.missing.field')).toMatchObject({
      code: 'exception',
      message: expect.stringMatching(/^TypeError: /),
    });
    expect(await outcomeOf('() => { throw "plain" }')).toMatchObject({
      code: 'exception',
      message: 'threw the string plain',
    });
    expect(await outcomeOf('() => { throw { name: 1, message: 2 } }')).toMatchObject({
      code: 'exception',
      message: 'Error: ',
    });
  });

  it('rejects source that does not compile to a function with HandlerCompileError', async () => {
    for (const [code, fragment] of [
      ['function (request) { return ', 'SyntaxError'],
      ['42', 'a number, not a function'],
      ['import fs from "node:fs"', 'SyntaxError'],
      ['(() => { throw new Error("at load") })()', 'Error: at load'],
      ['(() => { while (true) {} })()', 'time limit'],
    ] as const) {
      const error = await sandbox.compile(code).catch((caught: unknown) => caught);
      expect(HandlerCompileError.isInstance(error), code).toBe(true);
      const compileError = error as HandlerCompileError;
      expect(compileError.outcome.code).toBe('compile');
      expect(compileError.outcome.message, code).toContain(fragment);
      expect(compileError.status).toBe(400);
    }
  });

  it('gives the compile check its own budget (compileTimeoutMs, 1000 ms), while every call keeps timeoutMs', async () => {
    expect(sandbox.limits).toMatchObject({ timeoutMs: 100, compileTimeoutMs: 1_000 });
    // Evaluating this source takes ~370 ms of CPU time here: past a call's 100 ms, within the compile
    // check's budget (set wide so that a slower machine passes too).
    const slow = await createHandlerSandbox({ timeoutMs: 100, compileTimeoutMs: 5_000 });
    try {
      const handler = await slow.compile(
        '(() => { let total = 0; for (let i = 0; i < 4e6; i++) total += i % 7; return (request) => "slow " + total; })()',
      );
      const outcome = await handler.run({ text: 'hi' }, context);
      expect(outcome).toMatchObject({ kind: 'error', code: 'timeout' });
      expect(outcome.kind === 'error' && outcome.message).toContain('100 ms');
    } finally {
      slow.close();
    }
    const wide = await createHandlerSandbox({ timeoutMs: 2_000 });
    expect(wide.limits.compileTimeoutMs).toBe(2_000);
    wide.close();
    await expect(createHandlerSandbox({ compileTimeoutMs: 0 })).rejects.toThrow(/compileTimeoutMs/);
  });

  it('rejects source longer than maxCodeChars before evaluating it', async () => {
    const small = await createHandlerSandbox({ maxCodeChars: 100 });
    const error = await small.compile(`() => "${'x'.repeat(200)}"`).catch((caught: unknown) => caught);
    expect(HandlerCompileError.isInstance(error) && error.outcome.message).toContain('maxCodeChars');
    small.close();
  });

  it('refuses requests that are not plain data, before running anything', async () => {
    const handler = await sandbox.compile('() => "hi"');
    const wrongRequests: unknown[] = [
      { text: 42 },
      { text: 'hi', channel: 7 },
      { text: 'hi', extra: new Date() },
      { text: 'hi', extra: () => 'host' },
      JSON.parse('{"text":"hi","__proto__":{"polluted":true}}'),
    ];
    for (const request of wrongRequests) {
      const error = await handler.run(request as never, context).catch((caught: unknown) => caught);
      expect(StewardError.isInstance(error) && error.code, String(request)).toBe('invalid-request');
    }
    const noTenant = { agentId: 'a', now: context.now } as unknown as HandlerContext;
    await expect(handler.run({ text: 'hi' }, noTenant)).rejects.toThrow(/tenantId/);
  });

  it('validates its limits once, when made', async () => {
    await expect(createHandlerSandbox({ timeoutMs: -1 })).rejects.toThrow(InvalidConfigError);
    await expect(createHandlerSandbox({ maxStackBytes: 8 * 1024 * 1024 })).rejects.toThrow(/maxStackBytes/);
    expect((await createHandlerSandbox()).limits).toEqual(defaultSandboxLimits);
  });

  it('refuses calls on a disposed handler and compiles on a closed sandbox', async () => {
    const own = await createHandlerSandbox();
    const handler = await own.compile('() => "hi"');
    handler.dispose();
    await expect(handler.run({ text: 'x' }, context)).rejects.toThrow(/disposed/);
    const other = await own.compile('() => "hi"');
    own.close();
    await expect(own.compile('() => "hi"')).rejects.toThrow(/closed/);
    await expect(other.run({ text: 'x' }, context)).rejects.toThrow(/closed/);
  });
});

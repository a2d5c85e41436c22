/**
 * Fault tests of the audit log: a writer process killed with SIGKILL mid-append (and restarted on the
 * same database) loses no acknowledged record and leaves a chain that verifies; hostile input through
 * the full pipeline, the log and the HTTP API is recorded safely or refused with a typed error for that
 * caller only, and the log keeps working afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ClaudeAgent } from '../src/agent/index.js';
import type { Audit } from '../src/audit/index.js';
import {
  AuditLog,
  type AuditRecord,
  type AuditRecordInput,
  auditDatabase,
  CARRIER_PREFIX,
  canonicalJson,
  expandRecord,
  verifyChain,
} from '../src/audit/index.js';
import { StewardError } from '../src/errors/index.js';
import { FunctionRuntime } from '../src/runtime/index.js';
import { createApp, createMetrics, startServer } from '../src/server/index.js';
import type { StewardStore } from '../src/store/index.js';
import { openStore } from '../src/store/index.js';
import { createTestDatabase } from './support/databases.js';
import { storeEngines } from './support/engines.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const childScript = join(root, 'test/support/audit-writer-child.ts');

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// ---------------------------------------------------------------------------------------------
// SIGKILL mid-append

interface Acknowledged {
  tenantId: string;
  seq: number;
  id: string;
}

/** Runs the writer child until it printed `killAfter` acknowledgements (or `maxMs` passed), then SIGKILLs it. */
function runWriterUntilKilled(
  target: string,
  run: string,
  killAfter: number,
  maxMs = 30_000,
): Promise<{ acknowledged: Acknowledged[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, target, run], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: Acknowledged[] = [];
    let pending = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), maxMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!; // a line cut by the kill is not an acknowledgement
      for (const line of lines) {
        const match = /^([^:]+):(\d+):(.+)$/.exec(line);
        if (match) acknowledged.push({ tenantId: match[1]!, seq: Number(match[2]), id: match[3]! });
      }
      if (acknowledged.length >= killAfter) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close' waits for stdout to drain: every line the child wrote before it died is read.
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ acknowledged, signal, stderr });
    });
  });
}

async function expectAcknowledgedDurable(store: StewardStore, acknowledged: Acknowledged[]): Promise<void> {
  const report = await verifyChain(store);
  expect(report.tenants.flatMap((tenant) => tenant.problems)).toEqual([]);
  expect(report.ok).toBe(true);
  const rows = await auditDatabase(store.db)
    .selectFrom('audit_records')
    .select(['tenant_id', 'seq', 'id'])
    .execute();
  const stored = new Map(rows.map((row) => [`${row.tenant_id}:${Number(row.seq)}`, row.id]));
  const missing = acknowledged.filter(
    (record) => stored.get(`${record.tenantId}:${record.seq}`) !== record.id,
  );
  expect(missing, 'acknowledged records missing or moved after the crash').toEqual([]);
}

const crashTargets = [
  {
    name: 'sqlite',
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'steward-audit-crash-'));
      return {
        target: join(dir, 'steward.db'),
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    open: (target: string) => openStore({ path: target }, {}),
  },
  {
    name: 'postgres',
    async create() {
      const database = await createTestDatabase(inject('postgresUrl'), 'audit_crash');
      return { target: database.url, drop: () => database.drop() };
    },
    open: (target: string) => openStore({ url: target, poolSize: 2 }, {}),
  },
];

describe.each(crashTargets)('the audit log killed mid-append on $name', (engine) => {
  it('keeps every acknowledged record and a valid chain across three kills and restarts', async () => {
    const { target, drop } = await engine.create();
    cleanups.push(drop);
    const all: Acknowledged[] = [];
    for (let run = 1; run <= 3; run++) {
      const killAfter = 100 + Math.floor(Math.random() * 1_400);
      const { acknowledged, signal, stderr } = await runWriterUntilKilled(target, `run-${run}`, killAfter);
      expect(signal, `the writer died on its own:\n${stderr}`).toBe('SIGKILL');
      expect(acknowledged.length, stderr).toBeGreaterThan(0);
      // A restart continues each tenant's chain after what the previous run committed.
      for (const record of acknowledged) {
        const before = all.filter((earlier) => earlier.tenantId === record.tenantId);
        expect(before.every((earlier) => earlier.seq < record.seq)).toBe(true);
      }
      all.push(...acknowledged);

      const store = await engine.open(target);
      try {
        await expectAcknowledgedDurable(store, all);
      } finally {
        await store.close();
      }
    }

    // The log still appends after the crashes, and the chain still verifies.
    const store = await engine.open(target);
    const log = new AuditLog(store);
    try {
      const [after] = await log.append({
        tenantId: 'tenant-a',
        agentId: 'crash-test',
        eventType: 'after-crash',
        at: Date.now(),
        level: 'standard',
        payload: { ok: true },
      });
      const lastSeq = Math.max(...all.filter((record) => record.tenantId === 'tenant-a').map((r) => r.seq));
      expect(after!.seq).toBeGreaterThan(lastSeq);
      await log.close();
      expect((await verifyChain(store)).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input

/** A stored record's payload as it is kept (canonical JSON text), by interaction and event type. */
async function storedPayloads(
  store: StewardStore,
  interactionId: string,
): Promise<Map<string, { json: string; payload: Record<string, unknown> }>> {
  const rows = await auditDatabase(store.db)
    .selectFrom('audit_records')
    .selectAll()
    .where('interaction_id', '=', interactionId)
    .execute();
  // A row that carries the interaction's events (interaction:…) stands for each of them.
  return new Map(
    rows.flatMap((row) => {
      const payload = JSON.parse(row.payload) as Record<string, unknown>;
      if (!row.event_type.startsWith(CARRIER_PREFIX))
        return [[row.event_type, { json: row.payload, payload }]];
      return expandRecord({ id: row.id, eventType: row.event_type, payload } as AuditRecord).map((event) => [
        event.eventType,
        { json: canonicalJson(event.payload), payload: event.payload },
      ]);
    }),
  );
}

const expectTyped = (error: unknown, code: string) => {
  expect(StewardError.isInstance(error), `expected a StewardError, got ${String(error)}`).toBe(true);
  expect((error as StewardError).code).toBe(code);
};

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe.each(storeEngines)('hostile input on $name', (engine) => {
  async function setUp(extra: { normalizeInput?: boolean; answer?: (prompt: string) => string } = {}) {
    const opened = await engine.open();
    let counter = 0;
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'front-desk',
      store: opened.store,
      audit: { level: 'detailed' },
      ...(extra.normalizeInput === false ? { messageHandling: { normalizeInput: false } } : {}),
      createId: () => `hostile-${++counter}`,
      runtime: new FunctionRuntime(async (request) => {
        // The prompt also travels as a tool input, the detailed level's extra field.
        request.onEvent?.({
          type: 'tool-call-requested',
          toolUseId: `toolu_${counter}`,
          toolName: 'Read',
          input: { file_path: request.prompt },
        });
        return extra.answer ? extra.answer(request.prompt) : `echo: ${request.prompt}`;
      }),
    });
    cleanups.push(async () => {
      await agent.close();
      await opened.cleanup();
    });
    const audit = (await agent.audit()) as Audit;
    return { agent, store: opened.store, audit, log: audit.log };
  }

  async function expectStillWorking(agent: ClaudeAgent, store: StewardStore, log: AuditLog) {
    const reply = await agent.handle({ text: 'still there?' });
    expect(reply.text).toBe('echo: still there?');
    const [record] = await log.append({
      tenantId: 'acme',
      agentId: 'front-desk',
      eventType: 'after-hostile-input',
      at: Date.now(),
      level: 'detailed',
      payload: { ok: true },
    });
    expect(record!.seq).toBeGreaterThan(1);
    await log.flush();
    const report = await verifyChain(store);
    expect(report.tenants.flatMap((tenant) => tenant.problems)).toEqual([]);
    expect(report.ok).toBe(true);
  }

  it('records odd messages through the pipeline safely: controls stripped, lone surrogates as U+FFFD, long text truncated', async () => {
    const { agent, store, log } = await setUp();

    const controls = await agent.handle({ text: 'a\u0001b\u0007c\u001bd\u007fe\u0085f\u0000g' });
    expect(controls.text).toBe('echo: abcdefg');
    expect((await storedPayloads(store, controls.interactionId)).get('message-received')!.payload.text).toBe(
      'abcdefg',
    );

    const surrogates = await agent.handle({ text: 'x\ud800y\udc00z\ud83d' });
    const surrogateRecords = await storedPayloads(store, surrogates.interactionId);
    expect(surrogateRecords.get('message-received')!.payload.text).toBe('x\ufffdy\ufffdz\ufffd');
    expect(surrogateRecords.get('reply-sent')!.payload.text).toBe('echo: x\ufffdy\ufffdz\ufffd');
    expect(surrogateRecords.get('tool-call-requested')!.payload.input).toEqual({
      file_path: 'x\ufffdy\ufffdz\ufffd',
    });

    const zeroWidth = 'a\u200bb\u200cc\u200dd\u2060e\ufefff\u202eg';
    const invisible = await agent.handle({ text: zeroWidth });
    expect((await storedPayloads(store, invisible.interactionId)).get('message-received')!.payload.text).toBe(
      zeroWidth,
    );

    // 30,000 ASCII characters fit one record, and so does the completed interaction with request and reply.
    const long = await agent.handle({ text: 'a'.repeat(30_000) });
    const longRecords = await storedPayloads(store, long.interactionId);
    expect(longRecords.get('message-received')!.payload.text).toBe('a'.repeat(30_000));
    const completed = longRecords.get('interaction-completed')!;
    expect(completed.payload.requestText).toBe('a'.repeat(30_000));
    expect(utf8Bytes(completed.json)).toBeLessThanOrEqual(65_536);

    // 30,000 three-byte characters pass 64 KiB on their own.
    const wide = await agent.handle({ text: '漢'.repeat(30_000) });
    const wideReceived = (await storedPayloads(store, wide.interactionId)).get('message-received')!;
    expect(wideReceived.payload).toMatchObject({ truncated: true, limitBytes: 65_536 });
    expect(utf8Bytes(wideReceived.json)).toBeLessThanOrEqual(65_536);

    // What cannot be a message is refused with a typed error, before anything is recorded.
    for (const text of ['\u0000', '\u0000\u0001\u0002', ' \t\r\n ']) {
      expectTyped(await agent.handle({ text }).catch((error: unknown) => error), 'invalid-request');
    }
    expectTyped(
      await agent.handle({ text: 'b'.repeat(32_001) }).catch((error: unknown) => error),
      'payload-too-large',
    );
    expectTyped(
      await agent.handle({ text: 'hi', senderId: 'web\u0000visitor' }).catch((error: unknown) => error),
      'invalid-request',
    );

    await expectStillWorking(agent, store, log);
  });

  /** A reply, or a typed error a client can act on (4xx): never a raw driver error or a 5xx. */
  async function expectRecordedOrRefused(
    store: StewardStore,
    outcome: unknown,
    check: (records: Awaited<ReturnType<typeof storedPayloads>>) => void,
  ) {
    if (StewardError.isInstance(outcome)) {
      expect(outcome.status).toBeLessThan(500);
      return;
    }
    expect(outcome, 'a reply, not an untyped error').not.toBeInstanceOf(Error);
    check(await storedPayloads(store, (outcome as { interactionId: string }).interactionId));
  }

  // PostgreSQL text cannot hold NUL: the interaction stores U+FFFD, the audit record the escaped NUL.
  const nulTest = it;

  nulTest('records a NUL character in the message safely when input normalization is off', async () => {
    const { agent, store, log } = await setUp({ normalizeInput: false });
    const outcome = await agent.handle({ text: 'before\u0000after' }).catch((error: unknown) => error);
    await expectRecordedOrRefused(store, outcome, (records) => {
      const received = records.get('message-received')!;
      expect(received.payload.text).toBe('before\u0000after');
      expect(received.json).toContain('\\u0000');
    });
    await expectStillWorking(agent, store, log);
  });

  nulTest("records a NUL character in the model's reply safely", async () => {
    const { agent, store, log } = await setUp({
      answer: (prompt) => (prompt === 'hello' ? 'model said \u0000 here' : `echo: ${prompt}`),
    });
    const outcome = await agent.handle({ text: 'hello' }).catch((error: unknown) => error);
    await expectRecordedOrRefused(store, outcome, (records) => {
      expect(records.get('reply-sent')!.payload.text).toBe('model said \u0000 here');
    });
    await expectStillWorking(agent, store, log);
  });

  it('truncates huge payloads and refuses cycles, BigInt and deep nesting for that caller only', async () => {
    const { agent, store, audit, log } = await setUp();
    const base: Omit<AuditRecordInput, 'payload'> = {
      tenantId: 'acme',
      agentId: 'front-desk',
      eventType: 'hostile-payload',
      at: Date.now(),
      level: 'detailed',
    };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { leaf: true };
    for (let depth = 0; depth < 5_000; depth++) deep = { deeper: deep };
    const huge = { blob: 'x'.repeat(5 * 1024 * 1024), wide: 'é'.repeat(1024 * 1024) };
    const manyKeys = Object.fromEntries(Array.from({ length: 200_000 }, (_, index) => [`k${index}`, index]));

    // Submitted together, so the good ones would share a batch with the bad ones if those got that far.
    const direct = await Promise.allSettled([
      log.append({ ...base, payload: { good: 1 } }),
      log.append({ ...base, payload: huge }),
      log.append({ ...base, payload: manyKeys }),
      log.append({ ...base, payload: cyclic }),
      log.append({ ...base, payload: { count: 10n } }),
      log.append({ ...base, payload: deep }),
      log.append({ ...base, tenantId: 'acme\u0000evil', payload: {} }),
      log.append({ ...base, payload: { nul: 'a\u0000b', lone: '\udfff' } }),
      log.append({ ...base, payload: { good: 2 } }),
    ]);
    const [good1, hugeResult, manyResult, cycle, bigint, deepResult, nulTenant, nulPayload, good2] = direct;
    for (const result of [good1, hugeResult, manyResult, nulPayload, good2])
      expect(result!.status).toBe('fulfilled');
    for (const result of [cycle, bigint, deepResult, nulTenant]) {
      expect(result!.status).toBe('rejected');
      expectTyped((result as PromiseRejectedResult).reason, 'invalid-request');
    }
    const [hugeRecord] = (hugeResult as PromiseFulfilledResult<Awaited<ReturnType<AuditLog['append']>>>)
      .value;
    expect(hugeRecord!.payload).toMatchObject({ truncated: true, limitBytes: 65_536 });
    const [nulRecord] = (nulPayload as PromiseFulfilledResult<Awaited<ReturnType<AuditLog['append']>>>).value;
    expect(nulRecord!.payload).toEqual({ nul: 'a\u0000b', lone: '\ufffd' });

    // Through the Audit primitive the payload is masked first; the same values are refused or stored safely.
    const throughAudit = await Promise.allSettled([
      audit.append({ ...base, payload: huge }),
      audit.append({ ...base, payload: cyclic }),
      audit.append({ ...base, payload: { count: 12n } }),
      audit.append({ ...base, payload: deep }),
      audit.append({ ...base, payload: { mail: 'jo@example.com' } }),
    ]);
    const [auditHuge, auditCycle, auditBigint, auditDeep, auditMail] = throughAudit;
    expect(auditHuge!.status).toBe('fulfilled');
    expect((auditHuge as PromiseFulfilledResult<{ payload: unknown }>).value.payload).toMatchObject({
      truncated: true,
    });
    for (const result of [auditCycle, auditBigint]) {
      expect(result!.status).toBe('rejected');
      expectTyped((result as PromiseRejectedResult).reason, 'invalid-request');
    }
    // Deep nesting: the masker may cut it with a marker (then the log accepts the rest) or pass it on (then
    // the log refuses it); either way nothing untyped escapes.
    if (auditDeep!.status === 'fulfilled') {
      expect(JSON.stringify(auditDeep.value.payload)).toContain('[TRUNCATED]');
    } else {
      expectTyped(auditDeep!.reason, 'invalid-request');
    }
    expect((auditMail as PromiseFulfilledResult<{ payload: unknown }>).value.payload).toEqual({
      mail: '[EMAIL]',
    });

    await expectStillWorking(agent, store, log);
  });

  it('refuses a payload whose getter throws with a typed error through the log', async () => {
    const { agent, store, log } = await setUp();
    const outcome = await log
      .append({ ...hostileBase, payload: throwingGetter() })
      .catch((error: unknown) => error);
    expectTyped(outcome, 'invalid-request');
    await expectStillWorking(agent, store, log);
  });

  // Audit masks the payload before the log validates it: an unreadable payload is refused there, typed.
  it('refuses a payload whose getter throws with a typed error through Audit', async () => {
    const { agent, store, audit, log } = await setUp();
    const outcome = await audit
      .append({ ...hostileBase, payload: throwingGetter() })
      .catch((error: unknown) => error);
    expectTyped(outcome, 'invalid-request');
    await expectStillWorking(agent, store, log);
  });
});

const hostileBase = {
  tenantId: 'acme',
  agentId: 'front-desk',
  eventType: 'hostile',
  at: 1,
  level: 'detailed',
};

function throwingGetter(): Record<string, unknown> {
  return {
    get secret(): string {
      throw new Error('getter exploded');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP

describe('invalid UTF-8 over HTTP', () => {
  it('answers 200 with U+FFFD recorded or a typed 400, never a 500, and keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-audit-http-'));
    const store = await openStore({ path: join(dir, 'steward.db'), encryptionKey: '33'.repeat(32) }, {});
    let counter = 0;
    const runtime = new FunctionRuntime(async (request) => `echo: ${request.prompt}`);
    const agent = new ClaudeAgent({
      tenantId: 'acme',
      agentId: 'front-desk',
      store,
      runtime,
      audit: { level: 'detailed' },
      createId: () => `http-${++counter}`,
    });
    const logged: string[] = [];
    const app = createApp({
      agents: [agent],
      store,
      runtime,
      metrics: createMetrics({ processMetrics: false }),
      logError: (line, error) => logged.push(`${line} ${String(error)}`),
    });
    const server = await startServer({ app, port: 0 });
    cleanups.push(async () => {
      await server.close();
      await app.lifecycle.closeResources();
      rmSync(dir, { recursive: true, force: true });
    });

    const post = (body: Buffer) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(`${server.url}/api/agents/front-desk/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length },
        });
        request.on('response', (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        });
        request.on('error', reject);
        request.setTimeout(10_000, () => request.destroy(new Error('timed out')));
        request.end(body);
      });
    const bytes = (...parts: Array<string | number[]>) =>
      Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

    const bodies = {
      'truncated sequence': bytes('{"text":"caf', [0xc3], '"}'),
      'invalid bytes': bytes('{"text":"a', [0xff, 0xfe], 'b"}'),
      'overlong slash': bytes('{"text":"', [0xc0, 0xaf], '"}'),
      'encoded surrogate': bytes('{"text":"x', [0xed, 0xa0, 0x80], 'y"}'),
      'bytes outside the string': bytes([0xff], '{"text":"hi"}'),
      'escaped lone surrogate and NUL': bytes('{"text":"p\\ud800q\\u0000r"}'),
      'invalid bytes in a key': bytes('{"te', [0xff], 'xt":"hi"}'),
    };
    for (const [name, body] of Object.entries(bodies)) {
      const response = await post(body);
      expect([200, 400], `${name}: ${response.body}`).toContain(response.status);
      const parsed = JSON.parse(response.body) as { interactionId?: string; error?: { code: string } };
      if (response.status === 400) {
        expect(parsed.error?.code, name).toBe('invalid-request');
        continue;
      }
      const received = (await storedPayloads(store, parsed.interactionId!)).get('message-received')!;
      const text = received.payload.text as string;
      expect(text, name).not.toMatch(/[\ud800-\udfff]/); // well-formed: no lone surrogates left
      expect(text, name).not.toContain('\u0000');
      expect(Buffer.from(received.json).toString('utf8')).toBe(received.json);
    }
    expect(logged).toEqual([]);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ok = await post(Buffer.from(JSON.stringify({ text: 'plain' })));
    expect(ok.status).toBe(200);
    const report = await verifyChain(store);
    expect(report.ok).toBe(true);
  });
});

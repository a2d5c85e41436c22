/**
 * Learn's handler sandbox: per-call overhead (p50/p99) of a trivial handler, a realistic slot-filling
 * handler (regex + template) and the error paths, through the sandbox (worker thread; a runtime kept across
 * calls for these stateless sources) and, for comparison, in process (a fresh QuickJS runtime per call); and how long each keeps the event loop from
 * running (`monitorEventLoopDelay`), including a handler QuickJS's interrupt does not stop in time.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { newQuickJSWASMModule } from 'quickjs-emscripten';
import { evaluateHandler } from '../src/learn/sandbox/evaluate.js';
import {
  createHandlerSandbox,
  type HandlerContext,
  resolveSandboxLimits,
} from '../src/learn/sandbox/index.js';
import { formatMs, printTable, summarise } from './stats.js';

const context: HandlerContext = { tenantId: 'bench', agentId: 'learn', now: '2026-12-04T10:00:00.000Z' };

const HANDLERS = {
  trivial: '(request) => "hello"',
  'slot-filling': `function handler(request, context) {
    const text = request.text.toLowerCase();
    if (!/\\b(where|status|track|arrive|shipped)\\b/.test(text)) return null;
    const order = /\\border\\s*(?:number|no\\.?|#)?\\s*([a-z]{0,3}-?\\d{5,10})\\b/i.exec(request.text);
    if (!order) return null;
    const date = context.now.slice(0, 10);
    return 'Order ' + order[1].toUpperCase() + ' is on its way (checked ' + date + '). Track it any time under My orders.';
  }`,
  exception: '(request) => { throw new TypeError("no slot in " + request.text.length + " characters") }',
  'invalid output': '() => ({ text: "an object" })',
  'timeout at limit': '() => { while (true) {} }',
  'runaway (QuickJS late to interrupt)':
    '() => { const all = []; for (;;) all.push({ padding: "x".repeat(100000) + all.length }); }',
} as const;

type HandlerName = keyof typeof HANDLERS;

const REQUESTS = [
  'Where is my order #A-1234567? It has not arrived yet.',
  'hi, what is the status of order number 99812345',
  'I want to change my PIN',
  'Can you track ORDER no. 55443322 please',
];

const CALLS: Record<HandlerName, number> = {
  trivial: 2_000,
  'slot-filling': 2_000,
  exception: 500,
  'invalid output': 500,
  'timeout at limit': 20,
  'runaway (QuickJS late to interrupt)': 5,
};
/** The measured loop of one row also stops at this wall-clock bound. */
const MAX_MS_PER_ROW = 20_000;

export interface SandboxCallFigures {
  handler: HandlerName;
  where: 'sandbox (worker)' | 'in process';
  calls: number;
  latency: ReturnType<typeof summarise>;
  outcome: string;
  /** Longest stretch the event loop could not run during the row, in ms. */
  eventLoopBlockedMs: number;
}

export interface LearnSandboxFigures {
  timeoutMs: number;
  rows: SandboxCallFigures[];
  /** A handler carrying a term table (a model's weights), by the size of its source. */
  bySize: Array<{
    shape: TableShape;
    terms: number;
    chars: number;
    calls: number;
    latency: ReturnType<typeof summarise>;
  }>;
  workerRestarts: number;
  freshRuntimeMs: ReturnType<typeof summarise>;
}

export async function benchLearnSandbox(): Promise<LearnSandboxFigures> {
  const limits = resolveSandboxLimits();
  const rows: SandboxCallFigures[] = [];
  const sandbox = await createHandlerSandbox(limits);
  let workerRestarts: number;
  try {
    for (const name of Object.keys(HANDLERS) as HandlerName[]) {
      const handler = await sandbox.compile(HANDLERS[name]);
      for (let warm = 0; warm < 20 && CALLS[name] > 100; warm++) {
        await handler.run({ text: REQUESTS[warm % REQUESTS.length]! }, context);
      }
      rows.push(
        await measure(name, 'sandbox (worker)', CALLS[name], (index) =>
          handler.run({ text: REQUESTS[index % REQUESTS.length]! }, context),
        ),
      );
    }
    workerRestarts = sandbox.stats().workerRestarts;
  } finally {
    sandbox.close();
  }

  // The same evaluation on the main thread: what the worker hop costs, and what it protects.
  const module = await newQuickJSWASMModule();
  for (const name of Object.keys(HANDLERS) as HandlerName[]) {
    const calls = name === 'runaway (QuickJS late to interrupt)' ? 1 : Math.min(CALLS[name], 1_000);
    for (let warm = 0; warm < 20 && calls > 100; warm++) {
      evaluateHandler(module, limits, HANDLERS[name], { request: { text: REQUESTS[0] }, context });
    }
    rows.push(
      await measure(name, 'in process', calls, async (index) => {
        const request = { text: REQUESTS[index % REQUESTS.length]! };
        return evaluateHandler(module, limits, HANDLERS[name], { request, context }).evaluation;
      }),
    );
  }

  const bySize = await measureBySize();

  const fresh: number[] = [];
  for (let index = 0; index < 1_000; index++) {
    const started = performance.now();
    const runtime = module.newRuntime();
    const vm = runtime.newContext();
    vm.dispose();
    runtime.dispose();
    fresh.push(performance.now() - started);
  }
  return {
    timeoutMs: limits.timeoutMs,
    rows,
    bySize,
    workerRestarts,
    freshRuntimeMs: summarise(fresh),
  };
}

/** Where a handler keeps its term table, which decides how often the table is built. */
export type TableShape = 'var (kept runtime)' | 'in the function (kept runtime)' | 'fresh runtime per call';

/**
 * A handler that scores the request's words against a table of weights (the shape of a handler that
 * carries a small model). In a top-level `var`, the table is built once and frozen with the kept
 * runtime; inside the function, every call builds it again; returned by code run at load (not proven
 * stateless), every call evaluates the whole source in a fresh runtime.
 */
export function termTableHandler(terms: number, shape: TableShape = 'var (kept runtime)'): string {
  const entries: string[] = [];
  for (let index = 0; index < terms; index++) {
    const weights = Array.from(
      { length: 4 },
      (_, slot) => `${slot},${(((index * 7 + slot * 13) % 200) / 100 - 1).toFixed(3)}`,
    );
    entries.push(`"word${index}":[${weights.join(',')}]`);
  }
  const table = `var table = {${entries.join(',')}};`;
  const body = `var words = String(request.text).toLowerCase().split(/[^a-z0-9]+/);
  var scores = [0, 0, 0, 0];
  for (var i = 0; i < words.length; i++) {
    var weights = table[words[i]];
    if (!weights) continue;
    for (var j = 0; j < weights.length; j += 2) scores[weights[j]] += weights[j + 1];
  }
  return scores[0] > 0.5 ? 'Your order is on its way.' : null;`;
  if (shape === 'var (kept runtime)') return `${table}\nfunction handler(request, context) {\n  ${body}\n}`;
  const inside = `function handler(request, context) {\n  ${table}\n  ${body}\n}`;
  return shape === 'in the function (kept runtime)' ? inside : `(() => ${inside})()`;
}

const TABLE_SIZES = [0, 250, 1_000, 4_000];
const TABLE_SHAPES: TableShape[] = [
  'var (kept runtime)',
  'in the function (kept runtime)',
  'fresh runtime per call',
];

async function measureBySize(): Promise<LearnSandboxFigures['bySize']> {
  const sandbox = await createHandlerSandbox({ maxCodeChars: 1_000_000, memoryBytes: 32 * 1024 * 1024 });
  const figures: LearnSandboxFigures['bySize'] = [];
  try {
    for (const shape of TABLE_SHAPES) {
      for (const terms of TABLE_SIZES) {
        const code = termTableHandler(terms, shape);
        const handler = await sandbox.compile(code);
        const samples: number[] = [];
        const deadline = performance.now() + MAX_MS_PER_ROW;
        for (let index = 0; index < 300 && performance.now() < deadline; index++) {
          const started = performance.now();
          const outcome = await handler.run({ text: `word${index % 50} word7 please` }, context);
          if (outcome.kind === 'error')
            throw new Error(`the ${terms}-term handler failed: ${outcome.message}`);
          if (index >= 20) samples.push(performance.now() - started);
        }
        handler.dispose();
        figures.push({
          shape,
          terms,
          chars: code.length,
          calls: samples.length,
          latency: summarise(samples),
        });
      }
    }
  } finally {
    sandbox.close();
  }
  return figures;
}

async function measure(
  handler: HandlerName,
  where: SandboxCallFigures['where'],
  calls: number,
  call: (index: number) => Promise<{ kind: string; code?: string }>,
): Promise<SandboxCallFigures> {
  const samples: number[] = [];
  const outcomes = new Map<string, number>();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  // A timer that must keep firing: its lateness is how long the loop was held.
  let lastTick = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - lastTick);
    lastTick = now;
  }, 1);
  delay.enable();
  const deadline = performance.now() + MAX_MS_PER_ROW;
  for (let index = 0; index < calls && performance.now() < deadline; index++) {
    const started = performance.now();
    const outcome = await call(index);
    samples.push(performance.now() - started);
    const label = outcome.kind === 'error' ? `error:${outcome.code}` : outcome.kind;
    outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
    // Let the ticker run between calls, as a server's other requests would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  delay.disable();
  clearInterval(ticker);
  const now = performance.now();
  longestGap = Math.max(longestGap, now - lastTick);
  return {
    handler,
    where,
    calls: samples.length,
    latency: summarise(samples),
    outcome: [...outcomes].map(([label, count]) => `${label} ×${count}`).join(', '),
    eventLoopBlockedMs: Math.max(longestGap, delay.max / 1e6),
  };
}

export function printLearnSandbox(figures: LearnSandboxFigures): void {
  printTable(
    `Learn handler sandbox: per call (sandbox: a function source keeps its frozen runtime; in process: a fresh QuickJS runtime + context each call; timeoutMs ${figures.timeoutMs}, QuickJS runtime + context alone p50 ${formatMs(figures.freshRuntimeMs.p50)})`,
    figures.rows.map((row) => ({
      handler: row.handler,
      where: row.where,
      calls: row.calls,
      p50: formatMs(row.latency.p50),
      p99: formatMs(row.latency.p99),
      max: formatMs(row.latency.max),
      'event loop held (max)': formatMs(row.eventLoopBlockedMs),
      outcomes: row.outcome,
    })),
  );
  console.log(`sandbox workers stopped by the watchdog and replaced: ${figures.workerRestarts}`);
  printTable(
    'Learn handler sandbox: a handler carrying a table of term weights, per call, by where the table is and its size',
    figures.bySize.map((row) => ({
      table: row.shape,
      terms: row.terms,
      'source chars': row.chars,
      calls: row.calls,
      p50: formatMs(row.latency.p50),
      p99: formatMs(row.latency.p99),
    })),
  );
}

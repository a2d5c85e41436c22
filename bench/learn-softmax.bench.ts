/**
 * The offline writer's softmax handlers in the sandbox, at the size they have on banking77 (77 kinds of
 * request, ~130 recorded requests each; each handler trained on its own kind, its 12 nearest neighbours
 * and 200 others): the source size, the heap a kept runtime holds, the per-call cost, and the cost of one
 * request asked of 70 such handlers (what the learn tier does for each request), asked one after another
 * and all at once. The requests are synthetic (seeded), so the bench runs without the data set. Their common
 * words are in every kind's examples, so every request passes every handler's word check and is scored in
 * full: the worst case. On banking77, 30% of (request, handler) pairs pass it; the rest return null before
 * the four-character pieces are read.
 */
import { performance } from 'node:perf_hooks';
import { newQuickJSWASMModule } from 'quickjs-emscripten';
import { createHandlerSandbox, resolveSandboxLimits } from '../src/learn/sandbox/index.js';
import { LiveHandlers } from '../src/learn/sandbox/live-handlers.js';
import { writeSoftmaxHandler } from '../src/simulator/index.js';
import { formatMs, printTable, summarise } from './stats.js';

const KINDS = 77;
const PER_KIND = 130;
const HANDLERS = 70;
const REQUESTS = 200;
const context = { tenantId: 'bench', agentId: 'learn', now: '2026-12-05T10:00:00.000Z' };

/** Seeded requests: each kind has 16 words (half shared with each neighbour); a request mixes 3 of them with 4 of 30 common words. */
function syntheticKinds(): string[][] {
  let state = 7;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  // Words of letters only: a word with a digit would read as a slot (an order number).
  const word = (prefix: string, index: number) =>
    prefix + index.toString(26).replace(/[0-9]/g, (digit) => 'qrstuvwxyz'[Number(digit)]!);
  const common = Array.from({ length: 30 }, (_, index) => word('common', index));
  return Array.from({ length: KINDS }, (_, kind) => {
    // Neighbouring kinds share half their words, as confusable intents do.
    const own = Array.from({ length: 16 }, (_, index) => word('term', (kind * 8 + index) % (KINDS * 8)));
    return Array.from({ length: PER_KIND }, () =>
      [...Array.from({ length: 4 }, () => pick(own)), ...Array.from({ length: 5 }, () => pick(common))].join(
        ' ',
      ),
    );
  });
}

export interface LearnSoftmaxFigures {
  sourceChars: ReturnType<typeof summarise>;
  heapBytes: ReturnType<typeof summarise>;
  perCall: ReturnType<typeof summarise>;
  requestOneByOne: ReturnType<typeof summarise>;
  requestAtOnce: ReturnType<typeof summarise>;
  reusedShare: number;
}

export async function benchLearnSoftmax(): Promise<LearnSoftmaxFigures> {
  const kinds = syntheticKinds();
  const codes = Array.from({ length: HANDLERS }, (_, kind) => {
    const neighbours = [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6].map(
      (offset) => (kind + offset + KINDS) % KINDS,
    );
    const others = kinds.filter((_, index) => index !== kind && !neighbours.includes(index));
    return writeSoftmaxHandler({
      examples: kinds[kind]!.slice(0, 87).map((request) => ({ request, reply: `answer ${kind}` })),
      nearMissGroups: neighbours.map((index) => kinds[index]!.slice(0, 87)),
      background: others.flatMap((list) => list.slice(0, 4)).slice(0, 200),
    });
  });
  const module = await newQuickJSWASMModule();
  const live = new LiveHandlers(resolveSandboxLimits(), { maxRuntimes: 1_000, maxBytes: 4e9 });
  const heap: number[] = [];
  for (const [index, code] of codes.slice(0, 10).entries()) {
    const before = live.keptBytes;
    live.call(module, `k${index}`, code, 'script', { request: { text: 'hello' }, context });
    heap.push(live.keptBytes - before);
  }
  const sandbox = await createHandlerSandbox();
  try {
    const handlers = [];
    for (const code of codes) handlers.push(await sandbox.compile(code));
    const texts = Array.from(
      { length: REQUESTS },
      (_, index) => kinds[index % KINDS]![PER_KIND - 1 - (index % 40)]!,
    );
    for (const handler of handlers) await handler.run({ text: texts[0]! }, context);
    const perCall: number[] = [];
    for (const [index, text] of texts.entries()) {
      const started = performance.now();
      await handlers[index % HANDLERS]!.run({ text }, context);
      perCall.push(performance.now() - started);
    }
    const oneByOne: number[] = [];
    const atOnce: number[] = [];
    const before = sandbox.stats();
    for (const text of texts.slice(0, 100)) {
      let started = performance.now();
      for (const handler of handlers) await handler.run({ text }, context);
      oneByOne.push(performance.now() - started);
      started = performance.now();
      await Promise.all(handlers.map((handler) => handler.run({ text }, context)));
      atOnce.push(performance.now() - started);
    }
    const after = sandbox.stats();
    for (const handler of handlers) handler.dispose();
    return {
      sourceChars: summarise(codes.map((code) => code.length)),
      heapBytes: summarise(heap),
      perCall: summarise(perCall),
      requestOneByOne: summarise(oneByOne),
      requestAtOnce: summarise(atOnce),
      reusedShare: (after.reusedCalls - before.reusedCalls) / Math.max(1, after.calls - before.calls),
    };
  } finally {
    sandbox.close();
  }
}

export function printLearnSoftmax(figures: LearnSoftmaxFigures): void {
  printTable(
    `Learn: the offline writer's softmax handlers (${HANDLERS} of ${KINDS} synthetic kinds, banking77's shape), in the sandbox`,
    [
      {
        measure: 'source characters',
        p50: Math.round(figures.sourceChars.p50),
        max: Math.round(figures.sourceChars.max),
      },
      {
        measure: 'heap of a kept runtime (MB)',
        p50: (figures.heapBytes.p50 / 1e6).toFixed(2),
        max: (figures.heapBytes.max / 1e6).toFixed(2),
      },
      { measure: 'one call', p50: formatMs(figures.perCall.p50), p99: formatMs(figures.perCall.p99) },
      {
        measure: `one request, ${HANDLERS} handlers one by one`,
        p50: formatMs(figures.requestOneByOne.p50),
        p99: formatMs(figures.requestOneByOne.p99),
      },
      {
        measure: `one request, ${HANDLERS} handlers at once`,
        p50: formatMs(figures.requestAtOnce.p50),
        p99: formatMs(figures.requestAtOnce.p99),
      },
    ],
  );
  console.log(`calls on a kept runtime: ${(figures.reusedShare * 100).toFixed(1)}%`);
}

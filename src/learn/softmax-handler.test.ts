/**
 * The offline writer's softmax handler (src/simulator/softmax-writer.ts) run where handlers run: in the
 * QuickJS sandbox, in a kept runtime. It answers unseen requests of its own kind, returns null on unseen
 * requests of the labelled neighbours and on requests of no kind, and reads a request's features exactly
 * as detection does on the host.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  hoursReply,
  hoursRequests,
  refundRequests,
  shippingRequests,
} from '../../test/support/learn-clusters.js';
import { textFeatures, textFeaturesSource } from '../classify/index.js';
import { readGenerationPrompt, writeHandler, writeSoftmaxHandler } from '../simulator/index.js';
import { buildGenerationPrompt } from './generate.js';
import { createHandlerSandbox } from './sandbox/index.js';
import { statelessForm } from './sandbox/stateless-source.js';
import { unrelatedRequests } from './validate.js';

const context = { tenantId: 'acme', agentId: 'desk', now: '2026-12-05T10:00:00.000Z' };
const sandbox = await createHandlerSandbox();
afterAll(() => sandbox.close());

const shown = (list: readonly string[]) => list.filter((_, index) => index % 3 !== 2);
const unseen = (list: readonly string[]) => list.filter((_, index) => index % 3 === 2);
const data = {
  examples: shown(hoursRequests).map((request) => ({ request, reply: hoursReply })),
  nearMissGroups: [shown(refundRequests), shown(shippingRequests)],
  background: ['what is my account balance', 'can I pay by invoice', 'do you have a loyalty card'],
};

async function replies(code: string, requests: readonly string[]): Promise<Array<string | null>> {
  const handler = await sandbox.compile(code);
  try {
    const out: Array<string | null> = [];
    for (const text of requests) {
      const outcome = await handler.run({ text }, context);
      if (outcome.kind === 'error') throw new Error(`${outcome.code}: ${outcome.message}`);
      out.push(outcome.kind === 'reply' ? outcome.text : null);
    }
    return out;
  } finally {
    handler.dispose();
  }
}

describe('the softmax handler', () => {
  it('answers most unseen requests of its kind (nothing else) and returns null on unseen neighbours and unrelated requests, in a kept runtime', async () => {
    const code = writeSoftmaxHandler(data);
    expect(statelessForm(code)).toBe('script');
    // It reads four-character pieces as well as words and pairs (text-features.ts).
    expect(code).toContain('"c:open');
    const reusedBefore = sandbox.stats().reusedCalls;
    const own = await replies(code, unseen(hoursRequests));
    // Trained on 10 requests, at p(own) ≥ 0.87: at least the 80% coverage the learning tests ask for.
    expect(own.filter((reply) => reply === hoursReply).length).toBeGreaterThanOrEqual(0.8 * own.length);
    expect(own.every((reply) => reply === hoursReply || reply === null)).toBe(true);
    const foreign = [...unseen(refundRequests), ...unseen(shippingRequests), ...unrelatedRequests];
    expect(await replies(code, foreign)).toEqual(foreign.map(() => null));
    expect(sandbox.stats().reusedCalls - reusedBefore).toBeGreaterThan(foreign.length);
  });

  it('needs half of the content words to be its examples’: shared function words do not make a request its kind', async () => {
    // "are you open on …" is mostly the hours examples' words, but its content words are not.
    const [reply] = await replies(writeSoftmaxHandler(data), ['are you open on public holidays?']);
    expect(reply).toBeNull();
  });

  it('is what the simulated model writes for a prompt with labelled neighbours, and the keyword handler without', () => {
    const cluster = {
      size: 15,
      confidence: 1,
      cohesion: 1,
      consistency: 1,
      separation: 1,
      training: data.examples,
      heldOut: [],
      nearMisses: [],
    };
    const withGroups = readGenerationPrompt(
      buildGenerationPrompt({ ...cluster, nearMissGroups: data.nearMissGroups, background: data.background }),
    )!;
    expect(writeHandler(withGroups)).toBe(writeSoftmaxHandler(data));
    expect(writeHandler(readGenerationPrompt(buildGenerationPrompt(cluster))!)).toContain('var keywords');
  });

  it('writes coarser weights to fit a smaller source limit, and still answers', async () => {
    const full = writeSoftmaxHandler(data);
    const small = writeSoftmaxHandler(data, Math.floor(full.length * 0.8));
    expect(small.length).toBeLessThan(full.length);
    // The coarser handler answers the unseen requests the full one answers (4 of 5), and nothing else.
    const fromFull = await replies(full, unseen(hoursRequests));
    expect(fromFull.filter((reply) => reply === hoursReply).length).toBeGreaterThanOrEqual(4);
    expect(await replies(small, unseen(hoursRequests))).toEqual(fromFull);
  });

  it('keeps only its largest weights when even the coarsest steps do not fit the limit', async () => {
    // With no room at all it keeps no weights: the fixed part (features, stop words, the examples' words).
    const fixed = writeSoftmaxHandler(data, 0);
    expect(fixed).not.toContain('"w:');
    const limit = fixed.length + 400;
    const pruned = writeSoftmaxHandler(data, limit);
    expect(pruned.length).toBeLessThanOrEqual(limit);
    expect(pruned.length).toBeGreaterThan(fixed.length);
    expect(statelessForm(pruned)).toBe('script');
    const outcomes = await replies(pruned, [...unrelatedRequests]);
    expect(outcomes).toEqual(unrelatedRequests.map(() => null));
  });

  it('reads features in the sandbox exactly as the host does', async () => {
    const texts = [
      "What's   my ORDER #12345? I've been charged twice!!",
      'Refunds: refunding, refunded; refundly… ça coûte combien?',
      "don't 'quote' me",
      '',
      '   ',
      'a'.repeat(300),
    ];
    for (const grams of [false, true]) {
      const code = `${textFeaturesSource}\nfunction handler(request) { return JSON.stringify(textFeatures(request.text, ${grams})); }`;
      const inSandbox = await replies(code, texts);
      expect(inSandbox.map((text) => JSON.parse(text!))).toEqual(
        texts.map((text) => textFeatures(text, grams)),
      );
    }
    expect(textFeatures('top-up', true).map(([term]) => term)).toEqual([
      'w:top',
      'b:top up',
      'w:up',
      'c: top',
      'c:top ',
      'c:op u',
      'c:p up',
      'c: up ',
    ]);
  });
});

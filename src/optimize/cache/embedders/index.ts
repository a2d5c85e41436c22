/** The Embedder seam and its built-in implementations (the USE adapter loads its packages lazily). */
export { dotProduct, type Embedder, l2Normalize } from './embedder.js';
export {
  createHashingEmbedder,
  HashingEmbedder,
  type HashingEmbedderConfig,
  type HashingIdfState,
  hashingEmbedderConfigSchema,
} from './hashing/index.js';
export {
  createHttpEmbedder,
  EmbeddingRequestError,
  type EmbeddingRequestErrorOptions,
  HttpEmbedder,
  type HttpEmbedderConfig,
  type HttpEmbedderDependencies,
  type HttpEmbeddingProvider,
  httpEmbedderConfigSchema,
} from './http/index.js';
export {
  createUseEmbedder,
  UseEmbedder,
  type UseEmbedderConfig,
} from './universal-sentence-encoder/index.js';

/** Embedders backed by a hosted API: Voyage and OpenAI. */
export { EmbeddingRequestError, type EmbeddingRequestErrorOptions } from './embedding-request-error.js';
export {
  createHttpEmbedder,
  HttpEmbedder,
  type HttpEmbedderConfig,
  type HttpEmbedderDependencies,
  type HttpEmbeddingProvider,
  httpEmbedderConfigSchema,
} from './http-embedder.js';

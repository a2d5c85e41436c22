/** The built-in hashing embedder: offline, deterministic, no download. */
export {
  createHashingEmbedder,
  HashingEmbedder,
  type HashingEmbedderConfig,
  type HashingIdfState,
  hashingEmbedderConfigSchema,
} from './hashing-embedder.js';

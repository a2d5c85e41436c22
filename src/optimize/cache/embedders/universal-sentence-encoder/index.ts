/** The Universal Sentence Encoder embedder (optional packages @energetic-ai/embeddings and model-embeddings-en). */
export { createUseEmbedder, UseEmbedder, type UseEmbedderConfig } from './use-embedder.js';

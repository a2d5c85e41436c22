export type { ConversationState } from './conversation-repository.js';
export { ConversationRepository } from './conversation-repository.js';
export type { InteractionPage, InteractionQuery } from './interaction-repository.js';
export { InteractionRepository } from './interaction-repository.js';
export { dataDirectoryOf, defaultSqlitePath, openStore, resolveStoreTarget } from './open-store.js';
export type { Database } from './schema.js';
export { SessionTranscriptRepository } from './session-transcript-repository.js';
export { createAesGcmCipher, parseSecretKey, type TranscriptCipher } from './transcript-cipher.js';
export type { StewardStore, StoreConfig, StoreEngine } from './types.js';

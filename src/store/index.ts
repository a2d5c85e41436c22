export {
  compiledLatestRead,
  compiledQuery,
  compiledRowsQuery,
  type LatestRowsSource,
} from './compiled-query.js';
export type { ConversationState, ConversationTurn } from './conversation-repository.js';
export { ConversationRepository, conversationTurns } from './conversation-repository.js';
export { type BatchRows, GroupWriter, type RowKind } from './group-writer.js';
export type { InteractionOutcome, InteractionRecord } from './interaction-record.js';
export type { InteractionPage, InteractionQuery } from './interaction-repository.js';
export {
  decodeCursor as decodeTimeCursor,
  encodeCursor as encodeTimeCursor,
  InteractionRepository,
  interactionRows,
} from './interaction-repository.js';
export { createMigrationProvider } from './migrations/index.js';
export { dataDirectoryOf, defaultSqlitePath, openStore, resolveStoreTarget } from './open-store.js';
export type { ListenHandlers, ListenOptions, StoreListener } from './postgres/postgres-listener.js';
export { createPrivateFile, createPrivateFolder, restrictToOwner } from './private-files.js';
export { timeOrderedId } from './row-id.js';
export type { Database } from './schema.js';
export { SessionTranscriptRepository } from './session-transcript-repository.js';
export { DEFAULT_PING_TIMEOUT_MS } from './store-health.js';
export {
  isConnectionFailure,
  STORE_UNAVAILABLE_MESSAGE,
  storeUnavailableError,
} from './store-unavailable.js';
export { createAesGcmCipher, parseSecretKey, type TranscriptCipher } from './transcript-cipher.js';
export type { StewardStore, StoreConfig, StoreEngine } from './types.js';

/**
 * Adapts our SessionTranscriptStore to the SDK's `SessionStore`, so the CLI's session transcripts are
 * mirrored into the project's store and any instance can resume any conversation.
 *
 * The SDK derives `projectKey` from the run's working directory, which is a fresh temporary directory on
 * every run; left alone, no run could find another's transcript. The adapter therefore replaces it with a
 * key derived from the tenant and agent, which also keeps one tenant from resuming another's session.
 */
import type { SessionKey, SessionStore, SessionStoreEntry } from '@anthropic-ai/claude-agent-sdk';
import type { SessionTranscriptKey, SessionTranscriptStore } from '../types.js';

/** The project key transcripts of one tenant's agent are stored under. */
export function sessionProjectKey(tenantId: string, agentId: string): string {
  return `steward:${encodeURIComponent(tenantId)}:${encodeURIComponent(agentId)}`;
}

/**
 * @param onLoadMain called with the main transcript the SDK loads to resume a session (the runtime reads the
 *   cost the session had already spent from it).
 * @param onAppendMain called with the entries the SDK appends to the main transcript, once they are stored
 *   (a warm session counts them to tell whether another instance has added turns since).
 * @example
 * query({ prompt, options: { sessionStore: createSessionStoreAdapter(store, 'acme', 'support'), resume } });
 */
export function createSessionStoreAdapter(
  store: SessionTranscriptStore,
  tenantId: string,
  agentId: string,
  onLoadMain?: (entries: ReadonlyArray<Record<string, unknown>>) => void,
  onAppendMain?: (entries: ReadonlyArray<Record<string, unknown>>) => void,
): SessionStore {
  const projectKey = sessionProjectKey(tenantId, agentId);
  const toKey = (key: SessionKey): SessionTranscriptKey =>
    key.subpath === undefined
      ? { projectKey, sessionId: key.sessionId }
      : { projectKey, sessionId: key.sessionId, subpath: key.subpath };

  return {
    append: async (key, entries) => {
      await store.append(toKey(key), entries);
      if (key.subpath === undefined) onAppendMain?.(entries);
    },
    load: async (key) => {
      const entries = await store.load(toKey(key));
      if (entries !== null && key.subpath === undefined) onLoadMain?.(entries);
      return entries === null ? null : (entries as SessionStoreEntry[]);
    },
    listSubkeys: (key) => store.listSubkeys({ projectKey, sessionId: key.sessionId }),
    delete: (key) => store.delete(toKey(key)),
  };
}

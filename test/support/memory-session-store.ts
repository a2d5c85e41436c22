/** A SessionTranscriptStore in memory, for tests of session resume through the real SDK and CLI. */
import type { SessionTranscriptKey, SessionTranscriptStore } from '../../src/runtime/index.js';

/** Keeps transcripts in memory, keyed like a real store would key them. */
export class MemorySessionStore implements SessionTranscriptStore {
  readonly entries = new Map<string, Array<Record<string, unknown>>>();
  private keyOf(key: SessionTranscriptKey): string {
    return JSON.stringify([key.projectKey, key.sessionId, key.subpath ?? null]);
  }
  async append(key: SessionTranscriptKey, entries: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    const stored = this.entries.get(this.keyOf(key)) ?? [];
    // Stored as JSON, as a database would, so nothing shares references with the SDK.
    stored.push(...(JSON.parse(JSON.stringify(entries)) as Array<Record<string, unknown>>));
    this.entries.set(this.keyOf(key), stored);
  }
  async load(key: SessionTranscriptKey): Promise<Array<Record<string, unknown>> | null> {
    const stored = this.entries.get(this.keyOf(key));
    return stored ? (JSON.parse(JSON.stringify(stored)) as Array<Record<string, unknown>>) : null;
  }
  async listSubkeys(key: { projectKey: string; sessionId: string }): Promise<string[]> {
    return [...this.entries.keys()]
      .map((stored) => JSON.parse(stored) as [string, string, string | null])
      .filter(
        ([projectKey, sessionId, subpath]) =>
          projectKey === key.projectKey && sessionId === key.sessionId && subpath,
      )
      .map(([, , subpath]) => subpath as string);
  }
  async delete(key: SessionTranscriptKey): Promise<void> {
    this.entries.delete(this.keyOf(key));
  }
}

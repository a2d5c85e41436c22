/**
 * SDK session transcripts in the store (the SDK's `sessionStore` contract), scoped per tenant and agent,
 * so a conversation started on one instance resumes on any other. Entries are encrypted when a key is set.
 */
import type { Kysely } from 'kysely';
import type { SessionTranscriptKey, SessionTranscriptStore } from '../runtime/index.js';
import type { Database } from './schema.js';
import type { TranscriptCipher } from './transcript-cipher.js';

export class SessionTranscriptRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly cipher: TranscriptCipher | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when entries are encrypted at rest. */
  get encrypted(): boolean {
    return this.cipher !== undefined;
  }

  /** The transcript store of one tenant's agent; nothing it reads or writes crosses that scope. */
  forAgent(tenantId: string, agentId: string): SessionTranscriptStore {
    return {
      append: (key, entries) => this.append(tenantId, agentId, key, entries),
      load: (key) => this.load(tenantId, agentId, key),
      listSubkeys: (key) => this.listSubkeys(tenantId, agentId, key),
      delete: (key) => this.delete(tenantId, agentId, key),
    };
  }

  private async append(
    tenantId: string,
    agentId: string,
    key: SessionTranscriptKey,
    entries: ReadonlyArray<Record<string, unknown>>,
  ): Promise<void> {
    if (entries.length === 0) return;
    const at = this.now();
    const rows = entries.map((entry) => {
      const json = JSON.stringify(entry);
      return {
        tenant_id: tenantId,
        agent_id: agentId,
        project_key: key.projectKey,
        session_id: key.sessionId,
        subpath: key.subpath ?? '',
        uuid: typeof entry.uuid === 'string' ? entry.uuid : null,
        entry: this.cipher ? this.cipher.encrypt(json) : json,
        created_at: at,
      };
    });
    // uuid is the idempotency key: SDK retries and replays must not duplicate entries.
    await this.db
      .insertInto('session_entries')
      .values(rows)
      .onConflict((conflict) =>
        conflict
          .columns(['tenant_id', 'agent_id', 'project_key', 'session_id', 'subpath', 'uuid'])
          .doNothing(),
      )
      .execute();
  }

  private async load(
    tenantId: string,
    agentId: string,
    key: SessionTranscriptKey,
  ): Promise<Array<Record<string, unknown>> | null> {
    const rows = await this.db
      .selectFrom('session_entries')
      .select('entry')
      .where('tenant_id', '=', tenantId)
      .where('agent_id', '=', agentId)
      .where('project_key', '=', key.projectKey)
      .where('session_id', '=', key.sessionId)
      .where('subpath', '=', key.subpath ?? '')
      .orderBy('id')
      .execute();
    if (rows.length === 0) return null;
    return rows.map(
      (row) =>
        JSON.parse(this.cipher ? this.cipher.decrypt(row.entry) : row.entry) as Record<string, unknown>,
    );
  }

  private async listSubkeys(
    tenantId: string,
    agentId: string,
    key: { projectKey: string; sessionId: string },
  ): Promise<string[]> {
    const rows = await this.db
      .selectFrom('session_entries')
      .select('subpath')
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('agent_id', '=', agentId)
      .where('project_key', '=', key.projectKey)
      .where('session_id', '=', key.sessionId)
      .where('subpath', '<>', '')
      .execute();
    return rows.map((row) => row.subpath).sort();
  }

  private async delete(tenantId: string, agentId: string, key: SessionTranscriptKey): Promise<void> {
    let builder = this.db
      .deleteFrom('session_entries')
      .where('tenant_id', '=', tenantId)
      .where('agent_id', '=', agentId)
      .where('project_key', '=', key.projectKey)
      .where('session_id', '=', key.sessionId);
    // Without a subpath the whole session goes, subagent transcripts included.
    if (key.subpath !== undefined) builder = builder.where('subpath', '=', key.subpath);
    await builder.execute();
  }
}

/**
 * The files a customer sent, kept in the store with their message until it is answered: the webhook that
 * received them and the worker that answers may run on different instances, and only the store is shared.
 * The worker writes them into the agent's own workspace just before the agent runs. Rows are read and
 * deleted by tenant, agent and message id together: a message id of another tenant finds nothing.
 */
import type { Kysely } from 'kysely';
import type { StewardStore } from '../../store/index.js';
import { messageBoxOf } from './secret-box.js';
import { type ChannelTables, channelTables } from './tables.js';

export interface StoredInboundFile {
  /** Workspace-relative path (`inbox/<message id>/<n>-<name>`). */
  path: string;
  content: Buffer;
}

export class InboundFileStore {
  private readonly db: Kysely<ChannelTables>;
  private readonly box;

  constructor(store: StewardStore) {
    this.db = channelTables(store.db);
    this.box = messageBoxOf(store);
  }

  /** Keeps a message's files (sealed when the store has a key); resolves once they are committed. */
  async keep(
    scope: { tenantId: string; agentId: string; inboundId: string },
    files: ReadonlyArray<StoredInboundFile>,
    now: number,
  ): Promise<void> {
    if (files.length === 0) return;
    await this.db
      .insertInto('channel_inbound_files')
      .values(
        files.map((file, position) => ({
          inbound_id: scope.inboundId,
          position,
          tenant_id: scope.tenantId,
          agent_id: scope.agentId,
          path: file.path,
          size_bytes: file.content.byteLength,
          content: this.box.seal(file.content.toString('base64')),
          created_at: now,
        })),
      )
      .execute();
  }

  /** The files of one message of this tenant's agent, in order. */
  async files(scope: { tenantId: string; agentId: string; inboundId: string }): Promise<StoredInboundFile[]> {
    const rows = await this.db
      .selectFrom('channel_inbound_files')
      .select(['path', 'content'])
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('inbound_id', '=', scope.inboundId)
      .orderBy('position')
      .execute();
    return rows.map((row) => ({
      path: row.path,
      content: Buffer.from(this.box.open(row.content), 'base64'),
    }));
  }

  /** Forgets a message's files (it was a duplicate, or it has been answered). */
  async drop(scope: { tenantId: string; agentId: string; inboundId: string }): Promise<void> {
    await this.db
      .deleteFrom('channel_inbound_files')
      .where('tenant_id', '=', scope.tenantId)
      .where('agent_id', '=', scope.agentId)
      .where('inbound_id', '=', scope.inboundId)
      .execute();
  }
}

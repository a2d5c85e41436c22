/**
 * Approval instead of denial: a tool call above the agent's level becomes a pending approval, the run
 * waits, and an operator approves or denies it (API or CLI) on any instance. No decision before the
 * timeout denies. Decisions are conditional updates, so two operators cannot both decide one approval.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { StewardError } from '../errors/index.js';
import type { EventBus } from '../events/index.js';
import type { Redactor } from '../privacy/index.js';
import type { StewardStore } from '../store/index.js';
import type { TrustApprovalsTable, TrustTables } from './store/schema.js';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface Approval {
  id: string;
  tenantId: string;
  agentId: string;
  interactionId: string;
  toolName: string;
  input: Record<string, unknown>;
  level: number;
  requiredLevel: number | null;
  status: ApprovalStatus;
  createdAt: number;
  expiresAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
  note: string | null;
}

export interface ApprovalRequest {
  tenantId: string;
  agentId: string;
  interactionId: string;
  toolName: string;
  input: Record<string, unknown>;
  level: number;
  requiredLevel: number | undefined;
  timeoutMs: number;
}

export interface ApprovalServiceOptions {
  now?: () => number;
  createId?: () => string;
  bus?: EventBus;
  /** How often a waiting run checks the store for a decision made on another instance; default 250 ms. */
  pollMs?: number;
  /** Masks PII in tool inputs and notes before they are stored (audit PII detection). */
  redactor?: Redactor;
}

export class ApprovalService {
  private readonly db: Kysely<TrustTables>;
  private readonly now: () => number;
  private readonly createId: () => string;
  private readonly pollMs: number;
  /** Waiters on this instance, woken at once when the decision is made here. */
  private readonly wakers = new Map<string, () => void>();

  constructor(
    store: StewardStore,
    private readonly options: ApprovalServiceOptions = {},
  ) {
    this.db = store.db.withTables<TrustTables>() as unknown as Kysely<TrustTables>;
    this.now = options.now ?? Date.now;
    this.createId = options.createId ?? randomUUID;
    this.pollMs = options.pollMs ?? 250;
  }

  async request(request: ApprovalRequest): Promise<Approval> {
    const createdAt = this.now();
    const row: TrustApprovalsTable = {
      id: this.createId(),
      tenant_id: request.tenantId,
      agent_id: request.agentId,
      interaction_id: request.interactionId,
      tool_name: request.toolName,
      input: JSON.stringify(
        this.options.redactor ? this.options.redactor.value(request.input) : request.input,
      ),
      level: request.level,
      required_level: request.requiredLevel ?? null,
      status: 'pending',
      created_at: createdAt,
      expires_at: createdAt + request.timeoutMs,
      decided_at: null,
      decided_by: null,
      note: null,
    };
    await this.db.insertInto('trust_approvals').values(row).execute();
    await this.options.bus?.emit('trust-approval-requested', {
      tenantId: row.tenant_id,
      agentId: row.agent_id,
      at: createdAt,
      approvalId: row.id,
      interactionId: row.interaction_id,
      toolName: row.tool_name,
      level: row.level,
      ...(request.requiredLevel === undefined ? {} : { requiredLevel: request.requiredLevel }),
      expiresAt: row.expires_at,
    });
    return fromRow(row);
  }

  /** Waits for a decision; expires the approval (a denial) when its time is up or the run is aborted. */
  async waitForDecision(
    approval: Approval,
    signal?: AbortSignal,
  ): Promise<'approved' | 'denied' | 'expired'> {
    while (true) {
      const current = await this.get(approval.tenantId, approval.id);
      if (current && current.status !== 'pending') return current.status;
      if (this.now() >= approval.expiresAt || signal?.aborted) {
        const expired = await this.settle(approval, 'expired', null, null);
        if (expired) return 'expired';
        continue; // decided in the meantime: read the decision
      }
      await this.sleep(
        approval.id,
        Math.min(this.pollMs, Math.max(1, approval.expiresAt - this.now())),
        signal,
      );
    }
  }

  /** An operator's decision. Throws not-found for an unknown approval and invalid-request for a settled one. */
  async decide(
    tenantId: string | undefined,
    id: string,
    decision: 'approve' | 'deny',
    actor: string,
    note?: string,
  ): Promise<Approval> {
    if (!actor.trim()) throw new StewardError('invalid-request', 'a decision needs an actor (who decides)');
    const approval = await this.find(id, tenantId);
    if (!approval) throw new StewardError('not-found', `there is no approval "${id}"`);
    if (approval.status !== 'pending') {
      throw new StewardError('invalid-request', `approval "${id}" is already ${approval.status}`, {
        details: { status: approval.status },
      });
    }
    if (this.now() >= approval.expiresAt) {
      await this.settle(approval, 'expired', null, null);
      throw new StewardError('invalid-request', `approval "${id}" expired before the decision`, {
        details: { status: 'expired' },
      });
    }
    const status = decision === 'approve' ? 'approved' : 'denied';
    if (!(await this.settle(approval, status, actor, note ?? null))) {
      const settled = await this.find(id, tenantId);
      throw new StewardError(
        'invalid-request',
        `approval "${id}" is already ${settled?.status ?? 'decided'}`,
      );
    }
    return (await this.find(id, tenantId))!;
  }

  async list(filter: { tenantId?: string; agentId?: string; status?: ApprovalStatus; limit?: number } = {}) {
    let query = this.db.selectFrom('trust_approvals').selectAll();
    if (filter.tenantId) query = query.where('tenant_id', '=', filter.tenantId);
    if (filter.agentId) query = query.where('agent_id', '=', filter.agentId);
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query
      .orderBy('created_at', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(fromRow);
  }

  async get(tenantId: string, id: string): Promise<Approval | undefined> {
    return this.find(id, tenantId);
  }

  /** An approval by id in any tenant: only for a caller whose scope is every tenant. */
  async getInAnyTenant(id: string): Promise<Approval | undefined> {
    return this.find(id, undefined);
  }

  private async find(id: string, tenantId: string | undefined): Promise<Approval | undefined> {
    let query = this.db.selectFrom('trust_approvals').selectAll().where('id', '=', id);
    if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
    const row = await query.executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** Moves a pending approval to its final status; false when another decision got there first. */
  private async settle(
    approval: Approval,
    status: Exclude<ApprovalStatus, 'pending'>,
    actor: string | null,
    note: string | null,
  ): Promise<boolean> {
    const at = this.now();
    const result = await this.db
      .updateTable('trust_approvals')
      .set({
        status,
        decided_at: at,
        decided_by: actor,
        note: note === null || !this.options.redactor ? note : this.options.redactor.text(note),
      })
      .where('id', '=', approval.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    this.wakers.get(approval.id)?.();
    await this.options.bus?.emit('trust-approval-decided', {
      tenantId: approval.tenantId,
      agentId: approval.agentId,
      at,
      approvalId: approval.id,
      interactionId: approval.interactionId,
      toolName: approval.toolName,
      status,
      ...(actor ? { actor } : {}),
    });
    return true;
  }

  private sleep(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(id);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.set(id, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

function fromRow(row: TrustApprovalsTable): Approval {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    interactionId: row.interaction_id,
    toolName: row.tool_name,
    input: JSON.parse(row.input) as Record<string, unknown>,
    level: Number(row.level),
    requiredLevel: row.required_level === null ? null : Number(row.required_level),
    status: row.status as ApprovalStatus,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    decidedBy: row.decided_by,
    note: row.note,
  };
}

/**
 * The channels core: routes a verified webhook's messages to their tenant's agent and queues them
 * durably (the provider is answered only after the commit), then workers on any instance answer each
 * queued message once: the agent's reply is kept with the message, and every part sent goes through the
 * outbound idempotency log. Retries back off; a message that keeps failing is failed for good.
 */
import { createHash, randomUUID } from 'node:crypto';
import { StewardError } from '../errors/index.js';
import type { EventBus } from '../events/index.js';
import type { InboundMessage, Reply } from '../pipeline/index.js';
import { type StewardStore, timeOrderedId } from '../store/index.js';
import type {
  ChannelAdapter,
  ChannelBinding,
  ChannelRequest,
  ChannelResponse,
  InboundDraft,
} from './adapter.js';
import { ContactLink } from './contact-link.js';
import {
  type ContactAuditSink,
  Contacts,
  contactConversationIdOf,
  identityOfMessage,
  LinkCodes,
} from './contacts/index.js';
import { inboundFilesOf, promptWithAttachments, writeInboundFiles } from './inbound-files.js';
import type { ChannelEventScope, ChannelMessage, Urgency } from './message.js';
import { settleDestination } from './rebound.js';
import { ChannelBindings } from './store/bindings.js';
import { InboundFileStore } from './store/inbound-file-store.js';
import { type InboundDigests, InboundQueue, type QueuedMessage } from './store/inbound-queue.js';
import { StoreOutbox } from './store/outbox.js';
import { channelTables } from './store/tables.js';
import { contextCanRaise, scoreUrgency } from './urgency/index.js';
import { SenderHistory } from './urgency-context.js';
import { type ChannelHandling, isAtLeast } from './urgency-inbound.js';
import { type NoticeOutcome, sendUrgentNotice } from './urgency-notice.js';
import { UrgencyRaiser } from './urgency-raise.js';

/** What the core needs of a live agent (ClaudeAgent has it). */
export interface ChannelAgent {
  handle(message: InboundMessage): Promise<Reply>;
  readonly events: EventBus;
}

/** Runs `work` with the live agent of a tenant (the fleet's `AgentHost.use` has this shape). */
export type UseAgent = <Result>(
  tenantId: string,
  agentId: string,
  work: (agent: ChannelAgent) => Promise<Result>,
) => Promise<Result>;

declare module '../events/index.js' {
  interface StewardEventMap {
    /** A channel message reached its agent (audited, masked, like every event). */
    'channel-message-received': ChannelEventScope & { text: string; senderId: string };
    /** The reply to a channel message went out (every part accepted by the provider). */
    'channel-reply-sent': ChannelEventScope & { text: string };
    /**
     * A high or critical message reached its worker (claimed before less urgent ones). `notified`: the
     * person of `messageHandling.urgencyNotify` was told (`sent`), was not (`failed: …`), or none is configured.
     */
    'channel-message-urgent': ChannelEventScope & {
      level: Urgency;
      reasons: string[];
      notified: NoticeOutcome;
    };
  }
}

export interface ChannelCoreOptions {
  store: StewardStore;
  adapters: readonly ChannelAdapter[];
  useAgent: UseAgent;
  now?: () => number;
  createId?: () => string;
  /** This instance's name on the leases it takes; default a random id. */
  workerId?: string;
  /** How long (ms) a claimed message is this worker's before another may take it; renewed while it works. Default 60,000. */
  leaseMs?: number;
  /** Attempts before a message is failed for good. Default 5. */
  maxAttempts?: number;
  /** Delay (ms) before attempt n+1: `backoffMs * 2^(n-1)`, at most 10 minutes. Default 2,000. */
  backoffMs?: number;
  /** How an agent's messages are handled (`resolveChannelHandling` of its `messageHandling`); default: no urgency scoring. */
  handlingOf?: (tenantId: string, agentId: string) => ChannelHandling | undefined;
  /**
   * The agents' workspaces folder (the runtime's `workspacesDirectory`): a message's files are kept in the
   * store with it, written into `<it>/<tenant>/<agent>/inbox/<message id>/` by the worker that answers it (on
   * any instance), and given to the agent as paths. Without it, files are not kept.
   */
  workspacesDirectory?: string;
  /**
   * Where the contacts a customer links with a one-time code are recorded (the code issued, each attempt, the
   * link), identities masked and never the code: `steward serve` passes the store's audit log. Without it,
   * only the code's own row keeps its attempts.
   */
  contactAudit?: ContactAuditSink;
  /**
   * Told when scoring a committed message's sender context fails (with `detectUrgency`): the message is kept
   * and acknowledged, and the worker that claims it scores the context again. Default: ignored.
   */
  onUrgencyError?: (error: unknown) => void;
}

/**
 * @example
 * const core = new ChannelCore({ store, adapters: [slack], useAgent: (tenantId, agentId, work) => host.use(tenantId, agentId, work) });
 * const response = await core.receive('slack', request); // after the durable enqueue
 * const stop = core.startWorker();
 */
export class ChannelCore {
  readonly bindings: ChannelBindings;
  readonly queue: InboundQueue;
  readonly outbox: StoreOutbox;
  private readonly inboundFiles: InboundFileStore;
  /** The tenants' contacts: a linked sender's messages continue the contact's conversation. */
  readonly contacts: Contacts;
  /** Linking by one-time code: `start` sends a code; a code sent back or a customer's request is answered here. */
  readonly contactLink: ContactLink;
  /** What a sender wrote before: the context a message's urgency is scored in. */
  private readonly senderHistory: SenderHistory;
  private readonly adapters = new Map<string, ChannelAdapter>();
  private readonly now: () => number;
  private readonly createId: () => string;
  readonly workerId: string;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private wake: (() => void) | undefined;
  /**
   * Scores committed normal messages' sender context and lifts the ones it makes high up the queue (a high or
   * critical one keeps its place: context adds only reasons, which its worker scores), waking the local worker
   * after each batch. A failure costs only the queue order: the worker that claims a message still pending
   * scores it itself.
   */
  private readonly raiser: UrgencyRaiser;

  constructor(private readonly options: ChannelCoreOptions) {
    this.now = options.now ?? Date.now;
    this.createId = options.createId ?? timeOrderedId;
    this.workerId = options.workerId ?? `worker-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffMs = options.backoffMs ?? 2_000;
    this.bindings = new ChannelBindings(options.store, this.now);
    this.queue = new InboundQueue(options.store);
    this.outbox = new StoreOutbox(options.store, this.now);
    this.inboundFiles = new InboundFileStore(options.store);
    this.contacts = new Contacts(options.store, {
      now: this.now,
      ...(options.contactAudit ? { audit: options.contactAudit } : {}),
    });
    this.senderHistory = new SenderHistory(options.store, this.contacts);
    this.raiser = new UrgencyRaiser({
      queue: this.queue,
      score: ({ id, message, digests }) => this.withContext(id, message, digests),
      onError: (error) => this.reportUrgencyError(error),
      onBatch: () => this.wake?.(),
    });
    for (const adapter of options.adapters) this.adapters.set(adapter.channel, adapter);
    this.contactLink = new ContactLink({
      contacts: this.contacts,
      codes: new LinkCodes(this.contacts, { now: this.now }),
      adapters: this.adapters,
      bindings: this.bindings,
      outbox: this.outbox,
      now: this.now,
    });
  }

  adapter(channel: string): ChannelAdapter | undefined {
    return this.adapters.get(channel);
  }

  /**
   * Verifies and parses a webhook request, routes each message and commits it to the queue; resolves with
   * what to answer the provider only then. Throws StewardError for a bad request (401, 413, 400).
   */
  async receive(channel: string, request: ChannelRequest): Promise<ChannelResponse> {
    const adapter = this.adapters.get(channel);
    if (!adapter) throw new StewardError('not-found', `channel ${channel} is not configured`);
    const receipt = await adapter.receive(request);
    await this.accept(receipt.messages);
    return receipt.response ?? { status: 200, body: '', contentType: 'text/plain; charset=utf-8' };
  }

  /**
   * Routes each draft and commits it to the queue (a draft for an unbound destination is dropped and
   * recorded); resolves once every routed one is committed. For inbound paths that are not a webhook
   * request: the SMTP listener answers `250` only after this resolved.
   */
  async accept(drafts: readonly InboundDraft[]): Promise<void> {
    let queued = false;
    for (const draft of drafts) {
      const binding = await this.bindings.route(draft.channel, draft.routeKey);
      if (!binding) {
        await this.recordDrop(draft.channel, draft.providerId, draft.routeKey, 'unknown-destination');
        continue;
      }
      const { files, ...fields } = draft;
      const message: ChannelMessage = { ...fields, tenantId: binding.tenantId, agentId: binding.agentId };
      const id = this.createId();
      const workspaces = this.options.workspacesDirectory;
      const keepsFiles = workspaces !== undefined && files !== undefined && files.length > 0;
      const filesScope = { tenantId: binding.tenantId, agentId: binding.agentId, inboundId: id };
      if (keepsFiles) {
        // Committed before the message, so an acknowledged message's files exist for a worker on any instance.
        const { stored, attachments } = inboundFilesOf(id, files);
        await this.inboundFiles.keep(filesScope, stored, this.now());
        message.attachments = [...message.attachments, ...attachments];
      }
      const digests = await this.senderHistory.digestsOf(message);
      // Scored from its words now; the sender's context once it is committed (off the acknowledgement).
      const detectUrgency = this.options.handlingOf?.(binding.tenantId, binding.agentId)?.detectUrgency;
      if (detectUrgency) {
        const score = scoreUrgency(message.text);
        message.urgency = score.level;
        message.urgencyReasons = score.reasons;
        // Thanks stay low whatever the context: nothing is left to score.
        if (score.level !== 'low') message.urgencyContextPending = true;
      }
      const result = await this.queue.enqueue(id, message, this.now(), digests);
      if (result.duplicate) {
        if (keepsFiles) await this.inboundFiles.drop(filesScope);
      } else if (message.urgencyContextPending && contextCanRaise(message.urgency)) {
        // Scored after its commit (off the acknowledgement), with the other messages of this turn.
        this.raiser.add({ id, message, digests });
      } else {
        queued = true;
      }
    }
    if (queued) this.wake?.();
  }

  /** The message scored from its words and its sender's context (read now; `id` is its queue row). */
  private async withContext(
    id: string,
    message: ChannelMessage,
    digests: InboundDigests,
  ): Promise<ChannelMessage> {
    const { urgencyContextPending: _pending, ...rest } = message;
    const score = scoreUrgency(message.text, await this.senderHistory.contextOf(message, digests, id));
    return { ...rest, urgency: score.level, urgencyReasons: score.reasons };
  }

  private reportUrgencyError(error: unknown): void {
    try {
      this.options.onUrgencyError?.(error);
    } catch {
      // A throwing reporter must not fail the message or turn into an unhandled rejection.
    }
  }

  /** Resolves once every message accepted so far has had its sender context scored (tests, shutdown). */
  urgencyContextSettled(): Promise<void> {
    return this.raiser.settled();
  }

  /** Messages dropped for a reason (an unknown destination …), newest first. */
  async drops(
    limit = 100,
  ): Promise<Array<{ channel: string; routeKey: string | null; reason: string; receivedAt: number }>> {
    const rows = await channelTables(this.options.store.db)
      .selectFrom('channel_drops')
      .selectAll()
      .orderBy('received_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      channel: row.channel,
      routeKey: row.route_key,
      reason: row.reason,
      receivedAt: row.received_at,
    }));
  }

  /** Claims up to `limit` due messages and answers them; resolves with how many it handled. */
  async processDue(limit = 4): Promise<number> {
    const claimed = await this.queue.claim(this.workerId, this.now(), this.leaseMs, limit);
    await Promise.all(claimed.map((job) => this.process(job)));
    return claimed.length;
  }

  /**
   * Runs a worker loop until the returned function is called: claims due messages (at most `concurrency`
   * at a time), sleeping `pollMs` when there are none or until a message is received on this instance.
   */
  startWorker(
    options: { pollMs?: number; concurrency?: number; onError?: (error: unknown) => void } = {},
  ): () => Promise<void> {
    const pollMs = options.pollMs ?? 500;
    const concurrency = options.concurrency ?? 4;
    let stopped = false;
    let sleeping: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
    const sleep = () =>
      new Promise<void>((resolve) => {
        sleeping = { timer: setTimeout(resolve, pollMs), resolve };
      });
    this.wake = () => {
      if (!sleeping) return;
      clearTimeout(sleeping.timer);
      sleeping.resolve();
    };
    const loop = (async () => {
      while (!stopped) {
        let handled = 0;
        try {
          handled = await this.processDue(concurrency);
        } catch (error) {
          options.onError?.(error);
        }
        if (handled === 0 && !stopped) {
          await sleep();
          sleeping = undefined;
        }
      }
    })();
    return async () => {
      stopped = true;
      this.wake?.();
      this.wake = undefined;
      await loop;
      await this.urgencyContextSettled();
    };
  }

  private async process(job: QueuedMessage): Promise<void> {
    if (job.attempts > this.maxAttempts) {
      await this.queue.release(job.id, this.workerId, this.now(), 'too many attempts', undefined);
      return;
    }
    const heartbeat = setInterval(
      () => {
        this.queue.renew(job.id, this.workerId, this.now(), this.leaseMs).catch(() => {});
      },
      Math.max(50, Math.floor(this.leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      // Scored after its commit on this instance: that score. Claimed before its sender's context was scored (the
      // raise had not run, or failed), or on another instance: read it now. A context that cannot be read leaves
      // the words' level: the customer is still answered.
      const scored =
        job.message.urgencyContextPending &&
        this.raiser.take(job.id, job.message.tenantId, job.message.agentId);
      if (scored) {
        const { urgencyContextPending: _pending, urgencyReasons: _words, ...rest } = job.message;
        job.message = { ...rest, ...scored };
      } else if (job.message.urgencyContextPending) {
        const { urgencyContextPending: _pending, ...words } = job.message;
        const digests = await this.senderHistory.digestsOf(job.message);
        job.message = await this.withContext(job.id, job.message, digests).catch((error: unknown) => {
          this.reportUrgencyError(error);
          return words;
        });
      }
      const binding = await this.bindingToAnswer(job);
      if (binding === undefined) return;
      await this.answer(job, binding);
      await this.queue.complete(job.id, this.workerId, this.now());
      // Answered: its files stay in the workspace of the instance that answered, not in the store.
      await this.inboundFiles
        .drop({ tenantId: job.message.tenantId, agentId: job.message.agentId, inboundId: job.id })
        .catch(() => {});
    } catch (error) {
      const permanent =
        StewardError.isInstance(error) && (error.code === 'not-found' || error.code === 'invalid-request');
      const retryAt =
        permanent || job.attempts >= this.maxAttempts
          ? undefined
          : this.now() + Math.min(600_000, this.backoffMs * 2 ** (job.attempts - 1));
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await this.queue.release(job.id, this.workerId, this.now(), reason, retryAt).catch(() => {});
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * The destination's binding read now, when it is still the message's agent's; else the message was moved to
   * the destination's owner (routed by a stale cache entry) or dropped with a recorded reason: see rebound.ts.
   */
  private async bindingToAnswer(job: QueuedMessage): Promise<ChannelBinding | undefined> {
    const { message } = job;
    const binding = await this.bindings.resolve(message.channel, message.routeKey);
    const outcome = await settleDestination(job, binding, {
      queue: this.queue,
      inboundFiles: this.inboundFiles,
      senderHistory: this.senderHistory,
      handlingOf: this.options.handlingOf,
      recordDrop: (channel, providerId, routeKey, reason) =>
        this.recordDrop(channel, providerId, routeKey, reason),
      workerId: this.workerId,
      now: this.now,
    });
    if (outcome.kind === 'rerouted') this.wake?.();
    return outcome.kind === 'answer' ? outcome.binding : undefined;
  }

  private async answer(job: QueuedMessage, binding: ChannelBinding): Promise<void> {
    const { message } = job;
    const adapter = this.adapters.get(message.channel);
    if (!adapter) throw new StewardError('not-found', `channel ${message.channel} is not configured here`);
    const conversationId = await this.conversationIdFor(message);
    const scope = (): ChannelEventScope => ({
      tenantId: message.tenantId,
      agentId: message.agentId,
      channel: message.channel,
      conversationId,
      inboundId: job.id,
      providerId: message.providerId,
      at: this.now(),
    });
    await this.options.useAgent(message.tenantId, message.agentId, async (agent) => {
      const delivery = await adapter.openDelivery(message, {
        binding,
        outbox: this.outbox.forMessage(job.id, message.tenantId, message.channel),
        deliveryId: job.id,
      });
      let text = job.reply;
      if (text === undefined) {
        // A one-time code sent back, or a "link my email …" request, is answered here (never seen by the agent);
        // the answer is saved like a reply.
        text = await this.contactLink.replyTo(message);
        if (text !== undefined && !(await this.queue.saveReply(job.id, this.workerId, text))) {
          throw new StewardError('conflict', 'the lease on this message was taken over by another worker');
        }
      }
      if (text === undefined) {
        // A conversation idle past messageHandling.contextTtl starts afresh: its SDK session is forgotten.
        const ttl = this.options.handlingOf?.(message.tenantId, message.agentId)?.contextTtlMs;
        if (ttl !== undefined) {
          await this.options.store.conversations.forgetIdleSession({
            tenantId: message.tenantId,
            agentId: message.agentId,
            conversationId,
            idleSince: this.now() - ttl,
          });
        }
        if (message.reroutedFrom) {
          const { tenantId, agentId, at } = message.reroutedFrom;
          await agent.events.emit('channel-message-rerouted', {
            ...scope(),
            reason: 'stale-route',
            previousAgentId: tenantId === message.tenantId ? agentId : null,
            reroutedAt: at,
          });
        }
        await agent.events.emit('channel-message-received', {
          ...scope(),
          text: message.text,
          senderId: message.sender.id,
        });
        if (isAtLeast(message.urgency, 'high')) {
          const notified = await this.notifyUrgent(job);
          await agent.events.emit('channel-message-urgent', {
            ...scope(),
            level: message.urgency,
            reasons: message.urgencyReasons ?? [],
            notified,
          });
        }
        const workspaces = this.options.workspacesDirectory;
        if (workspaces !== undefined && message.attachments.some((file) => file.url.startsWith('inbox/'))) {
          const scope = { tenantId: message.tenantId, agentId: message.agentId, inboundId: job.id };
          const files = await this.inboundFiles.files(scope);
          await writeInboundFiles(workspaces, message.tenantId, message.agentId, job.id, files);
        }
        const stopProgress = agent.events.on('tool-call-requested', (event) => {
          if (event.conversationId === conversationId) delivery.progress?.(`Using ${event.toolName}…`);
        });
        try {
          const reply = await agent.handle({
            text: promptWithAttachments(message.text, message.attachments),
            conversationId,
            channel: message.channel,
            senderId: message.sender.id.slice(0, 256),
          });
          text = reply.text;
        } finally {
          stopProgress();
        }
        // A worker that lost its lease (it stalled past it) leaves the message to the one that took it.
        if (!(await this.queue.saveReply(job.id, this.workerId, text))) {
          throw new StewardError('conflict', 'the lease on this message was taken over by another worker');
        }
      }
      // Fence before sending: a worker that stalled past its lease leaves the message to the one that took it.
      if (!(await this.queue.renew(job.id, this.workerId, this.now(), this.leaseMs))) {
        throw new StewardError('conflict', 'the lease on this message was taken over by another worker');
      }
      await delivery.finish(text);
      await agent.events.emit('channel-reply-sent', { ...scope(), text });
    });
  }

  /**
   * The conversation a message continues: its linked contact's (per tenant and agent), so a customer known on
   * two channels keeps one context; else its own thread's, as for any unlinked sender.
   */
  private async conversationIdFor(message: ChannelMessage): Promise<string> {
    const identity = identityOfMessage(message);
    const contactId = identity && (await this.contacts.contactOf(message.tenantId, identity));
    return contactId === undefined
      ? conversationIdOf(message)
      : contactConversationIdOf(message.tenantId, message.agentId, contactId);
  }

  /** Tells the agent's configured person of an urgent message, once (through the outbox); never throws. */
  private notifyUrgent(job: QueuedMessage): Promise<NoticeOutcome> {
    return sendUrgentNotice({
      job,
      notice: this.options.handlingOf?.(job.message.tenantId, job.message.agentId)?.notify,
      adapters: this.adapters,
      bindings: this.bindings,
      outbox: this.outbox,
    });
  }

  /** Records a message dropped before routing (an unknown destination, a refused message …), listed by `drops`. */
  async recordDrop(
    channel: string,
    providerId: string | undefined,
    routeKey: string | undefined,
    reason: string,
  ): Promise<void> {
    await channelTables(this.options.store.db)
      .insertInto('channel_drops')
      .values({
        id: this.createId(),
        channel,
        provider_id: providerId?.slice(0, 512) ?? null,
        route_key: routeKey?.slice(0, 256) ?? null,
        reason,
        received_at: this.now(),
      })
      .execute();
  }
}

/** The agent's conversation id of a channel thread: stable, printable, and not guessable from outside. */
export function conversationIdOf(
  message: Pick<ChannelMessage, 'channel' | 'tenantId' | 'conversationKey'>,
): string {
  const digest = createHash('sha256')
    .update(`${message.tenantId}\u0000${message.conversationKey}`)
    .digest('hex')
    .slice(0, 40);
  return `${message.channel}-${digest}`;
}

/**
 * One live SDK session in streaming-input mode: one CLI child that stays up across the turns of one
 * conversation, so turns after the first skip the CLI's cold start. Each turn brings its own permission
 * bridge and event tracker; between turns every tool call is refused (fail closed).
 */
import type { Query, SDKMessage, SDKResultMessage, SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import type { RuntimeRequest } from '../types.js';
import { observeMessage } from './message-observer.js';
import type { PermissionBridge } from './permission-bridge.js';
import { type CostBaseline, usageOf, zeroBaseline } from './result-reader.js';
import type { RunDirectory } from './run-directories.js';
import { sessionProjectKey } from './session-store-adapter.js';
import type { ToolCallTracker } from './tool-call-tracker.js';

/** The user messages of a streaming-input query: pushed one per turn, ended when the session closes. */
export class UserMessageQueue implements AsyncIterable<SDKUserMessage> {
  private readonly waiting: SDKUserMessage[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  push(text: string): void {
    this.waiting.push({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null });
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SDKUserMessage> {
    while (true) {
      const next = this.waiting.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }
}

/** What the turn under way lends the session: its guard's bridge and its event tracker. */
export interface TurnContext {
  bridge: PermissionBridge;
  tracker: ToolCallTracker;
}

/** What one turn saw. */
export interface TurnOutcome {
  result?: SDKResultMessage;
  lastAssistantText: string;
  thrown?: unknown;
  /** The session's running totals before this turn: subtracted from the result's, they leave the turn's share. */
  baseline: CostBaseline;
  /** Messages the turn received from the CLI (0: nothing of the turn ran). */
  messagesSeen: number;
}

/** Everything a warm turn must match to run on this session instead of a cold one. */
export function warmKeyOf(request: RuntimeRequest): string | undefined {
  if (request.conversationId === undefined || request.sessions === undefined) return undefined;
  return JSON.stringify([request.tenantId, request.agentId, request.conversationId]);
}

/** The options a session is started with and cannot change: a turn asking for others starts a new one. */
export function fixedOptionsOf(request: RuntimeRequest): string {
  return JSON.stringify([
    request.systemPrompt ?? null,
    request.model ?? null,
    request.tools ?? null,
    request.maxTurns ?? null,
    request.maxOutputTokens ?? null,
    request.maxBudgetUsd ?? null,
  ]);
}

export class WarmSession {
  /** The SDK session id the conversation's next turn resumes; set by the first turn's result. */
  sessionId: string | undefined;
  busy = false;
  closed = false;
  /** True until the session's first turn is over. */
  busyWithFirstTurn = false;
  /** Another turn of the conversation ran elsewhere meanwhile: the session is closed after its turn. */
  stale = false;
  /** The CLI child's resident memory after the last turn, in bytes (0 when unknown). */
  residentBytes = 0;
  lastUsedAt: number;
  /** The CLI's stderr, kept for error messages. */
  stderr = { stderrTail: '' };
  /** The agent's workspace, the session's working directory. */
  workspace = '';
  private current: TurnContext | undefined;
  private readonly messages: AsyncIterator<SDKMessage>;
  /** The running totals the CLI reports, as of the end of the last turn (or the resumed transcript's). */
  private totals: CostBaseline = zeroBaseline();
  /** The totals when the query started: the CLI's `maxBudgetUsd` counts only the spend since then. */
  private startTotals: CostBaseline | undefined;
  private closing: Promise<void> | undefined;
  /** Entries of the session's main transcript in the store, as this child loaded and appended them. */
  private transcriptEntries = 0;

  constructor(
    readonly key: string,
    readonly fixedOptions: string,
    private readonly conversation: Query,
    private readonly input: UserMessageQueue,
    readonly directory: RunDirectory,
    private readonly abortController: AbortController,
    now: number,
  ) {
    this.messages = conversation[Symbol.asyncIterator]();
    this.lastUsedAt = now;
  }

  /** The bridge of the turn under way, if any: the session's query asks it (see `delegatingBridge`). */
  get currentBridge(): PermissionBridge | undefined {
    return this.current?.bridge;
  }

  /** Called with the transcript a resumed session loads: its totals are the first turn's baseline. */
  transcriptLoaded(entries: ReadonlyArray<unknown>, baseline: CostBaseline): void {
    if (this.startTotals !== undefined) return;
    this.totals = baseline;
    this.transcriptEntries = entries.length;
  }

  /** Called once entries the CLI appended to the main transcript are stored. */
  transcriptAppended(count: number): void {
    this.transcriptEntries += count;
  }

  /**
   * True when the store's transcript of the session is the one this child has: as many entries as it loaded
   * and appended. A turn taken elsewhere (another instance resumed the same session id) adds entries.
   */
  async matchesStore(request: RuntimeRequest): Promise<boolean> {
    if (!request.sessions || this.sessionId === undefined) return false;
    const projectKey = sessionProjectKey(request.tenantId, request.agentId);
    const stored = await request.sessions.load({ projectKey, sessionId: this.sessionId }).catch(() => null);
    return stored !== null && stored.length === this.transcriptEntries;
  }

  /** USD the CLI counts against `maxBudgetUsd` so far (spend since the query started). */
  spentSinceStart(): number {
    return this.startTotals === undefined ? 0 : this.totals.costUsd - this.startTotals.costUsd;
  }

  /** Sends one user message and reads the session's messages up to that turn's result. */
  async turn(prompt: string, context: TurnContext): Promise<TurnOutcome> {
    this.current = context;
    const outcome: TurnOutcome = { lastAssistantText: '', baseline: this.totals, messagesSeen: 0 };
    try {
      this.input.push(prompt);
      while (true) {
        const next = await this.messages.next();
        if (next.done) break;
        const message = next.value;
        outcome.messagesSeen++;
        if (message.type === 'result') {
          outcome.result = message;
          break;
        }
        const text = observeMessage(message, context.tracker);
        if (text !== undefined) outcome.lastAssistantText = text;
        if (message.type === 'system' && message.subtype === 'init' && this.sessionId === undefined) {
          this.sessionId = message.session_id;
          context.tracker.report({ type: 'session-started', sessionId: message.session_id });
        }
      }
    } catch (error) {
      outcome.thrown = error;
    } finally {
      this.current = undefined;
      this.busyWithFirstTurn = false;
    }
    if (outcome.result) {
      // The first result fixes what the CLI had already counted when the query started.
      this.startTotals ??= outcome.baseline;
      this.totals = { costUsd: outcome.result.total_cost_usd ?? 0, usage: usageOf(outcome.result) };
      if (outcome.result.session_id) this.sessionId = outcome.result.session_id;
    }
    return outcome;
  }

  /** Ends the input, stops the CLI child and removes the session's folder; safe to call twice. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      this.input.end();
      try {
        this.conversation.close();
      } catch {}
      this.abortController.abort();
      // Drains what the child still writes so it can exit.
      try {
        while (!(await this.messages.next()).done) {}
      } catch {}
      await this.directory.remove();
    })();
    return this.closing;
  }
}

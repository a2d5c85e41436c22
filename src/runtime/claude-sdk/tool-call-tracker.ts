/**
 * Follows each tool call of one run through requested → allowed/denied → succeeded/failed, and reports
 * every step as a RuntimeEvent. The same call is seen from several places (the assistant message, the
 * PreToolUse hook, canUseTool, the PostToolUse hooks) in an order the SDK does not promise, so every
 * method is idempotent per step.
 */
import type { PermissionDecision, PermissionSource, RuntimeEvent, ToolCallRecord } from '../types.js';

export class ToolCallTracker {
  private readonly records = new Map<string, ToolCallRecord>();
  private readonly emit: (event: RuntimeEvent) => void;

  constructor(onEvent: ((event: RuntimeEvent) => void) | undefined) {
    this.emit = (event) => {
      // A listener's failure must not break the run it observes.
      try {
        onEvent?.(event);
      } catch {}
    };
  }

  /** Reports events that are not about tool calls (assistant text, session start). */
  report(event: RuntimeEvent): void {
    this.emit(event);
  }

  requested(toolUseId: string, toolName: string, input: Record<string, unknown>): void {
    if (this.records.has(toolUseId)) return;
    this.records.set(toolUseId, { toolUseId, toolName, input, status: 'allowed' });
    this.emit({ type: 'tool-call-requested', toolUseId, toolName, input });
  }

  decided(
    toolUseId: string,
    toolName: string,
    input: Record<string, unknown>,
    decision: PermissionDecision,
    source: PermissionSource,
  ): void {
    this.requested(toolUseId, toolName, input);
    const record = this.records.get(toolUseId)!;
    if (decision.behavior === 'deny') {
      record.status = 'denied';
      record.message = decision.message;
    } else if (decision.updatedInput) {
      record.input = decision.updatedInput;
    }
    this.emit({ type: 'tool-call-decided', toolUseId, toolName, decision, source });
  }

  /** A denial the SDK reported without asking us (e.g. in the result's `permission_denials`). */
  deniedBySdk(toolUseId: string, toolName: string, input: Record<string, unknown>): void {
    this.requested(toolUseId, toolName, input);
    const record = this.records.get(toolUseId)!;
    if (record.status === 'allowed') record.status = 'denied';
  }

  completed(toolUseId: string, toolName: string, input: Record<string, unknown>, output: unknown): void {
    this.requested(toolUseId, toolName, input);
    const record = this.records.get(toolUseId)!;
    if (record.status === 'succeeded' || record.status === 'failed') return;
    record.status = 'succeeded';
    this.emit({ type: 'tool-call-completed', toolUseId, toolName, output });
  }

  failed(toolUseId: string, toolName: string, input: Record<string, unknown>, error: string): void {
    this.requested(toolUseId, toolName, input);
    const record = this.records.get(toolUseId)!;
    // A denied call also comes back as an error tool result; it stays recorded as denied, not failed.
    if (record.status !== 'allowed') return;
    record.status = 'failed';
    record.message = error;
    this.emit({ type: 'tool-call-failed', toolUseId, toolName, error });
  }

  /** An error tool result for a known call (e.g. an unknown tool or invalid input, which no hook reports). */
  resultedInError(toolUseId: string, error: string): void {
    const record = this.records.get(toolUseId);
    if (record) this.failed(toolUseId, record.toolName, record.input, error);
  }

  list(): ToolCallRecord[] {
    return [...this.records.values()].map((record) => ({ ...record }));
  }
}

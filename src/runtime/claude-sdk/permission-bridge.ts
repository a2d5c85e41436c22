/**
 * Puts a ToolPermissionGuard into the SDK's permission path twice: as `canUseTool`, and again in a
 * `PreToolUse` hook. The hook sees every tool call; `canUseTool` does not: the CLI runs what it deems safe
 * without asking (seen with CLI 2.1.331: `Read` inside the working directory, read-only `Bash` such as
 * `echo`). The CLI asks the hook first; a deny there blocks the call and `canUseTool` is not asked.
 */
import type {
  CanUseTool,
  HookCallbackMatcher,
  HookEvent,
  HookJSONOutput,
} from '@anthropic-ai/claude-agent-sdk';
import type {
  PermissionContext,
  PermissionDecision,
  PermissionSource,
  RuntimeRequest,
  ToolPermissionGuard,
} from '../types.js';
import type { ToolCallTracker } from './tool-call-tracker.js';

export interface PermissionBridge {
  canUseTool: CanUseTool;
  hooks: Partial<Record<HookEvent, HookCallbackMatcher[]>>;
}

const allowAll: ToolPermissionGuard = {
  decide: (_toolName, input) => ({ behavior: 'allow', updatedInput: input }),
};

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createPermissionBridge(
  request: RuntimeRequest,
  tracker: ToolCallTracker,
  cwd?: string,
): PermissionBridge {
  const guard = request.permissionGuard ?? allowAll;

  /** Asks the guard; a guard that throws denies (fail closed). */
  const decide = async (
    toolName: string,
    input: Record<string, unknown>,
    toolUseId: string | undefined,
    source: PermissionSource,
    signal: AbortSignal | undefined,
  ): Promise<PermissionDecision> => {
    const context: PermissionContext = {
      tenantId: request.tenantId,
      agentId: request.agentId,
      interactionId: request.interactionId,
      source,
    };
    if (toolUseId !== undefined) context.toolUseId = toolUseId;
    if (signal) context.signal = signal;
    if (cwd !== undefined) context.cwd = cwd;
    let decision: PermissionDecision;
    try {
      decision = await guard.decide(toolName, input, context);
    } catch (error) {
      decision = { behavior: 'deny', message: `Permission check failed: ${errorText(error)}` };
    }
    tracker.decided(toolUseId ?? `unknown:${toolName}`, toolName, input, decision, source);
    return decision;
  };

  const canUseTool: CanUseTool = async (toolName, input, options) => {
    const decision = await decide(toolName, input, options.toolUseID, 'can-use-tool', options.signal);
    if (decision.behavior === 'deny') return { behavior: 'deny', message: decision.message };
    return { behavior: 'allow', updatedInput: decision.updatedInput ?? input };
  };

  const preToolUse = async (
    hookInput: Parameters<HookCallbackMatcher['hooks'][number]>[0],
    toolUseId: string | undefined,
    options: { signal: AbortSignal },
  ): Promise<HookJSONOutput> => {
    if (hookInput.hook_event_name !== 'PreToolUse') return {};
    const input = asRecord(hookInput.tool_input);
    const id = toolUseId ?? hookInput.tool_use_id;
    tracker.requested(id, hookInput.tool_name, input);
    const decision = await decide(hookInput.tool_name, input, id, 'pre-tool-use-hook', options.signal);
    if (decision.behavior === 'deny') {
      return {
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'deny',
          permissionDecisionReason: decision.message,
        },
      };
    }
    // No decision on allow: returning 'allow' here would skip canUseTool, which must still be asked.
    return {};
  };

  const postToolUse = async (
    hookInput: Parameters<HookCallbackMatcher['hooks'][number]>[0],
    toolUseId: string | undefined,
  ): Promise<HookJSONOutput> => {
    if (hookInput.hook_event_name === 'PostToolUse') {
      const id = toolUseId ?? hookInput.tool_use_id;
      tracker.completed(id, hookInput.tool_name, asRecord(hookInput.tool_input), hookInput.tool_response);
    } else if (hookInput.hook_event_name === 'PostToolUseFailure') {
      const id = toolUseId ?? hookInput.tool_use_id;
      tracker.failed(id, hookInput.tool_name, asRecord(hookInput.tool_input), hookInput.error);
    }
    return {};
  };

  return {
    canUseTool,
    hooks: {
      // 'block': should the hook itself fail, the tool call is refused rather than let through.
      PreToolUse: [{ hooks: [preToolUse], onFailure: 'block' }],
      PostToolUse: [{ hooks: [postToolUse] }],
      PostToolUseFailure: [{ hooks: [postToolUse] }],
    },
  };
}

/**
 * A bridge for a query that outlives one turn (a warm session): each callback asks the bridge of the turn
 * under way, so every turn is decided by its own guard; with no turn under way every tool call is refused.
 */
export function delegatingBridge(current: () => PermissionBridge | undefined): PermissionBridge {
  const noTurn = 'no turn is under way in this session';
  const forward =
    (event: 'PreToolUse' | 'PostToolUse' | 'PostToolUseFailure') =>
    async (...args: Parameters<HookCallbackMatcher['hooks'][number]>): Promise<HookJSONOutput> => {
      const bridge = current();
      if (!bridge) {
        return event === 'PreToolUse'
          ? {
              hookSpecificOutput: {
                hookEventName: 'PreToolUse',
                permissionDecision: 'deny',
                permissionDecisionReason: noTurn,
              },
            }
          : {};
      }
      let output: HookJSONOutput = {};
      for (const matcher of bridge.hooks[event] ?? []) {
        for (const hook of matcher.hooks) {
          const answer = await hook(...args);
          if (Object.keys(answer).length > 0) output = answer;
        }
      }
      return output;
    };
  return {
    canUseTool: async (toolName, input, options) => {
      const bridge = current();
      if (!bridge) return { behavior: 'deny', message: noTurn };
      return bridge.canUseTool(toolName, input, options);
    },
    hooks: {
      PreToolUse: [{ hooks: [forward('PreToolUse')], onFailure: 'block' }],
      PostToolUse: [{ hooks: [forward('PostToolUse')] }],
      PostToolUseFailure: [{ hooks: [forward('PostToolUseFailure')] }],
    },
  };
}

/** Reads the SDK's message stream for what the runtime reports: assistant text and tool calls. */
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import type { ToolCallTracker } from './tool-call-tracker.js';

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => asRecord(block))
    .map((block) => (typeof block.text === 'string' ? block.text : ''))
    .join('\n');
}

/**
 * Reports what one message of the main conversation says about the run (subagent messages are left to the
 * hooks) and returns the assistant text it carries, if any.
 */
export function observeMessage(message: SDKMessage, tracker: ToolCallTracker): string | undefined {
  if (message.type === 'user' && message.parent_tool_use_id === null) {
    observeToolResults(message.message.content, tracker);
    return undefined;
  }
  if (message.type !== 'assistant' || message.parent_tool_use_id !== null) return undefined;
  // The CLI reports an API failure as an assistant message with `error` set ("API Error: 500 …"): that
  // text is not the model's, so it is neither a reply nor an assistant-text event.
  if (message.error !== undefined) return undefined;
  const texts: string[] = [];
  for (const block of message.message.content) {
    if (block.type === 'text') {
      texts.push(block.text);
      tracker.report({ type: 'assistant-text', text: block.text });
    } else if (block.type === 'tool_use') {
      tracker.requested(block.id, block.name, asRecord(block.input));
    }
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/**
 * Error tool results end calls that no PostToolUseFailure hook reports: an unknown tool, input that fails
 * the tool's schema. (Successes are left to the PostToolUse hook, which carries the tool's own output.)
 */
function observeToolResults(content: unknown, tracker: ToolCallTracker): void {
  if (!Array.isArray(content)) return;
  for (const block of content.map((item) => asRecord(item))) {
    if (block.type === 'tool_result' && block.is_error === true && typeof block.tool_use_id === 'string') {
      tracker.resultedInError(block.tool_use_id, resultText(block.content));
    }
  }
}

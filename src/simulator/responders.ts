/** Ready-made scripts for the simulated model, and helpers that read what the CLI sent it. */
import type {
  MessagesApiMessage,
  MessagesApiRequest,
  MessagesContentBlock,
  ReceivedToolResult,
  RespondContext,
  SimulatedResponder,
  SimulatedStep,
  SimulatedToolUse,
} from './types.js';

/** Marks every demo reply so nobody mistakes the simulator for Claude. */
export const simulatedReplyPrefix = '[simulated model]';

function blocksOf(message: MessagesApiMessage | undefined): MessagesContentBlock[] {
  if (!message) return [];
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

function blockText(content: string | MessagesContentBlock[] | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .map((block) => (typeof block.text === 'string' ? block.text : ''))
    .filter((text) => text.length > 0)
    .join('\n');
}

/** The messages the user role sent, newest last (the CLI also sends `system` role messages; those are skipped). */
function userMessages(request: MessagesApiRequest): MessagesApiMessage[] {
  return request.messages.filter((message) => message.role === 'user');
}

/**
 * The newest text the user typed: the last text block of a user message that is not one of the CLI's
 * `<system-reminder>` injections.
 */
export function lastUserText(request: MessagesApiRequest): string {
  const messages = userMessages(request);
  for (let position = messages.length - 1; position >= 0; position--) {
    const texts = blocksOf(messages[position])
      .filter((block) => block.type === 'text' && typeof block.text === 'string')
      .map((block) => (block.text as string).trim())
      .filter((text) => text.length > 0 && !text.startsWith('<system-reminder>'));
    const last = texts.at(-1);
    if (last !== undefined) return last;
  }
  return '';
}

/** The tool results carried by the newest user message, i.e. the answers to the model's previous tool call. */
export function lastToolResults(request: MessagesApiRequest): ReceivedToolResult[] {
  const newest = request.messages.findLast((message) => message.role === 'user');
  return blocksOf(newest)
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({
      toolUseId: block.tool_use_id ?? '',
      content: blockText(block.content),
      isError: block.is_error === true,
    }));
}

/** Every text any message of the request carries, for assertions such as "turn 2 saw turn 1". */
export function allMessageText(request: MessagesApiRequest): string {
  return request.messages
    .flatMap((message) => blocksOf(message))
    .map((block) => (block.type === 'tool_result' ? blockText(block.content) : (block.text ?? '')))
    .join('\n');
}

export function buildRespondContext(request: MessagesApiRequest, callIndex: number): RespondContext {
  return { callIndex, lastUserText: lastUserText(request), toolResults: lastToolResults(request) };
}

/**
 * Always answers with the same text (or a text computed from the request).
 *
 * @example
 * await startSimulatedModel({ respond: replyWithText('Hello!') });
 */
export function replyWithText(
  text: string | ((request: MessagesApiRequest, context: RespondContext) => string),
): SimulatedResponder {
  return (request, context) => ({ text: typeof text === 'string' ? text : text(request, context) });
}

export interface ToolThenReplyScript {
  /** The tool call the model makes when the newest user message carries no tool result. */
  toolUse: SimulatedToolUse;
  /** Text the model writes before the tool call. */
  leadingText?: string;
  /** The final answer once the tool result came back; by default it quotes the result. */
  reply?: string | ((result: ReceivedToolResult, request: MessagesApiRequest) => string);
}

/**
 * Calls one tool, then answers with text once the tool result (success, failure or permission denial) is
 * back. Stateless: it decides from the request alone, so it also works across resumed sessions.
 *
 * @example
 * callToolThenReply({
 *   toolUse: { name: 'Write', input: { file_path: 'notes.txt', content: 'hi' } },
 *   reply: (result) => (result.isError ? `Could not write: ${result.content}` : 'Saved.'),
 * });
 */
export function callToolThenReply(script: ToolThenReplyScript): SimulatedResponder {
  return (request, context) => {
    const result = context.toolResults[0];
    if (!result) {
      const step: SimulatedStep = { toolUse: script.toolUse };
      if (script.leadingText !== undefined) step.text = script.leadingText;
      return step;
    }
    const reply = script.reply ?? defaultToolReply;
    return { text: typeof reply === 'string' ? reply : reply(result, request) };
  };
}

function defaultToolReply(result: ReceivedToolResult): string {
  return result.isError ? `The tool failed: ${result.content}` : `The tool returned: ${result.content}`;
}

/**
 * Calls the same tool on every request, never finishing by itself (for budget and max-turns stops).
 *
 * @example
 * keepCallingTool({ name: 'mcp__shop__lookup', input: { sku: 'A1' } });
 */
export function keepCallingTool(toolUse: Omit<SimulatedToolUse, 'id'>): SimulatedResponder {
  return () => ({ toolUse: { name: toolUse.name, input: toolUse.input } });
}

/**
 * Answers every request with an HTTP error in the Messages API's error format, e.g. 529 overloaded.
 *
 * @example
 * failWithHttpError(529, 'overloaded_error', 'Overloaded');
 */
export function failWithHttpError(status: number, type: string, message: string): SimulatedResponder {
  return () => ({ httpError: { status, type, message } });
}

/** Plays the given steps in order, one per request, repeating the last one when they run out. */
export function playSteps(steps: ReadonlyArray<SimulatedStep>): SimulatedResponder {
  if (steps.length === 0) throw new Error('playSteps needs at least one step');
  let next = 0;
  return () => {
    const step = steps[Math.min(next, steps.length - 1)]!;
    next++;
    return step;
  };
}

const greeting = /^\s*(hi|hello|hey|good (morning|afternoon|evening)|howdy)\b/i;

/**
 * The offline demo's model: echoes the user plainly, marked as simulated, with a hint for greetings.
 * It never claims to be Claude.
 */
export const demoResponder: SimulatedResponder = (_request, context) => {
  const said = context.lastUserText.replace(/\s+/g, ' ').trim();
  const quoted = said.length > 280 ? `${said.slice(0, 277)}...` : said;
  if (context.toolResults.length > 0) {
    return {
      text: `${simulatedReplyPrefix} The tool answered: ${context.toolResults[0]!.content.slice(0, 280)}`,
    };
  }
  if (quoted.length === 0) {
    return { text: `${simulatedReplyPrefix} I received an empty message. Try typing a question.` };
  }
  const hint = greeting.test(quoted)
    ? ' Hello! I am a local stand-in for a model, running offline. Set ANTHROPIC_API_KEY to talk to Claude instead.'
    : ' (This reply comes from a local simulator, not from Claude.)';
  return { text: `${simulatedReplyPrefix} You said: "${quoted}".${hint}` };
};

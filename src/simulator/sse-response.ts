/**
 * Writes one simulated model answer as the Messages API's server-sent events. The CLI needs the full
 * sequence, with `event:` lines and `content_block_stop` after every block, or tool calls never complete.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { MessagesApiRequest, SimulatedToolUse, SimulatedUsage } from './types.js';

export interface StreamedAnswer {
  text?: string;
  toolUse?: SimulatedToolUse;
  usage: SimulatedUsage;
}

/** Rough token count (4 characters a token), enough for a nonzero, size-dependent cost. */
export function estimateTokens(value: unknown): number {
  if (value === undefined) return 0;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Math.ceil(text.length / 4);
}

/**
 * Usage for one answer, shaped like the real API's: the system prompt and tool definitions count as a
 * prompt-cache read (the CLI marks them cacheable), the conversation as fresh input.
 */
export function computeUsage(
  request: MessagesApiRequest,
  answer: { text?: string; toolUse?: SimulatedToolUse },
  overrides: Partial<SimulatedUsage> = {},
): SimulatedUsage {
  const outputTokens = Math.max(
    1,
    estimateTokens(answer.text ?? '') + (answer.toolUse ? estimateTokens(answer.toolUse.input) + 10 : 0),
  );
  return {
    input_tokens: Math.max(1, estimateTokens(request.messages)),
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: estimateTokens(request.system) + estimateTokens(request.tools),
    ...overrides,
  };
}

export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** Sends the whole answer as one SSE stream and ends the response. */
export function writeMessageStream(response: ServerResponse, model: string, answer: StreamedAnswer): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': newId('req_sim_'),
  });
  const send = (event: string, data: Record<string, unknown>): void => {
    response.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };

  send('message_start', {
    message: {
      id: newId('msg_sim_'),
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // The real API reports input and cache counts up front and the output count at the end.
      usage: { ...answer.usage, output_tokens: 1 },
    },
  });

  let index = 0;
  if (answer.text) {
    send('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const piece of chunk(answer.text, 64)) {
      send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
    }
    send('content_block_stop', { index });
    index++;
  }
  if (answer.toolUse) {
    const id = answer.toolUse.id ?? newId('toolu_sim_');
    send('content_block_start', {
      index,
      content_block: { type: 'tool_use', id, name: answer.toolUse.name, input: {} },
    });
    for (const piece of chunk(JSON.stringify(answer.toolUse.input), 64)) {
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
    }
    send('content_block_stop', { index });
  }

  send('message_delta', {
    delta: { stop_reason: answer.toolUse ? 'tool_use' : 'end_turn', stop_sequence: null },
    usage: { output_tokens: answer.usage.output_tokens },
  });
  send('message_stop', {});
  response.end();
}

function chunk(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces.length > 0 ? pieces : [''];
}

/** The shapes that cross the simulated Messages API: what the CLI sends and what a scripted responder answers. */

/** One content block of a Messages API message, as the CLI sends it (only the fields we read are typed). */
export interface MessagesContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
  tool_use_id?: string;
  content?: string | MessagesContentBlock[];
  is_error?: boolean;
  [field: string]: unknown;
}

export interface MessagesApiMessage {
  role: string;
  content: string | MessagesContentBlock[];
}

/** The parsed JSON body of one `POST /v1/messages` call. */
export interface MessagesApiRequest {
  model: string;
  messages: MessagesApiMessage[];
  system?: string | MessagesContentBlock[];
  tools?: Array<{ name: string; description?: string; input_schema?: unknown; [field: string]: unknown }>;
  max_tokens?: number;
  stream?: boolean;
  [field: string]: unknown;
}

/** Token counts the simulator reports for one response; the CLI prices them into `total_cost_usd`. */
export interface SimulatedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface SimulatedToolUse {
  name: string;
  input: Record<string, unknown>;
  /** Defaults to a fresh `toolu_sim_…` id. */
  id?: string;
}

interface StepOptions {
  /** Overrides parts of the computed usage of this response. */
  usage?: Partial<SimulatedUsage>;
  /** Waits this long before answering (to exercise timeouts and aborts). */
  delayMs?: number;
}

/** What the simulated model answers to one request. */
export type SimulatedStep =
  | ({ text: string } & StepOptions)
  | ({ toolUse: SimulatedToolUse; text?: string } & StepOptions)
  | ({ httpError: { status: number; type: string; message: string } } & StepOptions);

/** A tool result found in a request: what the CLI sent back to the model after running (or refusing) a tool. */
export interface ReceivedToolResult {
  toolUseId: string;
  /** The result text, with the blocks of an array result joined by newlines. */
  content: string;
  isError: boolean;
}

export interface RespondContext {
  /** 0-based number of this `/v1/messages` call since the simulator started. */
  callIndex: number;
  /** The newest text the user typed, without the CLI's `<system-reminder>` blocks. */
  lastUserText: string;
  /** The tool results in the newest user message (empty unless the previous answer was a tool call). */
  toolResults: ReceivedToolResult[];
}

/**
 * Decides the simulated model's answer to one request. Scenarios script the model with one of these.
 *
 * @example
 * const respond: SimulatedResponder = (_request, context) =>
 *   context.toolResults.length > 0 ? { text: 'done' } : { toolUse: { name: 'Write', input: { file_path: 'a.txt', content: 'x' } } };
 */
export type SimulatedResponder = (
  request: MessagesApiRequest,
  context: RespondContext,
) => SimulatedStep | Promise<SimulatedStep>;

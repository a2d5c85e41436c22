/**
 * A local stand-in for the Anthropic Messages API on 127.0.0.1, so the real Claude Agent SDK and its bundled
 * CLI can run offline: the tests script it per scenario, and the offline demo answers through it.
 *
 * What the bundled CLI (2.1.331) was seen to call:
 * - With `CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1` (our runtime always sets it): only
 *   `POST /v1/messages?beta=true`, always with `stream: true`, once per model turn.
 * - Without it, two more: `HEAD /api/hello` (a connectivity probe; we answer 200) and, before the first
 *   turn, a session-title request on the main model with no tools, a system prompt "You are naming a coding
 *   session…" and `output_config.format` = a JSON schema `{ title: string }`. Such side requests are
 *   recognised by `isSideRequest`, answered with schema-shaped JSON text, kept in `sideRequests` and never
 *   shown to the responder, so scripted scenarios stay deterministic either way.
 * - `POST /v1/messages/count_tokens` was never seen; it is answered with an estimate in case a CLI asks.
 * Anything else gets a 404 in the API's error format and is recorded in `unexpectedRequests`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writesHandlers } from './handler-writer.js';
import { buildRespondContext, demoResponder } from './responders.js';
import { computeUsage, estimateTokens, newId, writeMessageStream } from './sse-response.js';
import type { MessagesApiRequest, SimulatedResponder, SimulatedStep } from './types.js';

export interface SimulatedModelOptions {
  /** Scripts the answers; default `demoResponder`, which also writes Learn's handlers (`writesHandlers`). */
  respond?: SimulatedResponder;
  /** Default 0: a free port. */
  port?: number;
  /** Largest request body accepted, in bytes; default 20 MB. */
  maxBodyBytes?: number;
  /** Most requests kept in `requests` and `sideRequests` (oldest dropped first); default 1000. */
  maxRecordedRequests?: number;
  /** Tells the CLI's side requests (session titles) from model turns; default `isSideRequest`. */
  isSideRequest?: (request: MessagesApiRequest) => boolean;
}

export interface SimulatedModel {
  /** Base URL for `ANTHROPIC_BASE_URL`, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Parsed bodies of the main `/v1/messages` calls, oldest first (side calls are not included). */
  readonly requests: MessagesApiRequest[];
  /** Parsed bodies of the side calls (session titles) the CLI made. */
  readonly sideRequests: MessagesApiRequest[];
  /** `METHOD path` of every request that was not a Messages call. */
  readonly unexpectedRequests: string[];
  close(): Promise<void>;
}

/**
 * @example
 * const model = await startSimulatedModel({ respond: replyWithText('Hi there') });
 * const runtime = new ClaudeAgentSdkRuntime({ baseUrl: model.url, simulatedModel: true });
 * // ... run, then:
 * await model.close();
 */
export async function startSimulatedModel(options: SimulatedModelOptions = {}): Promise<SimulatedModel> {
  const respond = options.respond ?? writesHandlers(demoResponder);
  const maxBodyBytes = options.maxBodyBytes ?? 20 * 1024 * 1024;
  const isSide = options.isSideRequest ?? isSideRequest;
  const maxRecorded = options.maxRecordedRequests ?? 1000;
  // The offline demo runs for hours: keep only the newest requests.
  const record = (list: MessagesApiRequest[], request: MessagesApiRequest) => {
    list.push(request);
    if (list.length > maxRecorded) list.splice(0, list.length - maxRecorded);
  };
  let callCount = 0;
  const requests: MessagesApiRequest[] = [];
  const sideRequests: MessagesApiRequest[] = [];
  const unexpectedRequests: string[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (incoming.url ?? '/').split('?')[0] ?? '/';
    if (incoming.method === 'HEAD' || (incoming.method === 'GET' && path === '/api/hello')) {
      response.writeHead(200).end();
      return;
    }
    if (incoming.method !== 'POST' || (path !== '/v1/messages' && path !== '/v1/messages/count_tokens')) {
      unexpectedRequests.push(`${incoming.method} ${incoming.url}`);
      if (unexpectedRequests.length > maxRecorded) unexpectedRequests.shift();
      sendError(
        response,
        404,
        'not_found_error',
        `the simulated model does not serve ${incoming.method} ${path}`,
      );
      return;
    }
    const body = await readBody(incoming, maxBodyBytes);
    let request: MessagesApiRequest;
    try {
      request = JSON.parse(body) as MessagesApiRequest;
      if (!Array.isArray(request.messages)) throw new Error('messages must be an array');
    } catch (error) {
      sendError(response, 400, 'invalid_request_error', `invalid request body: ${(error as Error).message}`);
      return;
    }
    if (path === '/v1/messages/count_tokens') {
      sendJson(response, 200, {
        input_tokens: estimateTokens(request.messages) + estimateTokens(request.system),
      });
      return;
    }
    if (isSide(request)) {
      record(sideRequests, request);
      answer(response, request, { text: sideAnswer(request) });
      return;
    }
    const callIndex = callCount++;
    record(requests, request);
    const step = await respond(request, buildRespondContext(request, callIndex));
    if (step.delayMs && step.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          resolve();
        }, step.delayMs);
        pendingTimers.add(timer);
      });
      if (response.destroyed) return;
    }
    answer(response, request, step);
  };

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendError(
          response,
          500,
          'api_error',
          `simulated model failed: ${(error as Error)?.message ?? error}`,
        );
      } else {
        response.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    sideRequests,
    unexpectedRequests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        pendingTimers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * True for the CLI's helper calls that are not a turn of the agent: a request with no tools that asks for
 * JSON-schema output, or whose system prompt is the session-title prompt.
 */
export function isSideRequest(request: MessagesApiRequest): boolean {
  const hasTools = Array.isArray(request.tools) && request.tools.length > 0;
  if (hasTools) return false;
  const system = typeof request.system === 'string' ? request.system : JSON.stringify(request.system ?? '');
  return outputSchemaOf(request) !== undefined || /naming a coding session/i.test(system);
}

function outputSchemaOf(request: MessagesApiRequest): Record<string, unknown> | undefined {
  const outputConfig = request.output_config as { format?: { type?: string; schema?: unknown } } | undefined;
  const schema = outputConfig?.format?.type === 'json_schema' ? outputConfig.format.schema : undefined;
  return typeof schema === 'object' && schema !== null ? (schema as Record<string, unknown>) : undefined;
}

/** JSON text matching the requested schema's string properties, e.g. `{"title":"Simulated session"}`. */
function sideAnswer(request: MessagesApiRequest): string {
  const schema = outputSchemaOf(request);
  const properties = (schema?.properties ?? {}) as Record<string, { type?: string }>;
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (property.type === 'string') value[name] = 'Simulated session';
    else if (property.type === 'number' || property.type === 'integer') value[name] = 0;
    else if (property.type === 'boolean') value[name] = false;
    else if (property.type === 'array') value[name] = [];
  }
  return schema ? JSON.stringify(value) : 'Simulated session';
}

function answer(response: ServerResponse, request: MessagesApiRequest, step: SimulatedStep): void {
  if ('httpError' in step) {
    sendError(response, step.httpError.status, step.httpError.type, step.httpError.message);
    return;
  }
  const content = 'toolUse' in step ? { text: step.text, toolUse: step.toolUse } : { text: step.text };
  const streamed = { ...content, usage: computeUsage(request, content, step.usage) };
  if (request.stream === false) {
    sendJson(response, 200, nonStreamingMessage(request.model, streamed));
    return;
  }
  writeMessageStream(response, request.model, streamed);
}

/** The plain JSON form, in case a caller asks without `stream: true` (the CLI never does). */
function nonStreamingMessage(
  model: string,
  answer: {
    text?: string;
    toolUse?: { name: string; input: Record<string, unknown>; id?: string };
    usage: object;
  },
): Record<string, unknown> {
  const content: Array<Record<string, unknown>> = [];
  if (answer.text) content.push({ type: 'text', text: answer.text });
  if (answer.toolUse) {
    content.push({
      type: 'tool_use',
      id: answer.toolUse.id ?? newId('toolu_sim_'),
      name: answer.toolUse.name,
      input: answer.toolUse.input,
    });
  }
  return {
    id: newId('msg_sim_'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: answer.toolUse ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: answer.usage,
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req_sim_') });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  sendJson(response, status, { type: 'error', error: { type, message } });
}

function readBody(incoming: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error(`request body larger than ${maxBytes} bytes`));
        incoming.destroy();
        return;
      }
      chunks.push(chunk);
    });
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

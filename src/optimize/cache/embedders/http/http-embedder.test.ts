import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidConfigError } from '../../../../errors/index.js';
import { dotProduct } from '../embedder.js';
import { EmbeddingRequestError } from './embedding-request-error.js';
import { createHttpEmbedder } from './http-embedder.js';

interface Recorded {
  url: string;
  headers: IncomingMessage['headers'];
  body: { input: string[]; model: string; [key: string]: unknown };
}

/** A local server speaking Voyage's and OpenAI's embeddings wire format; each test scripts its answers. */
let server: Server;
let baseUrl: string;
let requests: Recorded[] = [];
let respond: (request: Recorded, response: ServerResponse) => void;

/** A deterministic fake embedding: the text's length and vowel count, padded to `dimensions`. */
function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  vector[0] = text.length;
  vector[1 % dimensions] = (text.match(/[aeiou]/g) ?? []).length + 1;
  return vector;
}

function answerEmbeddings(dimensions: number, order: 'forward' | 'reverse' = 'forward') {
  return (request: Recorded, response: ServerResponse) => {
    const data = request.body.input.map((text, index) => ({
      object: 'embedding',
      embedding: fakeEmbedding(text, dimensions),
      index,
    }));
    if (order === 'reverse') data.reverse();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ object: 'list', data, model: request.body.model, usage: { total_tokens: 7 } }),
    );
  };
}

function answerStatus(status: number, body: unknown, headers: Record<string, string> = {}) {
  return (_request: Recorded, response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      const recorded = {
        url: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(text) as Recorded['body'],
      };
      requests.push(recorded);
      respond(recorded, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
});

const noSleep = async () => {};

describe('HttpEmbedder (Voyage wire format)', () => {
  it('posts { input, model, input_type } with a bearer key and returns unit vectors in input order', async () => {
    respond = answerEmbeddings(1024, 'reverse');
    const embedder = createHttpEmbedder({ provider: 'voyage', apiKey: 'voyage-key', baseUrl });
    expect(embedder.id).toBe('voyage:voyage-3.5-lite:1024');
    expect(embedder.dimensions).toBe(1024);
    const vectors = await embedder.embed(['hello', 'a much longer question']);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/v1/embeddings');
    expect(requests[0]!.headers.authorization).toBe('Bearer voyage-key');
    expect(requests[0]!.headers['content-type']).toBe('application/json');
    expect(requests[0]!.body).toEqual({
      input: ['hello', 'a much longer question'],
      model: 'voyage-3.5-lite',
      input_type: null,
    });
    expect(vectors).toHaveLength(2);
    for (const vector of vectors) expect(dotProduct(vector, vector)).toBeCloseTo(1, 5);
    // Sorted back by index: the first vector is the one for "hello" (length 5, 3 vowels incl. +1).
    expect(vectors[0]![0]! / vectors[0]![1]!).toBeCloseTo(5 / 3, 5);
  });

  it('sends input_type and output_dimension when configured, and batches at batchSize', async () => {
    respond = answerEmbeddings(256);
    const embedder = createHttpEmbedder({
      provider: 'voyage',
      apiKey: 'k',
      baseUrl: `${baseUrl}/`,
      model: 'voyage-3.5',
      dimensions: 256,
      inputType: 'query',
      batchSize: 2,
    });
    expect(embedder.id).toBe('voyage:voyage-3.5:256:query');
    const vectors = await embedder.embed(['a', 'b', 'c', 'd', '']);
    expect(vectors).toHaveLength(5);
    expect(requests.map((request) => request.body.input)).toEqual([['a', 'b'], ['c', 'd'], [' ']]);
    expect(requests[0]!.body).toMatchObject({
      model: 'voyage-3.5',
      input_type: 'query',
      output_dimension: 256,
    });
  });

  it('reads the key from VOYAGE_API_KEY, and says where to put it when it is missing', async () => {
    respond = answerEmbeddings(1024);
    await createHttpEmbedder({ provider: 'voyage', baseUrl }, { env: { VOYAGE_API_KEY: 'from-env' } }).embed([
      'x',
    ]);
    expect(requests[0]!.headers.authorization).toBe('Bearer from-env');
    expect(() => createHttpEmbedder({ provider: 'voyage' }, { env: {} })).toThrow(
      /pass apiKey .* or set VOYAGE_API_KEY/,
    );
  });
});

describe('HttpEmbedder (OpenAI wire format)', () => {
  it('posts { input, model, encoding_format } and sends dimensions only when they differ from the model', async () => {
    respond = answerEmbeddings(1536);
    const embedder = createHttpEmbedder({ provider: 'openai', apiKey: 'sk-test', baseUrl });
    expect(embedder.id).toBe('openai:text-embedding-3-small:1536');
    await embedder.embed(['What time do you open?']);
    expect(requests[0]!.body).toEqual({
      input: ['What time do you open?'],
      model: 'text-embedding-3-small',
      encoding_format: 'float',
    });
    respond = answerEmbeddings(512);
    await createHttpEmbedder({
      provider: 'openai',
      apiKey: 'sk-test',
      baseUrl,
      model: 'text-embedding-3-large',
      dimensions: 512,
    }).embed(['x']);
    expect(requests[1]!.body).toMatchObject({ model: 'text-embedding-3-large', dimensions: 512 });
  });

  it('needs dimensions for a model it does not know', () => {
    expect(() => createHttpEmbedder({ provider: 'openai', apiKey: 'k', model: 'my-finetune' })).toThrow(
      /set dimensions/,
    );
    expect(
      createHttpEmbedder({ provider: 'openai', apiKey: 'k', model: 'my-finetune', dimensions: 64 })
        .dimensions,
    ).toBe(64);
  });

  it('validates its config with InvalidConfigError', () => {
    expect(() => createHttpEmbedder({ provider: 'cohere' as never, apiKey: 'k' })).toThrow(
      InvalidConfigError,
    );
    expect(() => createHttpEmbedder({ provider: 'openai', apiKey: 'k', baseUrl: 'not a url' })).toThrow(
      /baseUrl/,
    );
  });
});

describe('HttpEmbedder errors', () => {
  it('maps 401 to invalid-config with the provider message and a hint, without retrying or leaking the key', async () => {
    respond = answerStatus(401, {
      error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
    });
    const embedder = createHttpEmbedder(
      { provider: 'openai', apiKey: 'sk-secret', baseUrl },
      { sleep: noSleep },
    );
    const error = await embedder.embed(['x']).catch((caught: unknown) => caught);
    expect(EmbeddingRequestError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'invalid-config',
      providerStatus: 401,
      retryable: false,
      provider: 'openai',
    });
    expect((error as Error).message).toMatch(/answered 401: Incorrect API key provided\. Check the API key/);
    expect((error as Error).message).not.toContain('sk-secret');
    expect(requests).toHaveLength(1);
  });

  it('retries a rate limit after Retry-After, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    respond = (request, response) => {
      calls++;
      if (calls === 1)
        answerStatus(429, { detail: 'Rate limit exceeded' }, { 'retry-after': '1' })(request, response);
      else answerEmbeddings(1024)(request, response);
    };
    const embedder = createHttpEmbedder(
      { provider: 'voyage', apiKey: 'k', baseUrl },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(await embedder.embed(['x'])).toHaveLength(1);
    expect(waits).toEqual([1000]);
  });

  it('gives up on server errors after maxRetries, with a retryable runtime-failed error', async () => {
    respond = answerStatus(503, { detail: 'overloaded' });
    const embedder = createHttpEmbedder(
      { provider: 'voyage', apiKey: 'k', baseUrl, maxRetries: 2 },
      { sleep: noSleep },
    );
    await expect(embedder.embed(['x'])).rejects.toMatchObject({
      code: 'runtime-failed',
      providerStatus: 503,
      retryable: true,
    });
    expect(requests).toHaveLength(3);
  });

  it('times out with runtime-timeout', async () => {
    respond = (request, response) => setTimeout(() => answerEmbeddings(1024)(request, response), 500);
    const embedder = createHttpEmbedder({
      provider: 'voyage',
      apiKey: 'k',
      baseUrl,
      timeoutMs: 50,
      maxRetries: 0,
    });
    await expect(embedder.embed(['x'])).rejects.toMatchObject({ code: 'runtime-timeout', retryable: true });
  });

  it('reports an unreachable endpoint as a retryable runtime-failed error', async () => {
    const embedder = createHttpEmbedder({
      provider: 'openai',
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9/v1',
      maxRetries: 0,
    });
    await expect(embedder.embed(['x'])).rejects.toMatchObject({ code: 'runtime-failed', retryable: true });
  });

  it.each([
    ['a body that is not JSON', (_request: Recorded, response: ServerResponse) => response.end('<html>')],
    ['a missing data array', answerStatus(200, { result: [] })],
    ['too few embeddings', answerStatus(200, { data: [] })],
    [
      'a repeated index',
      answerStatus(200, {
        data: [
          { embedding: [1, 0], index: 0 },
          { embedding: [1, 0], index: 0 },
        ],
      }),
    ],
    ['the wrong vector length', answerStatus(200, { data: [{ embedding: [1, 0, 0], index: 0 }] })],
  ])('rejects %s as an unexpected answer', async (_label, answer) => {
    respond = answer;
    const embedder = createHttpEmbedder({
      provider: 'openai',
      apiKey: 'k',
      baseUrl,
      model: 'tiny',
      dimensions: 2,
    });
    await expect(embedder.embed(['x'])).rejects.toMatchObject({ code: 'runtime-failed', retryable: false });
  });
});

/**
 * Embeddings from a hosted API: Voyage (`POST /v1/embeddings` with `{ input, model, input_type }`) or
 * OpenAI (`POST /v1/embeddings` with `{ input, model }`); both answer `{ data: [{ embedding, index }] }`.
 * Texts are sent in batches; each request has a timeout and at most one retry on rate limits and
 * server errors, because a slow cache lookup costs more than a miss.
 */
import { z } from 'zod';
import { validateConfig } from '../../../../config/index.js';
import { type Embedder, l2Normalize } from '../embedder.js';
import { EmbeddingRequestError } from './embedding-request-error.js';

const PROVIDERS = {
  voyage: {
    baseUrl: 'https://api.voyageai.com/v1',
    model: 'voyage-3.5-lite',
    apiKeyVariable: 'VOYAGE_API_KEY',
    maxBatch: 128,
    dimensions: {
      'voyage-3.5': 1024,
      'voyage-3.5-lite': 1024,
      'voyage-3-large': 1024,
      'voyage-3': 1024,
      'voyage-3-lite': 512,
      'voyage-code-3': 1024,
      'voyage-finance-2': 1024,
      'voyage-law-2': 1024,
      'voyage-multilingual-2': 1024,
    } as Record<string, number>,
  },
  openai: {
    baseUrl: 'https://api.openai.com/v1',
    model: 'text-embedding-3-small',
    apiKeyVariable: 'OPENAI_API_KEY',
    maxBatch: 2048,
    dimensions: {
      'text-embedding-3-small': 1536,
      'text-embedding-3-large': 3072,
      'text-embedding-ada-002': 1536,
    } as Record<string, number>,
  },
} as const;

export type HttpEmbeddingProvider = keyof typeof PROVIDERS;

export const httpEmbedderConfigSchema = z
  .object({
    provider: z.enum(['voyage', 'openai']),
    /** Falls back to VOYAGE_API_KEY or OPENAI_API_KEY. */
    apiKey: z.string().min(1).optional(),
    /** Default `voyage-3.5-lite` or `text-embedding-3-small`. */
    model: z.string().min(1).optional(),
    /** Default the provider's public API; set for a proxy or a test server. */
    baseUrl: z.url().optional(),
    /** Vector length; required for models not listed here, and sent to the API when it differs from the model's default. */
    dimensions: z.number().int().min(1).max(16384).optional(),
    /** Voyage only: `query` or `document` asks Voyage to prepend its retrieval prompt; default none (symmetric similarity). */
    inputType: z.enum(['query', 'document']).optional(),
    /** Texts per request; default (and maximum) 128 for Voyage, 2048 for OpenAI. */
    batchSize: z.number().int().min(1).optional(),
    /** Milliseconds per request; default 5000. */
    timeoutMs: z.number().int().min(1).default(5000),
    /** Retries after a rate limit (429), a server error (5xx) or a network error; default 1. */
    maxRetries: z.number().int().min(0).max(5).default(1),
  })
  .strict();

export type HttpEmbedderConfig = z.input<typeof httpEmbedderConfigSchema>;

export interface HttpEmbedderDependencies {
  /** Environment for the API key fallback; default process.env. */
  env?: Record<string, string | undefined>;
  /** Waits between retries; tests pass a fake. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
}

const responseSchema = z.object({
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().int().min(0) })),
});

/**
 * @example
 * const embedder = createHttpEmbedder({ provider: 'voyage', model: 'voyage-3.5-lite' }); // key from VOYAGE_API_KEY
 * const vectors = await embedder.embed(['When do you open?']);
 */
export class HttpEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly provider: HttpEmbeddingProvider;
  readonly model: string;
  private readonly endpoint: string;
  private readonly apiKey: string;
  private readonly batchSize: number;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly inputType: 'query' | 'document' | undefined;
  private readonly requestedDimensions: number | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(config: HttpEmbedderConfig, dependencies: HttpEmbedderDependencies = {}) {
    const resolved = validateConfig(httpEmbedderConfigSchema, config, 'HTTP embedder config');
    const provider = PROVIDERS[resolved.provider];
    const env = dependencies.env ?? process.env;
    const apiKey = resolved.apiKey ?? env[provider.apiKeyVariable];
    if (!apiKey) {
      throw new EmbeddingRequestError(
        'invalid-config',
        `The ${resolved.provider} embedder needs an API key: pass apiKey in its config, or set ${provider.apiKeyVariable} in the environment.`,
        { provider: resolved.provider, retryable: false },
      );
    }
    const model = resolved.model ?? provider.model;
    const modelDimensions = provider.dimensions[model];
    const dimensions = resolved.dimensions ?? modelDimensions;
    if (dimensions === undefined) {
      throw new EmbeddingRequestError(
        'invalid-config',
        `The ${resolved.provider} embedder does not know the vector length of model "${model}": set dimensions in its config (known models: ${Object.keys(provider.dimensions).join(', ')}).`,
        { provider: resolved.provider, retryable: false },
      );
    }
    const batchSize = Math.min(resolved.batchSize ?? provider.maxBatch, provider.maxBatch);
    this.provider = resolved.provider;
    this.model = model;
    this.dimensions = dimensions;
    this.requestedDimensions = dimensions === modelDimensions ? undefined : dimensions;
    this.apiKey = apiKey;
    this.endpoint = `${(resolved.baseUrl ?? provider.baseUrl).replace(/\/+$/, '')}/embeddings`;
    this.batchSize = batchSize;
    this.timeoutMs = resolved.timeoutMs;
    this.maxRetries = resolved.maxRetries;
    this.inputType = resolved.provider === 'voyage' ? resolved.inputType : undefined;
    this.sleep = dependencies.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.id = [resolved.provider, model, String(dimensions), this.inputType].filter(Boolean).join(':');
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      vectors.push(...(await this.embedBatch(texts.slice(start, start + this.batchSize))));
    }
    return vectors;
  }

  private async embedBatch(texts: string[]): Promise<Float32Array[]> {
    // Both APIs reject empty strings; a space embeds as "nothing".
    const input = texts.map((text) => (text.trim() === '' ? ' ' : text));
    const body: Record<string, unknown> = { input, model: this.model };
    if (this.provider === 'voyage') {
      body.input_type = this.inputType ?? null;
      if (this.requestedDimensions !== undefined) body.output_dimension = this.requestedDimensions;
    } else {
      body.encoding_format = 'float';
      if (this.requestedDimensions !== undefined) body.dimensions = this.requestedDimensions;
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request(body, texts.length);
      } catch (error) {
        if (!EmbeddingRequestError.isInstance(error) || !error.retryable || attempt >= this.maxRetries)
          throw error;
        const retryAfter = Number((error.details as { retryAfterMs?: number }).retryAfterMs);
        await this.sleep(Number.isFinite(retryAfter) ? Math.min(retryAfter, 2000) : 200 * 2 ** attempt);
      }
    }
  }

  private async request(body: Record<string, unknown>, count: number): Promise<Float32Array[]> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new EmbeddingRequestError(
        timedOut ? 'runtime-timeout' : 'runtime-failed',
        timedOut
          ? `The ${this.provider} embeddings API did not answer within ${this.timeoutMs} ms (${this.endpoint}); raise timeoutMs or check the network.`
          : `Could not reach the ${this.provider} embeddings API at ${this.endpoint}: ${(error as Error).message}`,
        { provider: this.provider, retryable: true, cause: error },
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) throw this.statusError(response, text);
    let parsed: z.infer<typeof responseSchema>;
    try {
      parsed = responseSchema.parse(JSON.parse(text));
    } catch (error) {
      throw this.shapeError(`the response is not { data: [{ embedding, index }] }`, error);
    }
    const vectors: Array<Float32Array | undefined> = Array.from({ length: count }, () => undefined);
    for (const item of parsed.data) {
      if (item.index >= count || vectors[item.index] !== undefined) {
        throw this.shapeError(`index ${item.index} is out of range or repeated for ${count} inputs`);
      }
      if (item.embedding.length !== this.dimensions) {
        throw this.shapeError(
          `an embedding has ${item.embedding.length} dimensions, expected ${this.dimensions} (set dimensions in the config to match the model)`,
        );
      }
      vectors[item.index] = l2Normalize(Float32Array.from(item.embedding));
    }
    if (vectors.some((vector) => vector === undefined)) {
      throw this.shapeError(`${parsed.data.length} embeddings came back for ${count} inputs`);
    }
    return vectors as Float32Array[];
  }

  private statusError(response: Response, text: string): EmbeddingRequestError {
    const status = response.status;
    const detail = providerMessage(text);
    const retryable = status === 429 || status >= 500;
    const code =
      status === 401 || status === 403 || status === 404 || status === 400
        ? 'invalid-config'
        : 'runtime-failed';
    const hint =
      status === 401 || status === 403
        ? ' Check the API key (apiKey or the environment variable).'
        : status === 404
          ? ` Check baseUrl (${this.endpoint}) and the model name "${this.model}".`
          : status === 429
            ? ' Rate limited by the provider.'
            : '';
    const error = new EmbeddingRequestError(
      code,
      `The ${this.provider} embeddings API answered ${status}${detail ? `: ${detail}` : ''}.${hint}`,
      { provider: this.provider, status, retryable },
    );
    const retryAfter = Number(response.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter >= 0) error.details.retryAfterMs = retryAfter * 1000;
    return error;
  }

  private shapeError(problem: string, cause?: unknown): EmbeddingRequestError {
    return new EmbeddingRequestError(
      'runtime-failed',
      `The ${this.provider} embeddings API answered unexpectedly: ${problem}.`,
      {
        provider: this.provider,
        retryable: false,
        cause,
      },
    );
  }
}

/** The provider's own error message, from `{ error: { message } }` (OpenAI) or `{ detail }` (Voyage). */
function providerMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; detail?: unknown };
    const message = typeof body.error === 'object' ? body.error?.message : (body.error ?? body.detail);
    if (typeof message === 'string') return message.slice(0, 300);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300);
}

/**
 * Builds an HTTP embedder for Voyage or OpenAI.
 *
 * @example createHttpEmbedder({ provider: 'openai', model: 'text-embedding-3-small', apiKey: process.env.OPENAI_API_KEY })
 */
export function createHttpEmbedder(
  config: HttpEmbedderConfig,
  dependencies: HttpEmbedderDependencies = {},
): HttpEmbedder {
  return new HttpEmbedder(config, dependencies);
}

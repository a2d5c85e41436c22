/** Thrown when an HTTP embedding provider fails, times out or answers in an unexpected shape. */
import { StewardError, type StewardErrorCode } from '../../../../errors/index.js';

export interface EmbeddingRequestErrorOptions {
  provider: string;
  /** The provider's HTTP status, when it answered. */
  status?: number;
  /** Whether trying again later may succeed (rate limits, 5xx, timeouts, network errors). */
  retryable: boolean;
  cause?: unknown;
}

/**
 * An embedding request to Voyage or OpenAI failed. `code` is `invalid-config` when our settings are at
 * fault (bad key, unknown model), `runtime-timeout` on timeout, `runtime-failed` otherwise.
 *
 * @example
 * catch (error) { if (EmbeddingRequestError.isInstance(error) && error.retryable) treatAsCacheMiss(); }
 */
export class EmbeddingRequestError extends StewardError {
  override readonly name = 'EmbeddingRequestError';
  readonly provider: string;
  readonly providerStatus: number | undefined;
  readonly retryable: boolean;

  constructor(code: StewardErrorCode, message: string, options: EmbeddingRequestErrorOptions) {
    super(code, message, {
      cause: options.cause,
      details: { provider: options.provider, providerStatus: options.status, retryable: options.retryable },
    });
    this.provider = options.provider;
    this.providerStatus = options.status;
    this.retryable = options.retryable;
  }

  static override isInstance(error: unknown): error is EmbeddingRequestError {
    return StewardError.isInstance(error) && (error as { name?: unknown }).name === 'EmbeddingRequestError';
  }
}

import type { Logger } from 'pino';
import { UnavailableError } from '../../domain/errors.js';

/** One request to a registry or its token endpoint. */
export interface RegistryRequest {
  readonly url: string;
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The request body, made afresh for each attempt: a retried or re-authorized request must
   * send it again, and a stream (a layer read from disk) can be read only once.
   */
  readonly body?: () => Uint8Array | ReadableStream<Uint8Array>;
  /** What the request is for, named in errors and logs: `repository docker-releases/a`. */
  readonly subject: string;
}

/** A response whose body has been read in full within the attempt's timeout. */
export interface RegistryResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export type Send = (request: RegistryRequest) => Promise<RegistryResponse>;

export interface SendOptions {
  /** The registry's base URL, named in every error. */
  readonly registry: string;
  readonly fetchImpl: typeof fetch;
  /** Per attempt, the body included. */
  readonly timeoutMs: number;
  /** Further attempts after the first, for network errors, timeouts, 429 and 5xx. */
  readonly retries: number;
  /** The first backoff; doubled on each retry, with jitter. */
  readonly retryDelayMs: number;
  /** Larger bodies are refused: manifests are at most 4 MiB in distribution. */
  readonly maxBodyBytes?: number;
  readonly logger?: Logger | undefined;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A `Retry-After` longer than this is cut short: callers are waiting on a request. */
const MAX_RETRY_AFTER_MS = 2_000;

/**
 * Returns a sender that gives each attempt `timeoutMs` (`AbortSignal.timeout`, covering the
 * body) and retries network errors, timeouts, 429 and 5xx (but 501) up to `retries` times
 * with exponential backoff. Other statuses are returned to the caller. When the attempts
 * run out it throws `UnavailableError` naming the registry and the subject, never a header
 * (they may carry credentials).
 */
export function createSend(options: SendOptions): Send {
  const { registry, fetchImpl, timeoutMs, retries, retryDelayMs, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));

  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      let reason: string;
      let retryAfterMs = 0;
      try {
        const body = request.body?.();
        const response = await fetchImpl(request.url, {
          method: request.method ?? 'GET',
          headers: request.headers ?? {},
          // undici requires `duplex: 'half'` to send a stream body.
          ...(body === undefined ? {} : { body, duplex: 'half' }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const answer = await readBody(response, maxBodyBytes);
        if (!isRetryable(response.status)) {
          return { status: response.status, headers: response.headers, body: answer };
        }
        reason = `HTTP ${response.status}`;
        retryAfterMs = retryAfter(response.headers.get('retry-after'));
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          throw new UnavailableError(
            `registry ${registry} sent more than ${maxBodyBytes} bytes for ${request.subject}`,
          );
        }
        reason = describeFailure(error, timeoutMs);
      }
      if (attempt >= retries) {
        const attempts = attempt + 1;
        throw new UnavailableError(
          `registry ${registry} is unavailable for ${request.subject}: ${reason}` +
            (attempts > 1 ? ` (${attempts} attempts)` : ''),
        );
      }
      const backoff = retryDelayMs * 2 ** attempt * (0.75 + Math.random() / 2);
      const delay = Math.max(backoff, retryAfterMs);
      logger?.warn(
        {
          registry,
          subject: request.subject,
          attempt: attempt + 1,
          reason,
          delayMs: Math.round(delay),
        },
        'registry request failed; retrying',
      );
      await sleep(delay);
    }
  };
}

function isRetryable(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** `Retry-After` in seconds (RFC 9110 §10.2.3; HTTP dates are ignored), capped. */
function retryAfter(header: string | null): number {
  if (header === null || !/^\d+$/.test(header.trim())) return 0;
  return Math.min(Number(header.trim()) * 1000, MAX_RETRY_AFTER_MS);
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  // undici reports `fetch failed` and puts the socket error (ECONNREFUSED, …) in `cause`.
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    cause !== null && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined;
  if (code !== undefined) return `network error ${code}`;
  return `network error: ${error instanceof Error ? error.message : String(error)}`;
}

class BodyTooLargeError extends Error {}

async function readBody(response: Response, maxBytes: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array();
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body.cancel();
    throw new BodyTooLargeError();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

import type { z } from 'zod';
import type { RouteDefinition, RouteInput, SuccessBody } from '../../api/route-definition.js';
import {
  ConflictError,
  NotAllowedError,
  NotAuthenticatedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  type FieldError,
  type PlatformError,
} from '../../domain/errors.js';
import { RefusedInputError } from './refused-input-error.js';

export interface PlatformClientOptions {
  /** `http(s)://host[:port][/prefix]`, normalised, without a trailing slash. */
  readonly baseUrl: string;
  /** Resolved when the first request is sent (a cached login may need a refresh first). */
  readonly token: () => Promise<string>;
  readonly fetchImpl?: typeof fetch;
  /** Attempts for a request that may be repeated safely; 1 disables retries. */
  readonly attempts?: number;
  /** Waits between attempts (injected by tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface CallResult<R extends RouteDefinition> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: SuccessBody<R>;
}

/** The typed client of the Platform API: one method, any route definition. */
export interface PlatformClient {
  readonly baseUrl: string;
  call<R extends RouteDefinition>(route: R, input?: RouteInput<R>): Promise<CallResult<R>>;
}

/** Methods a retry cannot turn into a second change (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['get', 'put', 'delete']);
const RETRYABLE_STATUS = new Set([502, 503, 504]);
const MAX_RETRY_WAIT_MS = 5_000;

const ERRORS: Record<number, new (message: string) => PlatformError> = {
  401: NotAuthenticatedError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
};

/** `/api/v1/environments/{name}` with `{ name: 'dev-a' }` → `/api/v1/environments/dev-a`. */
export function pathOf(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = params[key];
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TypeError(`missing path parameter '${key}'`);
    }
    return encodeURIComponent(value);
  });
}

function queryOf(query: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const { baseUrl, fetchImpl = fetch } = options;
  const attempts = Math.max(1, options.attempts ?? 3);
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let token: Promise<string> | undefined;

  async function send(route: RouteDefinition, url: string, init: RequestInit): Promise<Response> {
    const retries = IDEMPOTENT.has(route.method) ? attempts : 1;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetchImpl(url, init);
      } catch (error) {
        if (attempt < retries) {
          await sleep(backoff(attempt));
          continue;
        }
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const reason = cause?.code ?? cause?.message ?? String(error);
        throw new UnavailableError(`cannot reach ${baseUrl}: ${reason}`, { cause: error });
      }
      if (!RETRYABLE_STATUS.has(response.status) || attempt >= retries) return response;
      await response.body?.cancel();
      await sleep(retryAfterMs(response) ?? backoff(attempt));
    }
  }

  return {
    baseUrl,
    async call<R extends RouteDefinition>(route: R, input?: RouteInput<R>) {
      const given = (input ?? {}) as {
        params?: Record<string, unknown>;
        query?: Record<string, unknown>;
        body?: unknown;
        headers?: Record<string, string | undefined>;
      };
      const path = pathOf(route.path, given.params) + queryOf(given.query);
      const headers: Record<string, string> = {
        accept: 'application/json, application/problem+json',
      };
      if (route.auth === 'bearer')
        headers.authorization = `Bearer ${await (token ??= options.token())}`;
      for (const [name, value] of Object.entries(given.headers ?? {})) {
        if (value !== undefined) headers[name] = value;
      }
      if (given.body !== undefined) headers['content-type'] = 'application/json';
      const response = await send(route, `${baseUrl}${path}`, {
        method: route.method.toUpperCase(),
        headers,
        ...(given.body === undefined ? {} : { body: JSON.stringify(given.body) }),
      });
      const where = `${route.method.toUpperCase()} ${path}`;
      if (!response.ok) throw await errorOf(response, where);
      const schema = (route.responses[response.status] as { schema?: z.ZodType } | undefined)
        ?.schema;
      if (!schema) {
        await response.body?.cancel();
        return {
          status: response.status,
          headers: response.headers,
          body: undefined as SuccessBody<R>,
        };
      }
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) {
        throw new Error(`unexpected response from ${where}; is ${baseUrl} a Platform API?`);
      }
      return {
        status: response.status,
        headers: response.headers,
        body: parsed.data as SuccessBody<R>,
      };
    },
  };
}

const backoff = (attempt: number): number => Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** attempt);

/** `Retry-After` in seconds (the server sends seconds), capped so a CLI never hangs long. */
function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0
    ? Math.min(MAX_RETRY_WAIT_MS, seconds * 1000)
    : undefined;
}

/** The error a non-2xx answer stands for, with the server's `detail` as message. */
async function errorOf(response: Response, where: string): Promise<Error> {
  const problem = (await response.json().catch(() => undefined)) as
    { detail?: unknown; errors?: unknown } | undefined;
  const fromServer = typeof problem?.detail === 'string';
  const detail = fromServer
    ? String(problem.detail)
    : `${where} failed with HTTP ${response.status}`;
  if (response.status === 400 || response.status === 422) {
    return new RefusedInputError(detail, fieldErrorsOf(problem?.errors));
  }
  if (response.status >= 500) {
    return new UnavailableError(fromServer ? `${detail} (HTTP ${response.status})` : detail);
  }
  const ErrorClass = ERRORS[response.status];
  if (ErrorClass) return new ErrorClass(detail);
  return new Error(`${detail} (HTTP ${response.status})`);
}

function fieldErrorsOf(errors: unknown): FieldError[] {
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((error: unknown) => {
    const { path, message } = (error ?? {}) as { path?: unknown; message?: unknown };
    return typeof path === 'string' && typeof message === 'string' ? [{ path, message }] : [];
  });
}

import type { z } from 'zod';
import { ENV_VARS } from '../config/env-vars.js';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotAuthenticatedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  type FieldError,
  type PlatformError,
} from '../domain/errors.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

export interface ApiClientOptions {
  /** `http(s)://host[:port][/prefix]`, without a trailing slash. */
  readonly baseUrl: string;
  readonly token: string;
  readonly fetchImpl?: typeof fetch;
}

export interface ApiClient {
  readonly baseUrl: string;
  /**
   * Sends a request with the bearer token and parses a 2xx JSON body with `schema` (none:
   * the body is ignored). A problem+json answer becomes the matching `PlatformError`.
   */
  request<T>(
    method: string,
    path: string,
    options?: { body?: unknown; schema?: z.ZodType<T> },
  ): Promise<T>;
}

/**
 * Where and as whom the CLI talks: `--server`, else `PLATFORM_URL`, else
 * http://127.0.0.1:8080; the token from `PLATFORM_TOKEN`. Throws `InputError` when either
 * is unusable, before anything is sent.
 */
export function resolveClientOptions(
  flags: { server?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): ApiClientOptions {
  const url = flags.server ?? (env[ENV_VARS.url]?.trim() || DEFAULT_SERVER_URL);
  const token = env[ENV_VARS.token]?.trim();
  if (!token) {
    throw new InputError(
      `${ENV_VARS.token} is not set; export the bearer token there (never pass it as an argument)`,
    );
  }
  return { baseUrl: normaliseBaseUrl(url), token };
}

function normaliseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`server URL '${text}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`server URL '${text}' must start with http:// or https://`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(
      `server URL '${url.origin}…' must not carry credentials, a query or a fragment`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

const ERRORS: Record<number, new (message: string) => PlatformError> = {
  401: NotAuthenticatedError,
  403: NotAllowedError,
  404: NotFoundError,
  409: ConflictError,
  412: PreconditionFailedError,
  413: PayloadTooLargeError,
  415: UnsupportedMediaTypeError,
  503: UnavailableError,
};

export function createApiClient(options: ApiClientOptions): ApiClient {
  const { baseUrl, token, fetchImpl = fetch } = options;
  return {
    baseUrl,
    async request<T>(
      method: string,
      path: string,
      { body, schema }: { body?: unknown; schema?: z.ZodType<T> } = {},
    ): Promise<T> {
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/json, application/problem+json',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      let response: Response;
      try {
        response = await fetchImpl(`${baseUrl}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (error) {
        const reason = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
        throw new UnavailableError(`cannot reach ${baseUrl}: ${reason}`, { cause: error });
      }
      if (!response.ok) throw await errorOf(response, method, path);
      if (!schema) {
        await response.body?.cancel();
        return undefined as T;
      }
      const parsed = schema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) {
        throw new Error(
          `unexpected response from ${method} ${path}; is ${baseUrl} a Platform API?`,
        );
      }
      return parsed.data;
    },
  };
}

/** The platform error a non-2xx answer stands for, with the server's `detail` as message. */
async function errorOf(response: Response, method: string, path: string): Promise<Error> {
  const problem = (await response.json().catch(() => undefined)) as
    { detail?: unknown; errors?: unknown } | undefined;
  const detail =
    typeof problem?.detail === 'string'
      ? problem.detail
      : `${method} ${path} failed with HTTP ${response.status}`;
  if (response.status === 400 || response.status === 422) {
    return new InputError(detail, fieldErrorsOf(problem?.errors));
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

import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isPlatformError, type ErrorCode, type FieldError } from '../domain/errors.js';

/** RFC 9457 problem details, with `errors` for field-level validation problems. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly request_id?: string;
  readonly errors?: readonly FieldError[];
}

const STATUS: Record<ErrorCode, { status: ContentfulStatusCode; title: string }> = {
  INPUT: { status: 400, title: 'Bad Request' },
  NOT_AUTHENTICATED: { status: 401, title: 'Unauthorized' },
  NOT_ALLOWED: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not Found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition Failed' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Content Too Large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported Media Type' },
  UNAVAILABLE: { status: 503, title: 'Service Unavailable' },
  BAD_GATEWAY: { status: 502, title: 'Bad Gateway' },
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The kind of problem an error is answered as: its `ErrorCode` (`INPUT`, `NOT_FOUND`, …), or
 * `INTERNAL` for anything else (a 500). Every `type` is `about:blank` (the status names the
 * problem, RFC 9457 §4.2.1), so metrics and the audit log name problems by this instead.
 */
export function problemKindOf(error: unknown): ErrorCode | 'INTERNAL' {
  return isPlatformError(error) ? error.code : 'INTERNAL';
}

/** Maps any thrown value to a problem. Unknown errors become a 500 that reveals nothing. */
export function toProblem(
  error: unknown,
  context: { instance?: string; requestId?: string } = {},
): Problem {
  const common = {
    ...(context.instance === undefined ? {} : { instance: context.instance }),
    ...(context.requestId === undefined ? {} : { request_id: context.requestId }),
  };
  if (isPlatformError(error)) {
    const { status, title } = STATUS[error.code];
    const errors =
      'errors' in error && Array.isArray(error.errors) && error.errors.length > 0
        ? { errors: error.errors as FieldError[] }
        : {};
    return { type: 'about:blank', title, status, detail: error.message, ...common, ...errors };
  }
  return {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: 'The server failed to handle the request; the request id identifies it in the logs.',
    ...common,
  };
}

/**
 * The problem as a response. A 503 always carries `Retry-After` (RFC 9110 §10.2.3):
 * `retryAfterSeconds` from the `UnavailableError`, else one second.
 */
export function problemResponse(
  c: Context,
  problem: Problem,
  retryAfterSeconds?: number,
): Response {
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  if (problem.status === 503) headers['retry-after'] = String(retryAfterSeconds ?? 1);
  // RFC 6750 §3: a 401 names the scheme the client should use.
  if (problem.status === 401) headers['www-authenticate'] = 'Bearer realm="platform"';
  // The oversized body is left unread; closing the connection (RFC 9112 §9.6) keeps a
  // keep-alive client from sending its next request into a socket about to be dropped.
  if (problem.status === 413) headers.connection = 'close';
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, headers);
}

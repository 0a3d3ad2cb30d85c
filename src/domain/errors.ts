/**
 * The one error family of the platform. Every layer throws these; `http/problem.ts`
 * maps them to RFC 9457 problem+json and `cli/exit.ts` maps them to exit codes.
 * Programmer misuse throws a plain `TypeError` instead.
 */
export type ErrorCode =
  | 'INPUT'
  | 'NOT_AUTHENTICATED'
  | 'NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAVAILABLE'
  | 'BAD_GATEWAY';

/** A problem with one field of a document: `path` is dotted (`services.user-service`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export abstract class PlatformError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller sent something invalid. `errors` lists field-level problems, if any. */
export class InputError extends PlatformError {
  readonly code = 'INPUT';
  readonly errors: readonly FieldError[];

  constructor(message: string, errors: readonly FieldError[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.errors = errors;
  }
}

export class NotAuthenticatedError extends PlatformError {
  readonly code = 'NOT_AUTHENTICATED';
}

export class NotAllowedError extends PlatformError {
  readonly code = 'NOT_ALLOWED';
}

export class NotFoundError extends PlatformError {
  readonly code = 'NOT_FOUND';
}

export class ConflictError extends PlatformError {
  readonly code = 'CONFLICT';
}

/** A conditional request (`If-Match`) did not match the current version. */
export class PreconditionFailedError extends PlatformError {
  readonly code = 'PRECONDITION_FAILED';
}

export class PayloadTooLargeError extends PlatformError {
  readonly code = 'PAYLOAD_TOO_LARGE';
}

export class UnsupportedMediaTypeError extends PlatformError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
}

/** A dependency (store, index) is not ready or not reachable; the caller may retry. */
export class UnavailableError extends PlatformError {
  readonly code = 'UNAVAILABLE';
  /** How long the caller should wait before retrying: the 503's `Retry-After`. */
  readonly retryAfterSeconds: number;

  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 1;
  }
}

/**
 * A dependency answered but refused us (the store denied access): retrying will not help,
 * an operator must fix credentials or policy. The message names the resource and operation.
 */
export class BadGatewayError extends PlatformError {
  readonly code = 'BAD_GATEWAY';
}

export function isPlatformError(error: unknown): error is PlatformError {
  return error instanceof PlatformError;
}

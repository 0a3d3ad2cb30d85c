import { BadGatewayError, isPlatformError, UnavailableError } from '../../domain/errors.js';

/** What the SDK's errors carry that the mapping needs. */
interface SdkError {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests']);
const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch']);

/** The HTTP status of an S3 answer, `undefined` when none came (network, timeout). */
export function statusOf(error: unknown): number | undefined {
  return (error as SdkError | undefined)?.$metadata?.httpStatusCode;
}

export function isNotFound(error: unknown): boolean {
  const name = (error as SdkError | undefined)?.name;
  return statusOf(error) === 404 || name === 'NoSuchKey' || name === 'NotFound';
}

/**
 * Maps a failed S3 call to the platform's errors: store faults the client may retry
 * (unreachable, timeout, 5xx, throttling) become `UnavailableError` (503 + `Retry-After`);
 * a refusal an operator must fix (access denied, bad keys, missing bucket) becomes
 * `BadGatewayError` (502) naming the operation and `bucket/key`. Credentials never appear:
 * the SDK's messages name the access key id at most, and we do not copy them.
 */
export function toStoreError(error: unknown, operation: string, resource: string): unknown {
  if (isPlatformError(error) || error instanceof TypeError) return error;
  const sdk = error as SdkError | undefined;
  const name = sdk?.name ?? 'Error';
  const status = statusOf(error);
  if (DENIED.has(name) || status === 403) {
    return new BadGatewayError(`the S3 store denied ${operation} on ${resource} (${name})`, {
      cause: error,
    });
  }
  if (name === 'NoSuchBucket') {
    return new BadGatewayError(`${operation} on ${resource}: the bucket does not exist`, {
      cause: error,
    });
  }
  const throttled = THROTTLING.has(name) || status === 429 || sdk?.$retryable?.throttling === true;
  if (throttled || status === undefined || status >= 500 || status === 408) {
    return new UnavailableError(
      `the S3 store failed ${operation} on ${resource} (${status ?? name}); retry shortly`,
      // A throttled store asks for room: back off longer than for a blip.
      { cause: error, retryAfterSeconds: throttled || status === 503 ? 5 : 1 },
    );
  }
  return error;
}

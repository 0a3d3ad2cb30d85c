import { S3Client } from '@aws-sdk/client-s3';

export interface S3ConnectionOptions {
  /** Omit for AWS. */
  readonly endpoint?: string | undefined;
  readonly region: string;
  readonly forcePathStyle: boolean;
  /** For tests; production uses the standard AWS chain (env, profile, web identity). */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The two clients the store uses: reads retried by the SDK, conditional writes not. */
export interface S3Clients {
  readonly read: S3Client;
  readonly write: S3Client;
}

/**
 * Builds the clients. Reads (GET, HEAD, LIST) use
 * the SDK's standard retry strategy: exponential backoff with full jitter, 3 attempts.
 * Writes and deletes get one attempt: if a create reached the store and only its answer was
 * lost, a blind retry would meet our own object and report a false 412 (a conflict with
 * ourselves); surfacing `UnavailableError` lets the caller re-read and decide instead.
 */
export function createS3Clients(options: S3ConnectionOptions): S3Clients {
  const common = {
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    // The SDK's default CRC checksums make a streamed PUT fail on Ceph RGW 16; S3 asks
    // for them only on the few calls that require them.
    requestChecksumCalculation: 'WHEN_REQUIRED' as const,
    responseChecksumValidation: 'WHEN_REQUIRED' as const,
    // Bounded waits: a hung store is a 503 within seconds, not a stuck request.
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
  };
  return {
    read: new S3Client({ ...common, maxAttempts: 3, retryMode: 'standard' }),
    write: new S3Client({ ...common, maxAttempts: 1 }),
  };
}

import { describe, expect, it } from 'vitest';
import { BadGatewayError, ConflictError, UnavailableError } from '../../domain/errors.js';
import { toProblem } from '../../http/problem.js';
import { toStoreError } from './s3-errors.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(name), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
  });

describe('S3 error mapping', () => {
  it('maps access denied to a 502 naming the bucket and operation', () => {
    const error = toStoreError(sdkError('AccessDenied', 403), 'create', 'environments/a.json');
    expect(error).toBeInstanceOf(BadGatewayError);
    const problem = toProblem(error);
    expect(problem.status).toBe(502);
    expect(problem.detail).toBe('the S3 store denied create on environments/a.json (AccessDenied)');
  });

  it('maps network errors, 5xx and throttling to UnavailableError with a retry hint', () => {
    const network = toStoreError(
      Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }),
      'read',
      'b/k',
    );
    expect(network).toBeInstanceOf(UnavailableError);
    expect((network as UnavailableError).retryAfterSeconds).toBe(1);
    expect(toStoreError(sdkError('InternalError', 500), 'read', 'b/k')).toBeInstanceOf(
      UnavailableError,
    );
    const slow = toStoreError(sdkError('SlowDown', 503), 'create', 'b/k') as UnavailableError;
    expect(slow).toBeInstanceOf(UnavailableError);
    expect(slow.retryAfterSeconds).toBe(5);
    expect(toProblem(slow).status).toBe(503);
  });

  it('passes platform errors and unmapped client errors through', () => {
    const conflict = new ConflictError('exists');
    expect(toStoreError(conflict, 'create', 'b/k')).toBe(conflict);
    const bad = sdkError('InvalidArgument', 400);
    expect(toStoreError(bad, 'create', 'b/k')).toBe(bad);
  });
});

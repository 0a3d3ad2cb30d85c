import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { statusOf, toStoreError } from './s3-errors.js';

/**
 * Whether the store honours `If-None-Match: *` and `If-Match` on PUT, tried on a canary
 * key under a prefix (never listed as a claim) that is removed afterwards: create it, create
 * it again (must be refused), replace it with a wrong etag (must be refused). A store that
 * ignores the headers answers 200 to all three. Faults of the store itself are thrown.
 */
export async function probeConditionalWrites(client: S3Client, bucket: string): Promise<boolean> {
  const Key = `.platform-probe/${randomUUID()}`;
  const put = async (condition: { IfNoneMatch?: string; IfMatch?: string }): Promise<boolean> => {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'probe', ...condition }));
      return true;
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 409) return false;
      throw toStoreError(error, 'the conditional-write probe', `${bucket}/${Key}`);
    }
  };
  try {
    if (!(await put({ IfNoneMatch: '*' }))) return false;
    const createRefused = !(await put({ IfNoneMatch: '*' }));
    const replaceRefused = !(await put({ IfMatch: 'platform-probe-wrong-etag' }));
    return createRefused && replaceRefused;
  } finally {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key })).catch(() => undefined);
  }
}

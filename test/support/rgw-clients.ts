import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { vi } from 'vitest';
import type { RgwEndpoint } from './ceph-rgw.js';

/** The platform's S3 connection options for the test gateway, credentials included. */
export function rgwConnection(endpoint: RgwEndpoint) {
  return {
    endpoint: endpoint.endpoint,
    region: endpoint.region,
    forcePathStyle: true,
    credentials: { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
  };
}

/**
 * A plain SDK client on the test gateway, for what tests do behind the platform's back
 * (buckets, direct uploads). Checksums only where S3 requires them: Ceph RGW 16 refuses
 * the SDK's default on streamed PUTs.
 */
export function rgwClient(endpoint: RgwEndpoint): S3Client {
  return new S3Client({
    ...rgwConnection(endpoint),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * Readies a test file's platform on the gateway: the credentials in the environment (the
 * platform reads only the standard AWS chain, as in production), the given buckets
 * created, and a client for the test's own direct writes.
 */
export async function prepareS3(
  endpoint: RgwEndpoint,
  buckets: Readonly<Record<string, string>>,
): Promise<S3Client> {
  vi.stubEnv('AWS_ACCESS_KEY_ID', endpoint.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', endpoint.secretAccessKey);
  const client = rgwClient(endpoint);
  for (const Bucket of Object.values(buckets)) {
    await client.send(new CreateBucketCommand({ Bucket }));
  }
  return client;
}

/** The `store:` section of a platform config on `endpoint` (a gateway, or a proxy of one). */
export function s3StoreYaml(options: {
  endpoint: string;
  region: string;
  buckets: { environments: string; staticEnvironments: string; rendered?: string };
}): string {
  const { environments, staticEnvironments, rendered } = options.buckets;
  return [
    'store:',
    '  type: s3',
    '  s3:',
    `    endpoint: ${options.endpoint}`,
    `    region: ${options.region}`,
    '    forcePathStyle: true',
    `    buckets: { environments: ${environments}, staticEnvironments: ${staticEnvironments}${rendered === undefined ? '' : `, rendered: ${rendered}`} }`,
    '',
  ].join('\n');
}

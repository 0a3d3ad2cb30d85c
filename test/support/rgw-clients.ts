import { S3Client } from '@aws-sdk/client-s3';
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

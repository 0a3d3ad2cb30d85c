import { createHmac } from 'node:crypto';
import type { RgwEndpoint } from './ceph-rgw.js';

/**
 * Creates an RGW topic through its SNS-compatible API (docs/configuration.md, "Bucket event
 * notifications") pushing to `pushEndpoint`, and returns its ARN for
 * `PutBucketNotificationConfiguration`.
 * The project has no SNS client, and RGW accepts AWS signature v2: one HMAC over a few lines.
 *
 * Inline topics (the default) are pushed before RGW answers the PutObject. A new
 * `persistent` topic's queue is picked up by RGW 16.2's notification manager only after
 * 20–30 s (measured here: the first event visible after 21.6 s and 28.4 s, the next ones in
 * about 0.1 s), a delay of RGW's queue set-up, not of the platform.
 */
export async function createRgwTopic(
  rgw: Pick<RgwEndpoint, 'endpoint' | 'accessKeyId' | 'secretAccessKey'>,
  options: { name: string; pushEndpoint: string; persistent?: boolean },
): Promise<string> {
  const body = new URLSearchParams({
    Action: 'CreateTopic',
    Name: options.name,
    'Attributes.entry.1.key': 'push-endpoint',
    'Attributes.entry.1.value': options.pushEndpoint,
    'Attributes.entry.2.key': 'persistent',
    'Attributes.entry.2.value': String(options.persistent ?? false),
  }).toString();
  const contentType = 'application/x-www-form-urlencoded';
  const date = new Date().toUTCString();
  const signature = createHmac('sha1', rgw.secretAccessKey)
    .update(`POST\n\n${contentType}\n${date}\n/`)
    .digest('base64');
  const response = await fetch(`${rgw.endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      date,
      authorization: `AWS ${rgw.accessKeyId}:${signature}`,
    },
    body,
  });
  const text = await response.text();
  const arn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(text)?.[1];
  if (!response.ok || arn === undefined) {
    throw new Error(`CreateTopic failed (${response.status}): ${text}`);
  }
  return arn;
}

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { problemSchema } from '../../src/api/schemas/environments.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

const SECRET = 'bucket-events-secret-9f3a';
const PATH = '/api/v1/bucket-events';

const claim = (name: string) => ({
  environment_name: name,
  environment_type: 'dev',
  environment_pool: 'team1',
  user: 'carol@example.com',
  creation_date: '2026-01-01T00:00:00Z',
});

const record = (eventName: string, bucket: string, key: string, eventSource: string) => ({
  eventVersion: '2.1',
  eventSource,
  awsRegion: 'us-east-1',
  eventTime: '2026-01-15T10:30:00.000Z',
  eventName,
  userIdentity: { principalId: 'tester' },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'platform',
    bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
    object: { key, size: 120, eTag: '37b51d194a7513e45b56f6524f2d51f2', sequencer: '17A3F0' },
  },
});

const minio = (eventName: string, bucket: string, key: string) => ({
  EventName: eventName,
  Key: `${bucket}/${key}`,
  Records: [record(eventName, bucket, encodeURIComponent(key), 'minio:s3')],
});

let platform: TestPlatform;
let logLines: string[];

/** A platform that notices bucket changes only through events (no watch, a 1 h resync). */
async function start(env: Record<string, string> = { PLATFORM_BUCKET_EVENTS_TOKEN: SECRET }) {
  logLines = [];
  platform = await createTestPlatform({
    configYaml: 'store:\n  watch: false\n',
    resyncIntervalMs: 3_600_000,
    env,
    logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
  });
  await platform.start();
}

async function writeClaim(bucket: string, name: string): Promise<void> {
  await mkdir(join(platform.bucketsDir, bucket), { recursive: true });
  await writeFile(join(platform.bucketsDir, bucket, `${name}.json`), JSON.stringify(claim(name)));
}

function post(
  body: unknown,
  options: { token?: string | null; query?: string; type?: string } = {},
) {
  return platform.call('POST', `${PATH}${options.query ?? ''}`, {
    raw: typeof body === 'string' ? body : JSON.stringify(body),
    token: options.token === undefined ? SECRET : options.token,
    headers: { 'content-type': options.type ?? 'application/json' },
  });
}

/** The environment's status code through the API, once it is `status` (or the last seen). */
async function eventually(name: string, status: number): Promise<number> {
  let seen = 0;
  for (let i = 0; i < 100; i++) {
    seen = (await platform.call('GET', `/api/v1/environments/${name}`)).status;
    if (seen === status) return seen;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen;
}

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return problemSchema.parse(await response.json());
}

afterEach(async () => {
  await platform.close();
});

describe('POST /api/v1/bucket-events', () => {
  beforeEach(() => start());

  it('re-reads the key of a MinIO webhook event: a claim uploaded out of band appears, then goes', async () => {
    await writeClaim('environments', 'dev-minio');
    expect((await platform.call('GET', '/api/v1/environments/dev-minio')).status).toBe(404);
    const created = await post(minio('s3:ObjectCreated:Put', 'environments', 'dev-minio.json'));
    expect(created.status).toBe(200);
    expect(await created.json()).toEqual({ accepted: 1, ignored: 0 });
    expect(await eventually('dev-minio', 200)).toBe(200);

    await rm(join(platform.bucketsDir, 'environments', 'dev-minio.json'));
    const removed = await post(minio('s3:ObjectRemoved:Delete', 'environments', 'dev-minio.json'));
    expect(await removed.json()).toEqual({ accepted: 1, ignored: 0 });
    expect(await eventually('dev-minio', 404)).toBe(404);
  });

  it('takes a Ceph RGW push with the secret in the query, for the static bucket too', async () => {
    await writeClaim('static-environments', 'dev-rgw');
    const body = {
      Records: [record('ObjectCreated:Put', 'static-environments', 'dev-rgw.json', 'ceph:s3')],
    };
    const response = await post(body, { token: null, query: `?token=${SECRET}` });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 1, ignored: 0 });
    expect(await eventually('dev-rgw', 200)).toBe(200);
  });

  it('takes an SNS notification posted as text/plain', async () => {
    await writeClaim('environments', 'dev-sns');
    const body = {
      Type: 'Notification',
      MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:platform',
      Message: JSON.stringify({
        Records: [record('ObjectCreated:Put', 'environments', 'dev-sns.json', 'aws:s3')],
      }),
    };
    const response = await post(body, {
      token: null,
      query: `?token=${SECRET}`,
      type: 'text/plain; charset=UTF-8',
    });
    expect(response.status).toBe(200);
    expect(await eventually('dev-sns', 200)).toBe(200);
  });

  it('answers an SNS SubscriptionConfirmation without fetching anything, and logs it', async () => {
    const response = await post(
      {
        Type: 'SubscriptionConfirmation',
        TopicArn: 'arn:aws:sns:us-east-1:123456789012:platform',
        Token: '2336412f37f',
        SubscribeURL:
          'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:platform&Token=2336412f37f',
      },
      { type: 'text/plain; charset=UTF-8' },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 0, ignored: 0 });
    expect(logLines.some((line) => line.includes('awaits confirmation'))).toBe(true);
  });

  it('ignores other buckets, keys under a prefix and other event types, counting them', async () => {
    await writeClaim('environments', 'dev-other');
    const body = {
      Records: [
        record('s3:ObjectCreated:Put', 'platform-rendered', 'dev-other.json', 'minio:s3'),
        record('s3:ObjectCreated:Put', 'environments', 'archive%2Fdev-other.json', 'minio:s3'),
        record('s3:ObjectAccessed:Get', 'environments', 'dev-other.json', 'minio:s3'),
      ],
    };
    const response = await post(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ accepted: 0, ignored: 3 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await platform.call('GET', '/api/v1/environments/dev-other')).status).toBe(404);
  });

  it('refuses a wrong, missing or user token with 401 and re-reads nothing', async () => {
    await writeClaim('environments', 'dev-401');
    const event = minio('s3:ObjectCreated:Put', 'environments', 'dev-401.json');
    for (const options of [
      { token: 'wrong' },
      { token: null },
      { token: 'alice-test-token' },
      { token: null, query: '?token=wrong' },
      { token: 'wrong', query: `?token=${SECRET}` },
    ]) {
      const response = await post(event, options);
      expect(response.status, JSON.stringify(options)).toBe(401);
      expect((await problemOf(response)).status).toBe(401);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await platform.call('GET', '/api/v1/environments/dev-401')).status).toBe(404);
  });

  it('refuses a malformed body with 400 and acts on none of its records', async () => {
    await writeClaim('environments', 'dev-400');
    const good = record('s3:ObjectCreated:Put', 'environments', 'dev-400.json', 'minio:s3');
    for (const body of [
      '{"Records": [',
      '',
      { Records: [good, { eventName: 's3:ObjectCreated:Put' }] },
      { Records: [good, record('s3:ObjectCreated:Put', 'environments', '%zz.json', 'minio:s3')] },
      { Type: 'Notification', Message: 'not json' },
    ]) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await problemOf(response)).status).toBe(400);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await platform.call('GET', '/api/v1/environments/dev-400')).status).toBe(404);
  });

  it('never logs the query token', async () => {
    await post(minio('s3:ObjectCreated:Put', 'environments', 'x.json'), {
      token: null,
      query: `?token=${SECRET}`,
    });
    await post({ Records: 'no' }, { token: null, query: `?token=${SECRET}&x=1` });
    await post({}, { token: null, query: `?token=wrong-${SECRET}` });
    const requests = logLines.filter((line) => line.includes(PATH));
    expect(requests).toHaveLength(3);
    for (const line of logLines) expect(line).not.toContain(SECRET);
  });
});

describe('POST /api/v1/bucket-events without PLATFORM_BUCKET_EVENTS_TOKEN', () => {
  it('answers 404 to everyone, the secret or a user token alike', async () => {
    await start({});
    for (const token of [SECRET, 'alice-test-token', null]) {
      const response = await post(minio('s3:ObjectCreated:Put', 'environments', 'a.json'), {
        token,
      });
      expect(response.status).toBe(404);
      expect((await problemOf(response)).detail).toMatch(/not enabled/);
    }
  });
});

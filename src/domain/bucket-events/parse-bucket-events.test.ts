import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import {
  decodeEventKey,
  isChangeEvent,
  parseBucketNotification,
  type BucketNotification,
} from './parse-bucket-events.js';

/** How AWS S3 and MinIO put a key into a record: form-style URL encoding. */
const formEncode = (key: string, keepSlash = false): string => {
  const encoded = encodeURIComponent(key).replaceAll('%20', '+');
  return keepSlash ? encoded.replaceAll('%2F', '/') : encoded;
};

const record = (eventName: string, bucket: string, key: string, eventSource = 'minio:s3') => ({
  eventVersion: '2.0',
  eventSource,
  awsRegion: '',
  eventTime: '2026-01-15T10:30:00.000Z',
  eventName,
  userIdentity: { principalId: 'minioadmin' },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'Config',
    bucket: {
      name: bucket,
      ownerIdentity: { principalId: 'minioadmin' },
      arn: `arn:aws:s3:::${bucket}`,
    },
    object: { key, size: 120, eTag: 'f22d66a7d0dbbc4a7cf1122eeeb1a106', sequencer: '17A3F0' },
  },
});

const hintsOf = (result: BucketNotification) => {
  expect(result.kind).toBe('events');
  return result.kind === 'events' ? result : { hints: [], ignored: -1 };
};

describe('isChangeEvent', () => {
  it('takes creates and removes with or without the s3: prefix, and nothing else', () => {
    for (const name of [
      'ObjectCreated:Put',
      's3:ObjectCreated:Put',
      's3:ObjectCreated:CompleteMultipartUpload',
      'ObjectRemoved:Delete',
      's3:ObjectRemoved:DeleteMarkerCreated',
      'LifecycleExpiration:Delete',
      'ObjectLifecycle:Expiration:Current',
    ]) {
      expect(isChangeEvent(name), name).toBe(true);
    }
    for (const name of [
      's3:ObjectAccessed:Get',
      'ObjectTagging:Put',
      's3:TestEvent',
      'ObjectCreated',
      'ObjectCreated:',
      'xs3:ObjectCreated:Put',
      '',
    ]) {
      expect(isChangeEvent(name), name).toBe(false);
    }
  });
});

describe('decodeEventKey', () => {
  it('decodes AWS and MinIO keys form-style: + is a space, %2B a plus, %2F a slash', () => {
    expect(decodeEventKey('my+env.json', 'aws:s3')).toBe('my env.json');
    expect(decodeEventKey('a%2Bb.json', 'minio:s3')).toBe('a+b.json');
    expect(decodeEventKey('test%2Fkey', 'aws:s3')).toBe('test/key');
    expect(decodeEventKey('caf%C3%A9.json', undefined)).toBe('café.json');
  });

  it('takes Ceph RGW keys as they are (RGW does not encode them)', () => {
    expect(decodeEventKey('a+b%2F.json', 'ceph:s3')).toBe('a+b%2F.json');
  });

  it('refuses broken percent-encoding', () => {
    expect(decodeEventKey('%E0%A4%A.json', 'aws:s3')).toBeUndefined();
    expect(decodeEventKey('100%.json', 'minio:s3')).toBeUndefined();
  });

  it('inverts form encoding for any key: spaces, slashes, unicode, plus and percent signs', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), fc.boolean(), (key, keepSlash) => {
        expect(decodeEventKey(formEncode(key, keepSlash), 'aws:s3')).toBe(key);
        expect(decodeEventKey(key, 'ceph:s3')).toBe(key);
      }),
    );
  });
});

describe('parseBucketNotification', () => {
  it('reads a MinIO webhook body', () => {
    const body = {
      EventName: 's3:ObjectCreated:Put',
      Key: 'environments/sue poc.json',
      Records: [record('s3:ObjectCreated:Put', 'environments', 'sue+poc.json')],
    };
    expect(parseBucketNotification(body)).toEqual({
      kind: 'events',
      hints: [{ bucketName: 'environments', key: 'sue poc.json' }],
      ignored: 0,
    });
  });

  it('reads a Ceph RGW push (eventName with or without s3:, raw key)', () => {
    const body = {
      Records: [
        record('ObjectCreated:Put', 'claims', 'a+b.json', 'ceph:s3'),
        record('s3:ObjectRemoved:Delete', 'claims', 'c.json', 'ceph:s3'),
      ],
    };
    expect(hintsOf(parseBucketNotification(body)).hints).toEqual([
      { bucketName: 'claims', key: 'a+b.json' },
      { bucketName: 'claims', key: 'c.json' },
    ]);
  });

  it('reads an SNS notification whose Message is the S3 event', () => {
    const body = {
      Type: 'Notification',
      MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
      TopicArn: 'arn:aws:sns:us-west-2:123456789012:platform',
      Subject: 'Amazon S3 Notification',
      Message: JSON.stringify({
        Records: [record('ObjectRemoved:Delete', 'prod-envs', 'sue%2Dpoc.json', 'aws:s3')],
      }),
      Timestamp: '2026-01-15T10:30:00.000Z',
      SignatureVersion: '1',
    };
    expect(hintsOf(parseBucketNotification(body)).hints).toEqual([
      { bucketName: 'prod-envs', key: 'sue-poc.json' },
    ]);
  });

  it('reads the SNS handshake and the S3 test event as carrying no events', () => {
    const confirmation = {
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token: '2336412f37f',
      TopicArn: 'arn:aws:sns:us-west-2:123456789012:platform',
      Message: 'You have chosen to subscribe to the topic …',
      SubscribeURL:
        'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:platform&Token=2336412f37f',
    };
    expect(parseBucketNotification(confirmation)).toMatchObject({
      kind: 'SubscriptionConfirmation',
      topicArn: 'arn:aws:sns:us-west-2:123456789012:platform',
    });
    const test = { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'prod-envs' };
    expect(
      parseBucketNotification({ Type: 'Notification', Message: JSON.stringify(test) }),
    ).toEqual({ kind: 'events', hints: [], ignored: 0 });
  });

  it('counts events that are not creates or removes as ignored', () => {
    const body = {
      Records: [
        record('s3:ObjectAccessed:Get', 'environments', 'a.json'),
        record('s3:ObjectCreated:Copy', 'environments', 'b.json'),
      ],
    };
    expect(parseBucketNotification(body)).toEqual({
      kind: 'events',
      hints: [{ bucketName: 'environments', key: 'b.json' }],
      ignored: 1,
    });
  });

  it('refuses malformed bodies naming the field', () => {
    const cases: [unknown, string | undefined][] = [
      [null, undefined],
      [[], undefined],
      ['Records', undefined],
      [{}, 'Records'],
      [{ Records: {} }, 'Records'],
      [{ Records: [{ eventName: 'ObjectCreated:Put' }] }, 'Records.0.s3'],
      [{ Records: [record('ObjectCreated:Put', '', 'a.json')] }, 'Records.0.s3.bucket.name'],
      [{ Records: [record('ObjectCreated:Put', 'b', '%zz')] }, 'Records.0.s3.object.key'],
      [{ Type: 'Notification', Message: '{not json' }, 'Message'],
      [{ Type: 'Notification', Message: '{"Records":[{}]}' }, 'Message.Records.0.eventName'],
      [{ Type: 'Notification' }, 'Message'],
      [{ Type: 'SubscriptionConfirmation' }, 'TopicArn'],
      [{ Type: 'Surprise' }, 'Type'],
    ];
    for (const [body, path] of cases) {
      let error: unknown;
      try {
        parseBucketNotification(body);
      } catch (thrown) {
        error = thrown;
      }
      expect(error, JSON.stringify(body)).toBeInstanceOf(InputError);
      if (path !== undefined) {
        expect(
          (error as InputError).errors.map((e) => e.path),
          JSON.stringify(body),
        ).toContain(path);
      }
    }
  });

  it('returns one hint per change record for any bucket and key (property)', () => {
    const anyRecord = fc.record({
      eventName: fc.constantFrom(
        's3:ObjectCreated:Put',
        'ObjectRemoved:Delete',
        's3:ObjectAccessed:Get',
      ),
      bucket: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{2,20}$/),
      key: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
      source: fc.constantFrom('aws:s3', 'minio:s3', 'ceph:s3'),
    });
    fc.assert(
      fc.property(fc.array(anyRecord, { maxLength: 20 }), (records) => {
        const body = {
          Records: records.map((r) =>
            record(
              r.eventName,
              r.bucket,
              r.source === 'ceph:s3' ? r.key : formEncode(r.key),
              r.source,
            ),
          ),
        };
        const result = hintsOf(parseBucketNotification(body));
        const changes = records.filter((r) => !r.eventName.includes('Accessed'));
        expect(result.hints).toEqual(changes.map((r) => ({ bucketName: r.bucket, key: r.key })));
        expect(result.ignored).toBe(records.length - changes.length);
      }),
    );
  });
});

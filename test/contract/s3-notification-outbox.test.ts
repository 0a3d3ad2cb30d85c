import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createS3NotificationOutbox } from '../../src/adapters/s3-store/s3-notification-outbox.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { notificationEvent } from '../../src/domain/notifications/notification-event.js';
import { rgwClient, rgwConnection } from '../support/rgw-clients.js';
import { rejectionOf } from '../support/thrown.js';
import { useRgw } from '../support/use-rgw.js';
import { describeNotificationOutboxContract } from './notification-outbox-contract.js';

const rgw = useRgw();

describeNotificationOutboxContract('s3 (Ceph RGW)', async () => {
  const client = rgwClient(rgw.current);
  const bucket = `outbox-${randomBytes(4).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const open = () =>
    Promise.resolve(createS3NotificationOutbox({ connection: rgwConnection(rgw.current), bucket }));
  return {
    outbox: await open(),
    reopen: open,
    async writeDamaged(sink) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `notifications/pending/${sink}/expiring-broken-0000000000000000.json`,
          Body: '{ not json',
        }),
      );
    },
    close: () => Promise.resolve(client.destroy()),
  };
});

it('s3 outbox: an unreachable store is a 503', async () => {
  const outbox = createS3NotificationOutbox({
    connection: { ...rgwConnection(rgw.current), endpoint: 'http://127.0.0.1:9' },
    bucket: 'any',
  });
  const failure = await rejectionOf(
    outbox.add({
      sink: 'ops',
      event: notificationEvent({
        type: 'created',
        subject: {
          environment: 'sue-a',
          environment_type: 'sue',
          pool: 'checkout',
          user: 'alice',
          expires_at: null,
        },
        time: '2026-01-15T10:00:00Z',
        occurrence: 'etag',
      }),
    }),
  );
  expect(failure).toBeInstanceOf(UnavailableError);
});

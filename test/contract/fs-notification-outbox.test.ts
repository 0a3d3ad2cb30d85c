import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createFsNotificationOutbox } from '../../src/adapters/fs-notification-outbox/fs-notification-outbox.js';
import { UnavailableError } from '../../src/domain/errors.js';
import { describeNotificationOutboxContract } from './notification-outbox-contract.js';
import { rejectionOf } from '../support/thrown.js';

describeNotificationOutboxContract('fs', async () => {
  const root = await mkdtemp(join(tmpdir(), 'outbox-contract-'));
  return {
    outbox: await createFsNotificationOutbox(root),
    reopen: () => createFsNotificationOutbox(root),
    async writeDamaged(sink) {
      const dir = join(root, 'notifications', 'pending', sink);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'expiring-broken-0000000000000000.json'), '{ not json');
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
});

it('fs outbox: a directory it cannot write is a 503, not a crash', async () => {
  const root = await mkdtemp(join(tmpdir(), 'outbox-fault-'));
  try {
    const outbox = await createFsNotificationOutbox(root);
    await rm(join(root, 'notifications'), { recursive: true });
    // A file where the directory must be: every write fails with ENOTDIR.
    await writeFile(join(root, 'notifications'), 'not a directory');
    const failure = await rejectionOf(
      outbox.add({
        sink: 'ops',
        event: {
          id: 'created-sue-a-0123456789abcdef',
          type: 'created',
          environment: 'sue-a',
          environment_type: 'sue',
          pool: 'checkout',
          user: 'alice',
          expires_at: null,
          time: '2026-01-15T10:00:00Z',
        },
      }),
    );
    expect(failure).toBeInstanceOf(UnavailableError);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

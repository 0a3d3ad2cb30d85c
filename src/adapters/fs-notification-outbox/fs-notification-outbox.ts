import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { notificationEventSchema } from '../../domain/notifications/notification-event.js';
import type { NotificationOutbox, OutboxDelivery } from '../../ports/notification-outbox.js';
import { isTempName, publishIfAbsent, writeTemp } from '../fs-store/atomic-write.js';
import { guardFs } from '../fs-store/fs-faults.js';
import { parseJsonOrUndefined } from '../../domain/shared/parse-json.js';
import { deliveredMarkerBody, markerExpired } from '../../domain/notifications/delivered-marker.js';

/** The directory beside the claim buckets: `<root>/notifications/{pending,delivered}/<sink>/`. */
export const NOTIFICATIONS_DIRECTORY = 'notifications';

const SEGMENT = /^[a-z0-9][a-z0-9-]*$/;

function assertSegment(segment: string, what: string): void {
  if (!SEGMENT.test(segment))
    throw new TypeError(`not a valid ${what}: ${JSON.stringify(segment)}`);
}

const isMissing = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/**
 * The embedded default outbox: one JSON file per pending delivery, created with link(2) so
 * that of concurrent adds of one id exactly one wins, each write fsynced (temp file + link)
 * before `add` resolves. A delivered marker holds its `keepUntil`. File-system faults are
 * `UnavailableError` (503), as for the claim store.
 */
export async function createFsNotificationOutbox(root: string): Promise<NotificationOutbox> {
  const base = join(root, NOTIFICATIONS_DIRECTORY);
  const pendingDir = join(base, 'pending');
  const deliveredDir = join(base, 'delivered');
  await Promise.all([
    mkdir(pendingDir, { recursive: true }),
    mkdir(deliveredDir, { recursive: true }),
  ]);
  const pathOf = (dir: string, { sink, event }: OutboxDelivery): string => {
    assertSegment(sink, 'sink name');
    assertSegment(event.id, 'event id');
    return join(dir, sink, `${event.id}.json`);
  };
  const exists = (path: string): Promise<boolean> =>
    readFile(path).then(
      () => true,
      (error: unknown) => {
        if (isMissing(error)) return false;
        throw error;
      },
    );
  const removeIfThere = (path: string): Promise<void> =>
    unlink(path).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
  async function create(path: string, body: Uint8Array): Promise<boolean> {
    await mkdir(join(path, '..'), { recursive: true });
    return publishIfAbsent(await writeTemp(path, body), path);
  }
  async function jsonFiles(dir: string): Promise<{ sink: string; path: string }[]> {
    const sinks = await readdir(dir).catch((error: unknown) => {
      if (isMissing(error)) return [];
      throw error;
    });
    const files: { sink: string; path: string }[] = [];
    for (const sink of sinks.sort()) {
      if (!SEGMENT.test(sink)) continue;
      const names = await readdir(join(dir, sink)).catch((error: unknown) => {
        if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
        throw error;
      });
      for (const name of names.sort()) {
        if (!isTempName(name) && name.endsWith('.json'))
          files.push({ sink, path: join(dir, sink, name) });
      }
    }
    return files;
  }

  return {
    location: base,

    add(delivery) {
      return guardFs('queue', `${NOTIFICATIONS_DIRECTORY}/pending/${delivery.sink}`, async () => {
        const marker = pathOf(deliveredDir, delivery);
        if (await exists(marker)) return false;
        const body = Buffer.from(`${JSON.stringify(delivery.event)}\n`, 'utf8');
        if (!(await create(pathOf(pendingDir, delivery), body))) return false;
        // Delivered and marked between the check and the create: take the copy back.
        if (await exists(marker)) {
          await removeIfThere(pathOf(pendingDir, delivery));
          return false;
        }
        return true;
      });
    },

    pending(limit) {
      return guardFs('read', `${NOTIFICATIONS_DIRECTORY}/pending`, async () => {
        const found: OutboxDelivery[] = [];
        for (const { sink, path } of await jsonFiles(pendingDir)) {
          if (found.length >= limit) break;
          const text = await readFile(path, 'utf8').catch((error: unknown) => {
            if (isMissing(error)) return undefined;
            throw error;
          });
          if (text === undefined) continue;
          const parsed = notificationEventSchema.safeParse(parseJsonOrUndefined(text));
          // A damaged file is left for an operator; one bad document must not stop the queue.
          if (parsed.success) found.push({ sink, event: parsed.data });
        }
        return found;
      });
    },

    complete(delivery, keepUntil) {
      return guardFs(
        'complete',
        `${NOTIFICATIONS_DIRECTORY}/pending/${delivery.sink}`,
        async () => {
          if (keepUntil !== undefined) {
            const body = Buffer.from(deliveredMarkerBody(keepUntil));
            await create(pathOf(deliveredDir, delivery), body);
          }
          await removeIfThere(pathOf(pendingDir, delivery));
        },
      );
    },

    prune(now) {
      return guardFs('prune', `${NOTIFICATIONS_DIRECTORY}/delivered`, async () => {
        let removed = 0;
        for (const { path } of await jsonFiles(deliveredDir)) {
          const text = await readFile(path, 'utf8').catch(() => undefined);
          if (text === undefined) continue;
          if (!markerExpired(text, now)) continue;
          await removeIfThere(path);
          removed++;
        }
        return removed;
      });
    },
  };
}

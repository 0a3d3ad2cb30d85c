import { mkdir, mkdtemp, open, readdir, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { syncDirectory } from './atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-write-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

it('shares directory fsyncs, but never one that started before the caller', async () => {
  const probe = await open(dir, 'r');
  await probe.close();
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  const started: number[] = [];
  const finished: number[] = [];
  const events: string[] = [];
  const original = proto.sync;
  vi.spyOn(proto, 'sync').mockImplementation(async function (this: unknown) {
    const n = started.push(started.length);
    events.push(`start ${n}`);
    await original.call(this);
    await new Promise((wait) => setTimeout(wait, 20));
    finished.push(n);
    events.push(`end ${n}`);
  });
  const first = syncDirectory(dir); // starts an fsync at once
  await new Promise((tick) => setImmediate(tick));
  // Called while the first runs: must wait for one that starts after them, and share it.
  const later = Array.from({ length: 10 }, () => syncDirectory(dir));
  await Promise.all([first, ...later]);
  expect(started).toHaveLength(2);
  expect(finished).toEqual([1, 2]);
  expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  await syncDirectory(dir); // nothing running: its own fsync
  expect(started).toHaveLength(3);
});

/** This process's descriptors open on `path` (Linux: /proc/self/fd), deleted ones included. */
async function descriptorsOf(path: string): Promise<string[]> {
  const found: string[] = [];
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => undefined);
    if (target === path || target === `${path} (deleted)`) found.push(target);
  }
  return found;
}

it('keeps the directory open between fsyncs, and opens it anew once it was replaced', async () => {
  const real = await realpath(dir);
  await syncDirectory(dir);
  await syncDirectory(dir);
  // One descriptor held for the next fsync, not one per call and not none.
  expect(await descriptorsOf(real)).toEqual([real]);
  // The directory removed and made again under the same path: a fsync through the old
  // descriptor would make nothing in the new one durable.
  await rm(dir, { recursive: true });
  await mkdir(dir);
  await writeFile(join(dir, 'claim.json'), '{}');
  await syncDirectory(dir);
  expect(await descriptorsOf(real)).toEqual([real]);
});

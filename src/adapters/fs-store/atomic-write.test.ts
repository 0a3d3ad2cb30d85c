import { mkdtemp, open, rm } from 'node:fs/promises';
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

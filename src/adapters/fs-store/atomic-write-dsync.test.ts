import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

/** The flags of every `fs.openSync` call, and every fsync: how a temp file is made durable. */
const calls = vi.hoisted(() => ({ opens: [] as unknown[], fsyncs: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const original = await importOriginal<typeof fs>();
  return {
    ...original,
    openSync: (...args: Parameters<typeof fs.openSync>) => {
      calls.opens.push(args[1]);
      return original.openSync(...args);
    },
    fsync: (...args: Parameters<typeof fs.fsync>) => {
      calls.fsyncs++;
      return original.fsync(...args);
    },
    fsyncSync: (...args: Parameters<typeof fs.fsyncSync>) => {
      calls.fsyncs++;
      return original.fsyncSync(...args);
    },
  };
});

const { writeTemp } = await import('./atomic-write.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-write-dsync-'));
  calls.opens.length = 0;
  calls.fsyncs = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('writes a temp file through O_DSYNC, durable when the write returns, with no separate fsync', async () => {
  const body = Buffer.from('{"environment_name":"a"}\n');
  const temp = await writeTemp(join(dir, 'a.json'), body);
  expect(await readFile(temp)).toEqual(body);
  expect(await readdir(dir)).toEqual([temp.slice(dir.length + 1)]);
  expect(calls.opens).toHaveLength(1);
  const flags = calls.opens[0] as number;
  expect(typeof flags).toBe('number');
  expect(flags & fs.constants.O_DSYNC).toBe(fs.constants.O_DSYNC);
  // A new name only: an existing temp file is never reused or truncated into.
  expect(flags & fs.constants.O_EXCL).toBe(fs.constants.O_EXCL);
  expect(calls.fsyncs).toBe(0);
});

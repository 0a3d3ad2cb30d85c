import { constants } from 'node:fs';
import {
  appendFile,
  mkdtemp,
  open as openFile,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  unlink,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_BATCH_BYTES, MAX_RECORD_BYTES } from '../../src/adapters/fs-audit-log/open-chain.js';
import {
  AUDIT_HEAD_FILE,
  AUDIT_LOG_FILE,
  createFsAuditLog,
  type FsAuditLog,
} from '../../src/adapters/fs-audit-log/fs-audit-log.js';
import { chainRecord, headOf, serializeRecord } from '../../src/domain/audit/audit-chain.js';
import { verifyChain } from '../../src/domain/audit/verify-chain.js';
import { UnavailableError } from '../../src/domain/errors.js';
import type { AuditEntry, AuditRecord } from '../../src/ports/audit-log.js';

let dir: string;
let logLines: string[];
const open: FsAuditLog[] = [];

const logger = () => pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });

async function openLog(): Promise<FsAuditLog> {
  const log = await createFsAuditLog({ dir, logger: logger() });
  open.push(log);
  return log;
}

function entry(n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 15, 10, 0, n)).toISOString(),
    actor: 'alice@example.com',
    actorKind: 'user',
    action: 'environment:create',
    target: `environment/sue-${n}`,
    decision: 'allow',
    policyIds: ['team-members-create'],
    requestId: `req-${n}`,
    ...extra,
  };
}

const logPath = () => join(dir, AUDIT_LOG_FILE);
const headPath = () => join(dir, AUDIT_HEAD_FILE);
const fileLines = async () => (await readFile(logPath(), 'utf8')).split('\n').slice(0, -1);
const storedHead = async () =>
  JSON.parse(await readFile(headPath(), 'utf8')) as { seq: number; hash: string };

/**
 * The open flags of this process's descriptors of `path` (Linux: /proc/self/fdinfo), to see
 * that the log writes through O_DSYNC.
 */
async function openFlags(path: string): Promise<number[]> {
  const flags: number[] = [];
  const real = await realpath(path);
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => undefined);
    if (target !== real) continue;
    const info = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8').catch(() => '');
    const octal = /^flags:\s+([0-7]+)$/m.exec(info)?.[1];
    if (octal !== undefined) flags.push(Number.parseInt(octal, 8));
  }
  return flags;
}

/** The prototype of fs/promises file handles, to count writes and fsyncs. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const handle = await openFile(tmpdir(), 'r');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

/**
 * Makes every write of the head fail with EIO until restored: the one fault injected by a
 * spy, since a disk cannot be made to fail on demand here. The head is the only file
 * written at a position (an in-place overwrite at 0); the log's appends pass none.
 */
async function failHeadWrites(): Promise<{ mockRestore(): void }> {
  const prototype = await fileHandlePrototype();
  type Write = (this: FileHandle, ...args: unknown[]) => ReturnType<FileHandle['write']>;
  // Unbound on purpose: it is called with each handle as `this`.
  const original = Reflect.get(prototype, 'write') as Write;
  const write: Write = function (...args) {
    if (args[3] === 0) {
      return Promise.reject(Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }));
    }
    return original.apply(this, args);
  };
  return vi.spyOn(prototype, 'write').mockImplementation(write);
}

async function verifyFiles() {
  return verifyChain(await fileLines(), await storedHead());
}

async function appendAll(log: FsAuditLog, count: number, from = 1): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let n = from; n < from + count; n++) records.push(await log.append(entry(n)));
  return records;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-log-'));
  logLines = [];
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((log) => log.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('createFsAuditLog: appends', () => {
  it('writes one canonical line per record and the head after each append', async () => {
    const log = await openLog();
    expect(log.head()).toBeUndefined();
    const [first, second] = await appendAll(log, 2);
    expect(first).toMatchObject({ seq: 1, prevHash: '0'.repeat(64), actor: 'alice@example.com' });
    expect(second?.prevHash).toBe(first?.hash);
    expect(await fileLines()).toEqual([first, second].map((r) => serializeRecord(r!)));
    expect(await storedHead()).toEqual(headOf(second!));
    expect(log.head()).toEqual(headOf(second!));
    expect((await verifyFiles()).problems).toEqual([]);
  });

  it('persists across reopen and continues the chain', async () => {
    const before = await appendAll(await openLog(), 3);
    await open.pop()?.close();
    const log = await openLog();
    expect(log.head()).toEqual(headOf(before[2]!));
    const next = await log.append(entry(4));
    expect(next).toMatchObject({ seq: 4, prevHash: before[2]?.hash });
    const report = await verifyFiles();
    expect(report).toMatchObject({ records: 4, problems: [] });
    expect((await log.query({ limit: 10 })).items.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('serialises concurrent appends into one gap-free chain', async () => {
    const log = await openLog();
    const records = await Promise.all(
      Array.from({ length: 60 }, (_, i) => log.append(entry(i, { actor: `user-${i}` }))),
    );
    // Call order is append order.
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(records.map((r) => r.actor)).toEqual(Array.from({ length: 60 }, (_, i) => `user-${i}`));
    const report = await verifyFiles();
    expect(report.problems).toEqual([]);
    expect(report.records).toBe(60);
    expect(await fileLines()).toEqual(records.map(serializeRecord));
  });

  it('commits appends that arrive together with one synchronized write', async () => {
    const log = await openLog();
    await log.append(entry(0));
    // Every write to the log and the head is durable when it returns (O_DSYNC), so no
    // separate fsync is needed, and none is made.
    expect(await openFlags(logPath())).toEqual([expect.any(Number)]);
    for (const path of [logPath(), headPath()]) {
      for (const flags of await openFlags(path)) expect(flags & constants.O_DSYNC).not.toBe(0);
    }
    const prototype = await fileHandlePrototype();
    const write = vi.spyOn(prototype, 'write');
    const syncs = [vi.spyOn(prototype, 'datasync'), vi.spyOn(prototype, 'sync')];
    try {
      const records = await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(entry(i))));
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
      // One for the log's lines, one for the head overwritten in place.
      expect(write).toHaveBeenCalledTimes(2);
      for (const sync of syncs) expect(sync).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
      for (const sync of syncs) sync.mockRestore();
    }
    expect(await storedHead()).toEqual(log.head());
    expect((await verifyFiles()).problems).toEqual([]);
  });

  it('chains appends that arrive during a commit in call order and commits them next', async () => {
    const log = await openLog();
    const first = log.append(entry(1, { actor: 'first' }));
    await new Promise((tick) => setImmediate(tick)); // the first commit is under way
    const later = Array.from({ length: 10 }, (_, i) => log.append(entry(i, { actor: `u${i}` })));
    const records = await Promise.all([first, ...later]);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(records.map((r) => r.actor)).toEqual(['first', ...later.map((_, i) => `u${i}`)]);
    expect(await fileLines()).toEqual(records.map(serializeRecord));
    expect((await verifyFiles()).problems).toEqual([]);
  });

  it('splits a burst larger than one commit into several, each written synchronized', async () => {
    const log = await openLog();
    const big = 'x'.repeat(300 * 1024);
    const write = vi.spyOn(await fileHandlePrototype(), 'write');
    try {
      const records = await Promise.all(
        Array.from({ length: 8 }, (_, i) => log.append(entry(i, { requestId: `${i}${big}` }))),
      );
      expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      // At least three commits, each a write of its lines (O_DSYNC) and a head overwrite
      // (the very first head is created by a rename instead).
      const logWrites = write.mock.calls
        .map((call) => call as unknown[])
        .filter((call) => call[3] === undefined);
      expect(logWrites.length).toBeGreaterThanOrEqual(3);
      for (const [bytes] of logWrites) {
        expect((bytes as Buffer).length).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      }
    } finally {
      write.mockRestore();
    }
    expect((await verifyFiles()).problems).toEqual([]);
  });

  it('refuses an entry longer than a record may be, and stays usable', async () => {
    const log = await openLog();
    const huge = 'x'.repeat(MAX_RECORD_BYTES);
    await expect(log.append(entry(1, { requestId: huge }))).rejects.toThrow(TypeError);
    await expect(log.append(entry(2))).resolves.toMatchObject({ seq: 1 });
  });

  it('fails a whole batch, and the appends chained after it, when its commit fails', async () => {
    const log = await openLog();
    await appendAll(log, 2);
    const failing = await failHeadWrites();
    const batch = [log.append(entry(3)), log.append(entry(4)), log.append(entry(5))];
    await new Promise((tick) => setImmediate(tick)); // that commit is under way
    const next = [log.append(entry(6)), log.append(entry(7))];
    const settled = await Promise.allSettled([...batch, ...next]);
    for (const result of settled) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(UnavailableError);
    }
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/could not write/);
    expect(String((settled[4] as PromiseRejectedResult).reason)).toMatch(/stopped after a failed/);
    await expect(log.append(entry(8))).rejects.toThrow(/stopped after a failed write/);
    expect(log.head()?.seq).toBe(2);
    expect((await log.query({ limit: 10 })).items.map((r) => r.seq)).toEqual([1, 2]);
    failing.mockRestore();
    await open.pop()?.close();

    // The batch reached the log before its head failed; nothing chained after it did. The
    // head still names record 2, so the restart moves it forward over that one batch.
    expect(await fileLines()).toHaveLength(5);
    expect((await storedHead()).seq).toBe(2);
    const reopened = await openLog();
    expect(reopened.head()?.seq).toBe(5);
    await reopened.append(entry(9));
    expect((await verifyFiles()).problems).toEqual([]);
  });

  it('says a record is durable once its line is synced, before the head is written', async () => {
    const log = await openLog();
    await appendAll(log, 1);
    // The head write fails: the append rejects, but its line was synced first, and that is
    // what onDurable reports (a restart keeps the record; the test above shows it).
    const failing = await failHeadWrites();
    const durable: number[] = [];
    const appended = log.append(entry(2), { onDurable: () => durable.push(2) });
    await expect(appended).rejects.toThrow(UnavailableError);
    expect(durable).toEqual([2]);
    failing.mockRestore();
    // A record that never reaches the log is never reported durable.
    const refused: number[] = [];
    await expect(log.append(entry(3), { onDurable: () => refused.push(3) })).rejects.toThrow(
      /stopped after a failed write/,
    );
    expect(refused).toEqual([]);
    await open.pop()?.close();
    expect(await fileLines()).toHaveLength(2);
  });

  it('refuses an invalid entry as misuse and stays usable', async () => {
    const log = await openLog();
    await expect(log.append(entry(1, { time: 'yesterday' }))).rejects.toThrow(TypeError);
    await expect(log.append(entry(2))).resolves.toMatchObject({ seq: 1 });
  });

  it('lets queued appends finish on close and refuses later ones', async () => {
    const log = await openLog();
    const pending = [log.append(entry(1)), log.append(entry(2))];
    const closed = log.close();
    await expect(log.append(entry(3))).rejects.toThrow(UnavailableError);
    await expect(Promise.all(pending)).resolves.toHaveLength(2);
    await closed;
    await log.close();
    expect(await fileLines()).toHaveLength(2);
  });

  it('fails closed after a failed write, and a restart continues the chain', async () => {
    const log = await openLog();
    await appendAll(log, 2);
    const failing = await failHeadWrites();
    await expect(log.append(entry(3))).rejects.toThrow(UnavailableError);
    await expect(log.append(entry(4))).rejects.toThrow(/stopped after a failed write/);
    failing.mockRestore();
    await open.pop()?.close();

    // Record 3 reached the disk before the head failed; the head still names record 2.
    expect((await storedHead()).seq).toBe(2);
    const reopened = await openLog();
    expect(reopened.head()?.seq).toBe(3);
    await reopened.append(entry(5));
    expect((await verifyFiles()).problems).toEqual([]);
  });
});

describe('createFsAuditLog: query', () => {
  let log: FsAuditLog;
  beforeEach(async () => {
    log = await openLog();
    await log.append(entry(1));
    await log.append(entry(2, { actor: 'bob@example.com', decision: 'deny', policyIds: [] }));
    await log.append(entry(3, { action: 'environment:delete', target: 'environment/sue-1' }));
    await log.append(entry(4, { actor: 'system:expiry-reaper', actorKind: 'system' }));
    await log.append(entry(5, { action: 'audit:read', target: 'platform', decision: 'deny' }));
  });
  const seqs = async (query: Parameters<FsAuditLog['query']>[0]) =>
    (await log.query(query)).items.map((r) => r.seq);

  it('filters by actor, action and decision', async () => {
    expect(await seqs({ actor: 'bob@example.com', limit: 10 })).toEqual([2]);
    expect(await seqs({ action: 'environment:delete', limit: 10 })).toEqual([3]);
    expect(await seqs({ decision: 'deny', limit: 10 })).toEqual([2, 5]);
    expect(await seqs({ decision: 'allow', actor: 'bob@example.com', limit: 10 })).toEqual([]);
  });

  it('filters by exact target or by a prefix ending in /', async () => {
    expect(await seqs({ target: 'environment/sue-1', limit: 10 })).toEqual([1, 3]);
    expect(await seqs({ target: 'environment/', limit: 10 })).toEqual([1, 2, 3, 4]);
    expect(await seqs({ target: 'environment', limit: 10 })).toEqual([]);
    expect(await seqs({ target: 'platform', limit: 10 })).toEqual([5]);
  });

  it('filters by time with inclusive bounds, whatever the offset', async () => {
    expect(
      await seqs({ since: '2026-01-15T10:00:02Z', until: '2026-01-15T10:00:04Z', limit: 10 }),
    ).toEqual([2, 3, 4]);
    expect(await seqs({ since: '2026-01-15T11:00:04+01:00', limit: 10 })).toEqual([4, 5]);
  });

  it('pages with afterSeq and limit, saying whether more follow', async () => {
    expect(await log.query({ limit: 2 })).toMatchObject({ hasMore: true });
    expect(await seqs({ limit: 2 })).toEqual([1, 2]);
    expect(await seqs({ afterSeq: 2, limit: 2 })).toEqual([3, 4]);
    expect(await log.query({ afterSeq: 3, limit: 2 })).toMatchObject({ hasMore: false });
    expect(await seqs({ afterSeq: 2, decision: 'deny', limit: 1 })).toEqual([5]);
    expect((await log.query({ afterSeq: 5, limit: 5 })).items).toEqual([]);
  });

  it('returns the records as appended', async () => {
    const [first] = (await log.query({ limit: 1 })).items;
    expect(first).toEqual(chainRecord(undefined, entry(1)));
  });

  it('shows only what appends acknowledged, not lines written behind its back', async () => {
    const forged = chainRecord(log.head(), entry(99, { actor: 'mallory' }));
    await appendFile(logPath(), `${serializeRecord(forged)}\n`);
    expect(await seqs({ limit: 10 })).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('createFsAuditLog: open', () => {
  async function seed(count: number): Promise<AuditRecord[]> {
    const records = await appendAll(await openLog(), count);
    await open.pop()?.close();
    return records;
  }
  const refusal =
    /cannot be continued: .*Refusing to start rather than fork the chain; inspect it with: platformctl audit verify --file /;

  it('removes a last line cut short by a crash and continues', async () => {
    await seed(2);
    await appendFile(logPath(), '{"seq":3,"prevHash":"ab');
    const log = await openLog();
    expect(log.head()?.seq).toBe(2);
    await log.append(entry(3));
    expect((await verifyFiles()).problems).toEqual([]);
    expect(logLines.join('')).toMatch(/removed an incomplete last line/);
  });

  it('completes a last record that only lacks its newline', async () => {
    await seed(2);
    await writeFile(logPath(), (await readFile(logPath(), 'utf8')).trimEnd());
    const log = await openLog();
    await log.append(entry(3));
    expect((await verifyFiles()).problems).toEqual([]);
    expect(logLines.join('')).toMatch(/added the missing newline/);
  });

  it('moves a head that is one record behind forward (crash between the writes)', async () => {
    const records = await seed(3);
    await writeFile(headPath(), JSON.stringify(headOf(records[1]!)));
    const log = await openLog();
    expect(log.head()).toEqual(headOf(records[2]!));
    expect(await storedHead()).toEqual(headOf(records[2]!));
    expect(logLines.join('')).toMatch(/head was 1 record behind/);
  });

  it('moves a head that is a whole batch behind forward (crash during a group commit)', async () => {
    const records = await seed(6);
    await writeFile(headPath(), JSON.stringify(headOf(records[1]!)));
    const log = await openLog();
    expect(log.head()).toEqual(headOf(records[5]!));
    expect(await storedHead()).toEqual(headOf(records[5]!));
    expect(logLines.join('')).toMatch(/head was 4 records behind/);
    await log.append(entry(7));
    expect((await verifyFiles()).problems).toEqual([]);
  });

  it('writes the missing head of a one-record log (crash after the first line)', async () => {
    const [first] = await seed(1);
    await unlink(headPath());
    const log = await openLog();
    expect(log.head()).toEqual(headOf(first!));
    expect(await storedHead()).toEqual(headOf(first!));
  });

  it('writes the missing head of a log no longer than one commit (crash in the first batch)', async () => {
    const records = await seed(3);
    await unlink(headPath());
    const log = await openLog();
    expect(log.head()).toEqual(headOf(records[2]!));
    expect(await storedHead()).toEqual(headOf(records[2]!));
  });

  it('refuses a log whose last record was changed', async () => {
    await seed(3);
    const lines = await fileLines();
    lines[2] = lines[2]!.replace('"decision":"allow"', '"decision":"deny"');
    await writeFile(logPath(), `${lines.join('\n')}\n`);
    await expect(openLog()).rejects.toThrow(UnavailableError);
    await expect(openLog()).rejects.toThrow(/last record \(seq 3\) does not match its hash/);
  });

  it('refuses a log whose last records were removed', async () => {
    await seed(3);
    const lines = await fileLines();
    await writeFile(logPath(), `${lines.slice(0, 1).join('\n')}\n`);
    await expect(openLog()).rejects.toThrow(refusal);
    await expect(openLog()).rejects.toThrow(/ends at seq 1 but audit.head records seq 3/);
  });

  it('refuses a log whose last record was replaced by a re-chained one', async () => {
    const records = await seed(3);
    const forged = chainRecord(headOf(records[1]!), entry(99, { actor: 'mallory' }));
    const lines = await fileLines();
    lines[2] = serializeRecord(forged);
    await writeFile(logPath(), `${lines.join('\n')}\n`);
    await expect(openLog()).rejects.toThrow(/last record \(seq 3\) is not the one audit.head/);
  });

  it('refuses more records after the head than one commit writes', async () => {
    const records = await seed(2);
    let prev = headOf(records[1]!);
    const extra: string[] = [];
    let bytes = 0;
    for (let n = 3; bytes <= MAX_BATCH_BYTES; n++) {
      const record = chainRecord(prev, entry(n));
      const line = serializeRecord(record);
      extra.push(line);
      bytes += line.length + 1;
      prev = headOf(record);
    }
    await appendFile(logPath(), `${extra.join('\n')}\n`);
    await expect(openLog()).rejects.toThrow(/records were added outside the service/);
  });

  it('refuses records after the head that do not chain from it', async () => {
    const records = await seed(2);
    const unlinked = chainRecord(headOf(records[0]!), entry(3));
    const renumbered = { ...unlinked, seq: 3 };
    const forged = chainRecord(headOf(renumbered), entry(4));
    await appendFile(logPath(), `${serializeRecord(renumbered)}\n${serializeRecord(forged)}\n`);
    await expect(openLog()).rejects.toThrow(/records were added outside the service/);
  });

  it('refuses a head whose record is not in the log', async () => {
    const records = await seed(4);
    const other = chainRecord(headOf(records[0]!), entry(99, { actor: 'mallory' }));
    await writeFile(headPath(), JSON.stringify(headOf(other)));
    await expect(openLog()).rejects.toThrow(/records were added outside the service/);
  });

  it('refuses a missing head when the log is longer than one commit', async () => {
    // A valid chain from the start, longer than anything one commit leaves without a head.
    const lines: string[] = [];
    let prev: ReturnType<typeof headOf> | undefined;
    for (let bytes = 0; bytes <= 2 * MAX_BATCH_BYTES;) {
      const record = chainRecord(prev, entry(lines.length));
      lines.push(serializeRecord(record));
      bytes += lines.at(-1)!.length + 1;
      prev = headOf(record);
    }
    await writeFile(logPath(), `${lines.join('\n')}\n`);
    await expect(openLog()).rejects.toThrow(
      new RegExp(`audit.head is missing but the log ends at seq ${lines.length}`),
    );
  });

  it('refuses an unreadable head, a log without records, and an unreadable last line', async () => {
    await seed(2);
    const head = await readFile(headPath(), 'utf8');
    await writeFile(headPath(), 'not json');
    await expect(openLog()).rejects.toThrow(/audit.head is not a \{seq, hash\} head/);
    await writeFile(headPath(), head);
    const log = await readFile(logPath(), 'utf8');
    await writeFile(logPath(), '');
    await expect(openLog()).rejects.toThrow(/the log is empty but audit.head records seq 2/);
    await unlink(logPath());
    await expect(openLog()).rejects.toThrow(/the log is missing but audit.head records seq 2/);
    await writeFile(logPath(), `${log}{"seq":3}\n`);
    await expect(openLog()).rejects.toThrow(/its last line is not a record/);
  });
});

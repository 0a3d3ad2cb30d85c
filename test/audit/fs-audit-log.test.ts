import {
  appendFile,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  rmdir,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
    // A directory where the head must go makes the head's rename fail.
    await unlink(headPath());
    await mkdir(join(headPath(), 'blocker'), { recursive: true });
    await expect(log.append(entry(3))).rejects.toThrow(UnavailableError);
    await expect(log.append(entry(4))).rejects.toThrow(/stopped after a failed write/);
    await open.pop()?.close();

    await rmdir(join(headPath(), 'blocker'));
    await rmdir(headPath());
    // Record 3 reached the disk before the head failed; put back the head as it was then.
    const lines = await fileLines();
    const second = JSON.parse(lines[1]!) as AuditRecord;
    await writeFile(headPath(), JSON.stringify(headOf(second)));
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
    expect(logLines.join('')).toMatch(/head was one record behind/);
  });

  it('writes the missing head of a one-record log (crash after the first line)', async () => {
    const [first] = await seed(1);
    await unlink(headPath());
    const log = await openLog();
    expect(log.head()).toEqual(headOf(first!));
    expect(await storedHead()).toEqual(headOf(first!));
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

  it('refuses records added outside the service', async () => {
    const records = await seed(2);
    const extra1 = chainRecord(headOf(records[1]!), entry(3));
    const extra2 = chainRecord(headOf(extra1), entry(4));
    await appendFile(logPath(), `${serializeRecord(extra1)}\n${serializeRecord(extra2)}\n`);
    await expect(openLog()).rejects.toThrow(/records were added outside the service/);
  });

  it('refuses a missing head when the log has more than one record', async () => {
    await seed(2);
    await unlink(headPath());
    await expect(openLog()).rejects.toThrow(/audit.head is missing but the log ends at seq 2/);
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

import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, recordHash } from '../../src/domain/audit/audit-chain.js';
import type { AuditEntry, AuditLog, AuditRecord } from '../../src/ports/audit-log.js';
import { withHarness } from './with-harness.js';

export interface AuditLogHarness {
  readonly log: AuditLog;
  /** The log's problems as its verifier reports them (`platformctl audit verify`); [] if intact. */
  readonly verify: () => Promise<string[]>;
  /** Closes `log` and opens it again on the same storage (a restart). */
  readonly reopen: () => Promise<AuditLog>;
  close(): Promise<void>;
}

export function auditEntry(n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 15, 10, 0, 0, n * 1000)).toISOString(),
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

const seqs = (records: readonly AuditRecord[]) => records.map((record) => record.seq);

/** Every record's links and hash, checked here without the adapter's verifier. */
function expectOneChain(records: readonly AuditRecord[]): void {
  records.forEach((record, i) => {
    expect(record.seq).toBe(i + 1);
    expect(record.prevHash).toBe(i === 0 ? GENESIS_HASH : records[i - 1]!.hash);
    expect(recordHash(record)).toBe(record.hash);
  });
}

/**
 * The behaviour every `AuditLog` adapter must have (the file log and PostgreSQL). Each
 * adapter's test file calls this with a factory for a fresh, empty log.
 */
export function describeAuditLogContract(
  name: string,
  create: () => Promise<AuditLogHarness>,
): void {
  describe(`AuditLog contract: ${name}`, () => {
    const withLog = withHarness(create);

    it(
      'appends numbered, chained records and returns them as queried',
      withLog(async ({ log, verify }) => {
        expect(await log.query({ limit: 10 })).toEqual({ items: [], hasMore: false });
        const first = await log.append(auditEntry(1));
        const second = await log.append(auditEntry(2, { requestId: null, policyIds: [] }));
        expect(first).toMatchObject({ ...auditEntry(1), seq: 1, prevHash: GENESIS_HASH });
        expect(second).toMatchObject({ seq: 2, prevHash: first.hash, requestId: null });
        const { items, hasMore } = await log.query({ limit: 10 });
        expect(items).toEqual([first, second]);
        expect(hasMore).toBe(false);
        expectOneChain(items);
        expect(await verify()).toEqual([]);
      }),
    );

    it(
      'keeps every field exactly, odd strings and time formats included',
      withLog(async ({ log, verify }) => {
        const odd = auditEntry(1, {
          time: '2026-01-15T12:00:00.123456+02:00',
          actor: 'üñí "quoted" \\ back\u0000nul \ud800 lone',
          target: 'environment/a%_b',
          policyIds: ['b', 'a', 'b'],
          actorKind: 'service',
        });
        const record = await log.append(odd);
        expect(record).toMatchObject(odd);
        expect((await log.query({ limit: 1 })).items).toEqual([record]);
        expect((await log.query({ actor: odd.actor, limit: 1 })).items).toEqual([record]);
        expect(await verify()).toEqual([]);
      }),
    );

    it(
      'filters by actor, action, decision, exact target and target prefix',
      withLog(async ({ log }) => {
        await log.append(auditEntry(1));
        await log.append(auditEntry(2, { actor: 'bob', decision: 'deny' }));
        await log.append(auditEntry(3, { action: 'environment:delete', target: 'platform' }));
        await log.append(auditEntry(4, { actor: 'bob', target: 'environment/sue-1' }));
        await log.append(auditEntry(5, { target: 'environmentx/sue-5' }));
        await log.append(auditEntry(6, { target: 'environment/a_b' }));
        const find = async (filter: Omit<Parameters<AuditLog['query']>[0], 'limit'>) =>
          seqs((await log.query({ ...filter, limit: 100 })).items);
        expect(await find({ actor: 'bob' })).toEqual([2, 4]);
        expect(await find({ action: 'environment:delete' })).toEqual([3]);
        expect(await find({ decision: 'deny' })).toEqual([2]);
        expect(await find({ decision: 'allow', actor: 'bob' })).toEqual([4]);
        expect(await find({ target: 'environment/sue-1' })).toEqual([1, 4]);
        expect(await find({ target: 'environment/' })).toEqual([1, 2, 4, 6]);
        expect(await find({ target: 'environment' })).toEqual([]);
        // `_` and `%` are characters, not wildcards.
        expect(await find({ target: 'environment/a_b' })).toEqual([6]);
        expect(await find({ target: 'environment/a%' })).toEqual([]);
        expect(await find({ target: 'environment/a_/' })).toEqual([]);
        expect(await find({ actor: 'nobody' })).toEqual([]);
      }),
    );

    it(
      'filters by time, bounds inclusive, whatever the offset they are written in',
      withLog(async ({ log }) => {
        for (let n = 1; n <= 5; n++) await log.append(auditEntry(n));
        const at = (n: number) => auditEntry(n).time;
        const find = async (since?: string, until?: string) =>
          seqs((await log.query({ since, until, limit: 100 })).items);
        expect(await find(at(2), at(4))).toEqual([2, 3, 4]);
        expect(await find(at(4))).toEqual([4, 5]);
        expect(await find(undefined, at(1))).toEqual([1]);
        expect(await find('2026-01-15T12:00:03+02:00')).toEqual([3, 4, 5]);
        await expect(log.query({ since: 'yesterday', limit: 1 })).rejects.toBeInstanceOf(TypeError);
      }),
    );

    it(
      'pages with limit, hasMore and afterSeq, filters applied',
      withLog(async ({ log }) => {
        for (let n = 1; n <= 7; n++) {
          await log.append(auditEntry(n, { decision: n % 2 === 0 ? 'deny' : 'allow' }));
        }
        const first = await log.query({ limit: 3 });
        expect([seqs(first.items), first.hasMore]).toEqual([[1, 2, 3], true]);
        const second = await log.query({ limit: 3, afterSeq: 3 });
        expect([seqs(second.items), second.hasMore]).toEqual([[4, 5, 6], true]);
        const last = await log.query({ limit: 3, afterSeq: 6 });
        expect([seqs(last.items), last.hasMore]).toEqual([[7], false]);
        const exact = await log.query({ limit: 1, afterSeq: 6 });
        expect(exact.hasMore).toBe(false);
        const denied = await log.query({ decision: 'deny', limit: 2, afterSeq: 2 });
        expect([seqs(denied.items), denied.hasMore]).toEqual([[4, 6], false]);
        await expect(log.query({ limit: 0 })).rejects.toBeInstanceOf(TypeError);
      }),
    );

    it(
      'chains concurrent appends in call order, one record each, never forking',
      withLog(async ({ log, verify }) => {
        const entries = Array.from({ length: 200 }, (_, i) => auditEntry(i + 1));
        const records = await Promise.all(entries.map((entry) => log.append(entry)));
        expect(seqs(records)).toEqual(entries.map((_, i) => i + 1));
        expect(records.map((record) => record.requestId)).toEqual(
          entries.map((entry) => entry.requestId),
        );
        const { items } = await log.query({ limit: 500 });
        expect(items).toEqual(records);
        expectOneChain(items);
        expect(await verify()).toEqual([]);
      }),
    );

    it(
      'refuses an invalid entry without disturbing the appends around it',
      withLog(async ({ log, verify }) => {
        const before = log.append(auditEntry(1));
        const bad = log.append(auditEntry(2, { time: 'not a time' }));
        const after = log.append(auditEntry(3));
        await expect(bad).rejects.toBeInstanceOf(TypeError);
        expect(seqs([await before, await after])).toEqual([1, 2]);
        expect(await verify()).toEqual([]);
      }),
    );

    it(
      'keeps outcomes, objects and details, finds outcomes by intent and can leave them out',
      withLog(async (harness) => {
        const intent = await harness.log.append(auditEntry(1));
        const other = await harness.log.append(auditEntry(2));
        const outcome = await harness.log.append(
          auditEntry(3, {
            target: intent.target,
            policyIds: [],
            requestId: intent.requestId,
            intentSeq: intent.seq,
            outcome: { result: 'failed', status: 400, problem: 'INPUT' },
          }),
        );
        const seen = await harness.log.append(
          auditEntry(4, {
            actor: 'system:bucket-watcher',
            actorKind: 'system',
            action: 'bucket:claim-rejected',
            requestId: null,
            policyIds: [],
            outcome: { result: 'failed', status: null, problem: 'INPUT' },
            object: { bucket: 'environments', key: 'x.json', etag: null },
            detail: 'environment_name: required',
          }),
        );
        const log = await harness.reopen();
        expect((await log.query({ limit: 10 })).items).toEqual([intent, other, outcome, seen]);
        const listed = await log.query({ limit: 10, excludeOutcomes: true });
        expect(seqs(listed.items)).toEqual([1, 2, 4]);
        expect(await log.outcomesOf([intent.seq, other.seq])).toEqual([outcome]);
        expect(await log.outcomesOf([])).toEqual([]);
        expect(await harness.verify()).toEqual([]);
      }),
    );

    it(
      'continues the chain after a restart',
      withLog(async (harness) => {
        const first = await harness.log.append(auditEntry(1));
        const log = await harness.reopen();
        const second = await log.append(auditEntry(2));
        expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
        expect((await log.query({ limit: 10 })).items).toEqual([first, second]);
        expect(await harness.verify()).toEqual([]);
      }),
    );
  });
}

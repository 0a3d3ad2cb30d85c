import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditRecord } from '../../ports/audit-log.js';
import { chainRecord, GENESIS_HASH, headOf, recordHash, serializeRecord } from './audit-chain.js';
import type { AuditHead } from './audit-record-schema.js';
import { canonicalJson, type JsonValue } from './canonical-json.js';
import { formatProblem, verifyChain, type ChainReport } from './verify-chain.js';

function entry(n: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: new Date(Date.UTC(2026, 0, 15, 10, 30, n)).toISOString(),
    actor: 'alice@example.com',
    actorKind: 'user',
    action: 'environment:create',
    target: `environment/sue-${n}`,
    decision: 'allow',
    policyIds: ['policy0'],
    requestId: `req-${n}`,
    ...extra,
  };
}

function chainOf(entries: readonly AuditEntry[]): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (const next of entries) records.push(chainRecord(records.at(-1), next));
  return records;
}

const linesOf = (records: readonly AuditRecord[]) => records.map(serializeRecord);
const headOfAll = (records: readonly AuditRecord[]): AuditHead | undefined => {
  const last = records.at(-1);
  return last && headOf(last);
};
const summary = (report: ChainReport) => report.problems.map(formatProblem);

/** A record whose content was edited and whose hash was then recomputed to match. */
function rehashed(record: AuditRecord, change: Partial<AuditRecord>): AuditRecord {
  const changed = { ...record, ...change };
  return { ...changed, hash: recordHash(changed) };
}

const five = chainOf([1, 2, 3, 4, 5].map((n) => entry(n)));

describe('chainRecord', () => {
  it('numbers from 1, links to the previous hash and hashes everything but the hash', () => {
    const [first, second] = five;
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first?.hash });
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first && recordHash(first)).toBe(first?.hash);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('hashes the same record the same way whatever its key order', () => {
    const record = five[2] as AuditRecord;
    const reversed = Object.fromEntries(Object.entries(record).reverse()) as AuditRecord;
    expect(recordHash(reversed)).toBe(record.hash);
    expect(serializeRecord(reversed)).toBe(serializeRecord(record));
  });

  it('covers seq and prevHash: the same entry elsewhere in the chain hashes differently', () => {
    const a = chainRecord(undefined, entry(1));
    const b = chainRecord({ seq: 7, hash: a.hash }, entry(1));
    expect(b.hash).not.toBe(a.hash);
  });

  it('keeps only the entry fields', () => {
    const record = chainRecord(undefined, { ...entry(1), hash: 'x', extra: 1 } as AuditEntry);
    expect(Object.keys(record).sort()).toEqual(
      [
        'action',
        'actor',
        'actorKind',
        'decision',
        'hash',
        'policyIds',
        'prevHash',
        'requestId',
        'seq',
        'target',
        'time',
      ].sort(),
    );
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain and reports its end', () => {
    const report = verifyChain(linesOf(five), headOfAll(five));
    expect(report.problems).toEqual([]);
    expect(report.records).toBe(5);
    expect(report.last).toEqual(headOfAll(five));
  });

  it('accepts an empty log without a head', () => {
    expect(verifyChain([])).toEqual({ records: 0, last: undefined, problems: [] });
  });

  it('finds a changed record by its hash', () => {
    const lines = linesOf(five);
    lines[2] = lines[2]!.replace('"decision":"allow"', '"decision":"deny"');
    expect(summary(verifyChain(lines, headOfAll(five)))).toEqual([
      'line 3: seq 3 was changed: its hash does not match its content',
    ]);
  });

  it('finds a changed and re-hashed record through the next link', () => {
    const records = [...five];
    records[1] = rehashed(records[1]!, { decision: 'deny' });
    expect(summary(verifyChain(linesOf(records), headOfAll(five)))).toEqual([
      "line 3: seq 3 does not link to seq 2: its prevHash is not that record's hash (seq 2 was changed and re-hashed, or records were removed and renumbered)",
    ]);
  });

  it('finds a changed and re-hashed last record through the head', () => {
    const records = [...five];
    records[4] = rehashed(records[4]!, { actor: 'mallory' });
    const report = verifyChain(linesOf(records), headOfAll(five));
    expect(report.problems).toMatchObject([{ kind: 'changed', line: 5, seq: 5 }]);
  });

  it('finds a removed record in the middle', () => {
    const lines = linesOf(five);
    lines.splice(2, 1);
    expect(summary(verifyChain(lines, headOfAll(five)))).toEqual([
      'line 3: seq 3 is missing before seq 4 (removed)',
    ]);
  });

  it('finds a removed first record', () => {
    expect(summary(verifyChain(linesOf(five).slice(1), headOfAll(five)))).toEqual([
      'line 1: seq 1 is missing before seq 2 (removed)',
    ]);
  });

  it('finds removed last records through the head, and only through it', () => {
    const truncated = linesOf(five).slice(0, 3);
    expect(summary(verifyChain(truncated, headOfAll(five)))).toEqual([
      'end: seq 4–5 are missing at the end: the head records seq 5 but the log ends at seq 3',
    ]);
    expect(verifyChain(truncated).problems).toEqual([]);
    expect(verifyChain([], headOfAll(five)).problems).toMatchObject([
      { kind: 'removed', seq: 1, line: null },
    ]);
  });

  it('finds records removed and renumbered', () => {
    const kept = [five[0]!, five[2]!];
    const renumbered = [kept[0]!, rehashed(kept[1]!, { seq: 2 })];
    expect(verifyChain(linesOf(renumbered)).problems).toMatchObject([
      { kind: 'unlinked', line: 2, seq: 2 },
    ]);
  });

  it('finds two swapped records as one reordering', () => {
    const lines = linesOf(five);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    expect(summary(verifyChain(lines, headOfAll(five)))).toEqual([
      'line 3: seq 2 is out of order: it comes after seq 3',
    ]);
  });

  it('finds a record moved far back', () => {
    const lines = linesOf(five);
    const [moved] = lines.splice(4, 1);
    lines.splice(1, 0, moved!);
    const report = verifyChain(lines, headOfAll(five));
    expect(report.problems.map((problem) => problem.kind)).toEqual([
      'reordered',
      'reordered',
      'reordered',
    ]);
  });

  it('finds a duplicated line', () => {
    const lines = linesOf(five);
    lines.splice(2, 0, lines[1]!);
    expect(summary(verifyChain(lines, headOfAll(five)))).toEqual([
      'line 3: seq 2 is a copy of line 2',
    ]);
  });

  it('finds an inserted record that takes an existing number', () => {
    const forged = chainRecord(headOf(five[1]!), entry(99, { actor: 'mallory' }));
    const lines = linesOf(five);
    lines.splice(2, 0, serializeRecord(forged));
    expect(summary(verifyChain(lines, headOfAll(five)))).toEqual([
      'line 4: a second, different record numbered 3 (the first is at line 3): one of them was inserted',
    ]);
  });

  it('finds records appended after the head', () => {
    const six = chainOf([1, 2, 3, 4, 5, 6].map((n) => entry(n)));
    expect(summary(verifyChain(linesOf(six), headOfAll(five)))).toEqual([
      'line 6: seq 6 is after the head (seq 5): appended outside the service, or written just before a crash (the service repairs the head for one such record when it starts)',
    ]);
  });

  it('finds malformed lines without also calling the record they held removed', () => {
    const lines = linesOf(five);
    lines[1] = '{"seq":2,';
    lines[3] = '';
    lines.push(JSON.stringify({ ...five[0], extra: true }));
    expect(summary(verifyChain(lines, headOfAll(five)))).toEqual([
      'line 2: malformed record: not JSON',
      'line 4: malformed record: empty line',
      'line 6: malformed record: extra: unknown field',
    ]);
  });

  it('finds a first record that does not start the chain', () => {
    const first = rehashed(five[0]!, { prevHash: 'a'.repeat(64) });
    expect(summary(verifyChain([serializeRecord(first)]))).toEqual([
      'line 1: seq 1 does not start the chain: its prevHash is not 64 zeros',
    ]);
  });
});

// --- properties ------------------------------------------------------------------------

const entryArbitrary: fc.Arbitrary<AuditEntry> = fc.record({
  time: fc
    .date({
      min: new Date('2000-01-01T00:00:00Z'),
      max: new Date('2100-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((date) => date.toISOString()),
  actor: fc.string({ minLength: 1, unit: 'binary' }),
  actorKind: fc.constantFrom('user', 'service', 'system'),
  action: fc.string({ minLength: 1 }),
  target: fc.string({ minLength: 1 }),
  decision: fc.constantFrom('allow', 'deny'),
  policyIds: fc.array(fc.string(), { maxLength: 3 }),
  requestId: fc.option(fc.string(), { nil: null }),
});

// The optional fields (outcome, intentSeq, object, detail) are absent from these entries.
type Field = Exclude<keyof AuditRecord, 'outcome' | 'intentSeq' | 'object' | 'detail'>;
const FIELDS: readonly Field[] = [
  'seq',
  'time',
  'actor',
  'actorKind',
  'action',
  'target',
  'decision',
  'policyIds',
  'requestId',
  'prevHash',
  'hash',
];

/** A different value of the same type, so the line still parses and only the hash can tell. */
function changedValue(record: AuditRecord, field: Field): unknown {
  const flipHex = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
  switch (field) {
    case 'seq':
      return record.seq + 1;
    case 'time':
      return new Date(Date.parse(record.time) + 1000).toISOString();
    case 'actorKind':
      return record.actorKind === 'user' ? 'service' : 'user';
    case 'decision':
      return record.decision === 'allow' ? 'deny' : 'allow';
    case 'policyIds':
      return [...record.policyIds, 'injected'];
    case 'requestId':
      return record.requestId === null ? 'req' : null;
    case 'prevHash':
    case 'hash':
      return flipHex(record[field]);
    default:
      return `${record[field]}x`;
  }
}

const chainArbitrary = fc
  .array(entryArbitrary, { minLength: 1, maxLength: 12 })
  .map((entries) => chainOf(entries));

describe('verifyChain (properties)', () => {
  it('stores each record as the canonical JSON of all its fields, the hash included', () => {
    fc.assert(
      fc.property(chainArbitrary, (records) => {
        for (const record of records) {
          const line = serializeRecord(record);
          // The kept line (hash spliced into the hashed text) against a fresh encoding.
          expect(line).toBe(canonicalJson(JSON.parse(JSON.stringify(record)) as JsonValue));
          expect(JSON.parse(line)).toEqual(record);
          expect(serializeRecord({ ...record })).toBe(line); // a copy: not a kept line
        }
      }),
    );
  });

  it('accepts every chain built with chainRecord', () => {
    fc.assert(
      fc.property(chainArbitrary, (records) => {
        const report = verifyChain(linesOf(records), headOfAll(records));
        expect(report.problems).toEqual([]);
        expect(report.records).toBe(records.length);
        expect(report.last).toEqual(headOfAll(records));
      }),
    );
  });

  it('detects any one field of any one record changed', () => {
    fc.assert(
      fc.property(chainArbitrary, fc.nat(), fc.constantFrom(...FIELDS), (records, i, field) => {
        const index = i % records.length;
        const original = records[index]!;
        const changed = { ...original, [field]: changedValue(original, field) };
        const lines = linesOf(records);
        lines[index] = JSON.stringify(changed);
        expect(verifyChain(lines, headOfAll(records)).problems).not.toEqual([]);
      }),
    );
  });

  it('detects any one field changed even when that record is re-hashed', () => {
    const linkFields = FIELDS.filter((field) => field !== 'hash');
    fc.assert(
      fc.property(chainArbitrary, fc.nat(), fc.constantFrom(...linkFields), (records, i, field) => {
        const index = i % records.length;
        const original = records[index]!;
        const lines = linesOf(records);
        lines[index] = serializeRecord(
          rehashed(original, { [field]: changedValue(original, field) }),
        );
        expect(verifyChain(lines, headOfAll(records)).problems).not.toEqual([]);
      }),
    );
  });

  it('detects any one record removed, the last one included', () => {
    fc.assert(
      fc.property(chainArbitrary, fc.nat(), (records, i) => {
        const lines = linesOf(records);
        lines.splice(i % records.length, 1);
        const report = verifyChain(lines, headOfAll(records));
        expect(report.problems.map((problem) => problem.kind)).toContain('removed');
      }),
    );
  });

  it('detects any two records swapped and any record duplicated', () => {
    fc.assert(
      fc.property(chainArbitrary, fc.nat(), fc.nat(), (records, i, j) => {
        const a = i % records.length;
        const b = j % records.length;
        const swapped = linesOf(records);
        [swapped[a], swapped[b]] = [swapped[b]!, swapped[a]!];
        const duplicated = linesOf(records);
        duplicated.splice(b, 0, duplicated[a]!);
        const head = headOfAll(records);
        expect(verifyChain(swapped, head).problems.length > 0).toBe(a !== b);
        expect(verifyChain(duplicated, head).problems).not.toEqual([]);
      }),
    );
  });
});

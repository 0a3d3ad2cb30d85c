import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../ports/audit-log.js';
import { chainRecord, GENESIS_HASH, recordHash } from './audit-chain.js';
import { canonicalJson } from './canonical-json.js';

const entry: AuditEntry = {
  time: '2026-01-15T10:00:00.000Z',
  actor: 'alice@example.com',
  actorKind: 'user',
  action: 'environment:create',
  target: 'environment/sue-a',
  decision: 'allow',
  policyIds: ['team-members-create'],
  requestId: 'req-1',
};

describe('audit record hashes', () => {
  it('cover exactly the fields records had before outcomes, when those are absent', () => {
    const record = chainRecord(undefined, entry);
    // The ten fields every record had before outcomes existed, spelled out.
    const before = {
      seq: 1,
      prevHash: GENESIS_HASH,
      time: entry.time,
      actor: entry.actor,
      actorKind: entry.actorKind,
      action: entry.action,
      target: entry.target,
      decision: entry.decision,
      policyIds: [...entry.policyIds],
      requestId: entry.requestId,
    };
    const hash = createHash('sha256').update(canonicalJson(before), 'utf8').digest('hex');
    expect(record.hash).toBe(hash);
    expect(Object.keys(record)).not.toContain('outcome');
  });

  it('cover the outcome, the intent link, the object and the detail', () => {
    const full = chainRecord(undefined, {
      ...entry,
      outcome: { result: 'failed', status: 400, problem: 'INPUT' },
      intentSeq: 7,
      object: { bucket: 'environments', key: 'sue-a.json', etag: 'e1' },
      detail: 'why',
    });
    expect(recordHash(full)).toBe(full.hash);
    for (const changed of [
      { ...full, outcome: { result: 'failed', status: 409, problem: 'INPUT' } as const },
      { ...full, intentSeq: 8 },
      { ...full, object: { bucket: 'environments', key: 'sue-a.json', etag: 'e2' } },
      { ...full, detail: 'other' },
    ]) {
      expect(recordHash(changed)).not.toBe(full.hash);
    }
  });
});

import { createHash } from 'node:crypto';
import type { AuditEntry, AuditRecord } from '../../ports/audit-log.js';
import type { AuditHead } from './audit-record-schema.js';
import { canonicalJson } from './canonical-json.js';

/** `prevHash` of the first record: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Hex SHA-256 over the canonical JSON of every field of the record except `hash` — the
 * entry, `seq` and `prevHash` — so renumbering or relinking a record changes its hash too.
 * The fields are named here, not copied, so nothing else can slip into the hash.
 */
export function recordHash(record: Omit<AuditRecord, 'hash'>): string {
  const hashed = {
    seq: record.seq,
    prevHash: record.prevHash,
    time: record.time,
    actor: record.actor,
    actorKind: record.actorKind,
    action: record.action,
    target: record.target,
    decision: record.decision,
    policyIds: [...record.policyIds],
    requestId: record.requestId,
  };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

/**
 * The record that follows `prev` (or starts the chain when `prev` is undefined): the next
 * `seq`, `prev`'s hash as `prevHash`, and its own hash. Pure; the caller serialises calls.
 */
export function chainRecord(prev: AuditHead | undefined, entry: AuditEntry): AuditRecord {
  const unhashed = {
    seq: (prev?.seq ?? 0) + 1,
    prevHash: prev?.hash ?? GENESIS_HASH,
    time: entry.time,
    actor: entry.actor,
    actorKind: entry.actorKind,
    action: entry.action,
    target: entry.target,
    decision: entry.decision,
    policyIds: Object.freeze([...entry.policyIds]),
    requestId: entry.requestId,
  };
  return Object.freeze({ ...unhashed, hash: recordHash(unhashed) });
}

/** The line stored for a record (without the newline): canonical JSON, the same every time. */
export function serializeRecord(record: AuditRecord): string {
  return canonicalJson({
    seq: record.seq,
    prevHash: record.prevHash,
    time: record.time,
    actor: record.actor,
    actorKind: record.actorKind,
    action: record.action,
    target: record.target,
    decision: record.decision,
    policyIds: [...record.policyIds],
    requestId: record.requestId,
    hash: record.hash,
  });
}

/** The head a record leaves behind. */
export function headOf(record: AuditRecord): AuditHead {
  return { seq: record.seq, hash: record.hash };
}

import { hash as digest } from 'node:crypto';
import type { AuditEntry, AuditRecord } from '../../ports/audit-log.js';
import type { AuditHead } from './audit-record-schema.js';
import { canonicalJson, canonicalMembers } from './canonical-json.js';

/** `prevHash` of the first record: there is nothing before it. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The fields a record's hash covers: every field but `hash` — the entry, `seq` and
 * `prevHash` — so renumbering or relinking a record changes its hash too. Named here, not
 * copied with a spread, so nothing else can slip into the hash or the stored line.
 */
function hashedFields(record: Omit<AuditRecord, 'hash'>) {
  return {
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
    // Left out when absent, so records written before these fields existed keep their hash.
    ...(record.outcome === undefined ? {} : { outcome: { ...record.outcome } }),
    ...(record.intentSeq === undefined ? {} : { intentSeq: record.intentSeq }),
    ...(record.object === undefined ? {} : { object: { ...record.object } }),
    ...(record.detail === undefined ? {} : { detail: record.detail }),
  };
}

/** Hex SHA-256 over the canonical JSON of the hashed fields. */
export function recordHash(record: Omit<AuditRecord, 'hash'>): string {
  return digest('sha256', canonicalJson(hashedFields(record)), 'hex');
}

/**
 * The stored line of each record `chainRecord` made. The hash is taken over the canonical
 * JSON of the hashed fields, and the line is that text with the hash added as a member:
 * both come from one encoding. Records are frozen, so a kept line cannot go stale.
 */
const lines = new WeakMap<AuditRecord, string>();

/**
 * The record that follows `prev` (or starts the chain when `prev` is undefined): the next
 * `seq`, `prev`'s hash as `prevHash`, and its own hash. Pure; the caller serialises calls.
 */
export function chainRecord(prev: AuditHead | undefined, entry: AuditEntry): AuditRecord {
  const unhashed = hashedFields({
    ...entry,
    seq: (prev?.seq ?? 0) + 1,
    prevHash: prev?.hash ?? GENESIS_HASH,
  });
  const members = canonicalMembers(unhashed);
  const hash = digest('sha256', `{${members.join(',')}}`, 'hex');
  const record: AuditRecord = Object.freeze({
    ...unhashed,
    policyIds: Object.freeze(unhashed.policyIds),
    hash,
  });
  const hashMember = `"hash":${JSON.stringify(hash)}`;
  const at = members.findIndex((member) => member > hashMember);
  members.splice(at === -1 ? members.length : at, 0, hashMember);
  lines.set(record, `{${members.join(',')}}`);
  return record;
}

/** The line stored for a record (without the newline): canonical JSON, the same every time. */
export function serializeRecord(record: AuditRecord): string {
  return lines.get(record) ?? canonicalJson({ ...hashedFields(record), hash: record.hash });
}

/** The head a record leaves behind. */
export function headOf(record: AuditRecord): AuditHead {
  return { seq: record.seq, hash: record.hash };
}

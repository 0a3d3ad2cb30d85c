import type { z } from 'zod';
import type {
  auditListQuerySchema,
  auditRecordJsonSchema,
} from '../../../src/api/schemas/audit.js';

export type AuditRecordView = z.output<typeof auditRecordJsonSchema>;
export type AuditQuery = z.input<typeof auditListQuerySchema>;

/** The filters of `GET /api/v1/audit` the page keeps in its URL, in the order it shows them. */
export const AUDIT_FILTERS = ['actor', 'action', 'decision', 'target', 'since', 'until'] as const;
export type AuditFilter = (typeof AUDIT_FILTERS)[number];
export type AuditFilters = Partial<Record<AuditFilter, string>>;

export const AUDIT_PAGE_SIZE = 50;

/**
 * How a listed record ended. The server pairs an allowed change's intent with the later
 * record of its outcome (same request id, `outcome.seq` the later record's); a deny, the
 * platform's own work and a change seen in a bucket hold their outcome themselves.
 */
export interface OutcomeView {
  /** `unknown`: no outcome recorded (still running, or the service stopped before it could). */
  readonly kind: 'succeeded' | 'failed' | 'denied' | 'unknown';
  /** `succeeded 201`, `failed 400 INPUT`, `denied 403`, `unknown (not recorded)`. */
  readonly text: string;
  /** The seq of the record holding the outcome when it is not the listed record itself. */
  readonly laterSeq: number | undefined;
  /** When the outcome was recorded; undefined while unknown. */
  readonly time: string | undefined;
}

/** The outcome of one listed record, as the CLI's OUTCOME column words it. */
export function outcomeOf(record: AuditRecordView): OutcomeView {
  const outcome = record.outcome;
  if (outcome === null) {
    return {
      kind: 'unknown',
      text: 'unknown (not recorded)',
      laterSeq: undefined,
      time: undefined,
    };
  }
  const status = outcome.status === null ? [] : [String(outcome.status)];
  const kind = record.decision === 'deny' ? 'denied' : outcome.result;
  const words =
    kind === 'failed'
      ? ['failed', ...status, ...(outcome.problem === null ? [] : [outcome.problem])]
      : [kind, ...status];
  return {
    kind,
    text: words.join(' '),
    laterSeq: outcome.seq === record.seq ? undefined : outcome.seq,
    time: outcome.time,
  };
}

/** The filters in a console URL; empty values count as absent. */
export function auditFiltersFrom(search: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const key of AUDIT_FILTERS) {
    const value = search.get(key)?.trim();
    if (value) filters[key] = value;
  }
  return filters;
}

/** The console URL of a filtered page (`cursor`: `next_cursor` of the page before). */
export function auditHref(filters: AuditFilters, cursor?: string): string {
  const search = new URLSearchParams();
  for (const key of AUDIT_FILTERS) {
    const value = filters[key]?.trim();
    if (value) search.set(key, value);
  }
  if (cursor) search.set('cursor', cursor);
  const text = search.toString();
  return `/audit${text === '' ? '' : `?${text}`}`;
}

/** The API query of a console URL: its filters, the cursor, one page of AUDIT_PAGE_SIZE. */
export function auditQueryFrom(search: URLSearchParams): AuditQuery {
  const filters = auditFiltersFrom(search);
  const cursor = search.get('cursor') ?? '';
  const { decision, ...rest } = filters;
  return {
    ...rest,
    // Any other value goes to the server as it is, which refuses it with its reason.
    ...(decision === undefined ? {} : { decision: decision as 'allow' | 'deny' }),
    ...(cursor === '' ? {} : { cursor }),
    limit: AUDIT_PAGE_SIZE,
  };
}

/**
 * A `datetime-local` value (the reader's zone, to the minute) as an RFC 3339 instant for the
 * API; '' stays ''; undefined for text that is not such a value.
 */
export function instantOfLocal(local: string): string | undefined {
  if (local === '') return '';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(local)) return undefined;
  const at = new Date(local).getTime();
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** An RFC 3339 instant as a `datetime-local` value in the reader's zone ('' if it does not parse). */
export function localOfInstant(instant: string): string {
  const at = new Date(Date.parse(instant));
  if (Number.isNaN(at.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  const time = `${two(at.getHours())}:${two(at.getMinutes())}`;
  return at.getSeconds() === 0 && at.getMilliseconds() === 0
    ? `${date}T${time}`
    : `${date}T${time}:${two(at.getSeconds())}`;
}

/** `120 ms later`, `3.4 s later`: how long after its intent an outcome was recorded. */
export function outcomeDelay(intentTime: string, outcomeTime: string): string {
  const ms = Date.parse(outcomeTime) - Date.parse(intentTime);
  if (Number.isNaN(ms)) return '';
  return ms < 1000 ? `${Math.max(0, ms)} ms later` : `${Math.round(ms / 100) / 10} s later`;
}

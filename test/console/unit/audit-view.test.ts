import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditListQuerySchema,
  auditPageSchema,
  auditRecordJsonSchema,
} from '../../../src/api/schemas/audit.js';
import {
  AUDIT_PAGE_SIZE,
  auditFiltersFrom,
  auditHref,
  auditQueryFrom,
  instantOfLocal,
  localOfInstant,
  outcomeDelay,
  outcomeOf,
  type AuditRecordView,
} from '../../../console/src/format/audit-view.js';

const ZERO = '0'.repeat(64);

function record(fields: Partial<AuditRecordView> & Pick<AuditRecordView, 'seq'>): AuditRecordView {
  // Parsed with the API's own schema, so a fixture that drifts from it fails here.
  return auditRecordJsonSchema.parse({
    time: '2026-12-07T05:00:00.000Z',
    actor: 'dev1@example.com',
    actor_kind: 'user',
    action: 'environment:create',
    target: 'environment/sue-poc',
    decision: 'allow',
    policy_ids: ['product-developers-manage'],
    request_id: 'r-1',
    outcome: null,
    prev_hash: ZERO,
    hash: ZERO,
    ...fields,
  });
}

describe('outcomeOf (an audit record with its outcome, as one row)', () => {
  it('pairs an allowed intent with the later record of its outcome', () => {
    const intent = record({
      seq: 41,
      outcome: {
        result: 'succeeded',
        status: 201,
        problem: null,
        seq: 42,
        time: '2026-12-07T05:00:00.120Z',
      },
    });
    expect(outcomeOf(intent)).toEqual({
      kind: 'succeeded',
      text: 'succeeded 201',
      laterSeq: 42,
      time: '2026-12-07T05:00:00.120Z',
    });
  });

  it('words a failure with its status and the error kind, as the CLI does', () => {
    const intent = record({
      seq: 43,
      outcome: {
        result: 'failed',
        status: 400,
        problem: 'INPUT',
        seq: 44,
        time: '2026-12-07T05:00:01Z',
      },
    });
    expect(outcomeOf(intent)).toMatchObject({
      kind: 'failed',
      text: 'failed 400 INPUT',
      laterSeq: 44,
    });
  });

  it('calls a deny denied, whatever the outcome record says', () => {
    const deny = record({
      seq: 5,
      decision: 'deny',
      policy_ids: [],
      outcome: {
        result: 'failed',
        status: 403,
        problem: 'NOT_ALLOWED',
        seq: 6,
        time: '2026-12-07T05:00:00Z',
      },
    });
    expect(outcomeOf(deny)).toMatchObject({ kind: 'denied', text: 'denied 403' });
  });

  it('shows a complete record (system work) as its own outcome, without a status', () => {
    const reaped = record({
      seq: 7,
      actor: 'system:expiry-reaper',
      actor_kind: 'system',
      request_id: null,
      outcome: {
        result: 'succeeded',
        status: null,
        problem: null,
        seq: 7,
        time: '2026-12-07T05:00:00Z',
      },
    });
    expect(outcomeOf(reaped)).toEqual({
      kind: 'succeeded',
      text: 'succeeded',
      laterSeq: undefined,
      time: '2026-12-07T05:00:00Z',
    });
  });

  it('says unknown, never a guess, for an intent whose outcome was not recorded', () => {
    expect(outcomeOf(record({ seq: 9 }))).toEqual({
      kind: 'unknown',
      text: 'unknown (not recorded)',
      laterSeq: undefined,
      time: undefined,
    });
  });

  it('reads every record the API schema allows', () => {
    const outcome = fc.option(
      fc.record({
        result: fc.constantFrom('succeeded' as const, 'failed' as const),
        status: fc.option(fc.integer({ min: 100, max: 599 })),
        problem: fc.option(fc.constantFrom('INPUT', 'NOT_FOUND', 'INTERNAL')),
        seq: fc.integer({ min: 1, max: 1000 }),
        time: fc.constant('2026-12-07T05:00:00Z'),
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom('allow' as const, 'deny' as const),
        outcome,
        (seq, decision, result) => {
          const view = outcomeOf(record({ seq, decision, outcome: result }));
          if (result === null) return view.kind === 'unknown';
          // The text starts with the kind and carries the status the server answered.
          expect(view.text.split(' ')[0]).toBe(view.kind);
          if (result.status !== null) expect(view.text).toContain(String(result.status));
          expect(view.laterSeq).toBe(result.seq === seq ? undefined : result.seq);
          return decision === 'deny' ? view.kind === 'denied' : view.kind === result.result;
        },
      ),
    );
  });
});

describe('the audit page URL', () => {
  it('keeps the filters and the cursor, and drops empty ones', () => {
    const href = auditHref(
      { actor: 'dev1@example.com', action: 'environment:create', decision: 'deny', target: ' ' },
      'abc',
    );
    expect(href).toBe(
      '/audit?actor=dev1%40example.com&action=environment%3Acreate&decision=deny&cursor=abc',
    );
    expect(auditHref({})).toBe('/audit');
  });

  it('gives back the filters it was built from', () => {
    const filters = {
      actor: 'a@example.com',
      action: 'bucket:claim-rejected',
      decision: 'allow',
      target: 'environment/',
      since: '2026-12-07T04:00:00.000Z',
      until: '2026-12-07T05:00:00.000Z',
    };
    const url = new URL(auditHref(filters, 'c1'), 'http://console.test');
    expect(auditFiltersFrom(url.searchParams)).toEqual(filters);
  });

  it('builds a query the API accepts, one page of AUDIT_PAGE_SIZE', () => {
    const url = new URL(
      auditHref(
        {
          actor: 'a@example.com',
          decision: 'deny',
          target: 'environment/',
          since: '2026-12-07T04:00:00.000Z',
        },
        'Y3Vyc29y',
      ),
      'http://console.test',
    );
    const query = auditQueryFrom(url.searchParams);
    expect(query).toEqual({
      actor: 'a@example.com',
      decision: 'deny',
      target: 'environment/',
      since: '2026-12-07T04:00:00.000Z',
      cursor: 'Y3Vyc29y',
      limit: AUDIT_PAGE_SIZE,
    });
    expect(auditListQuerySchema.safeParse({ ...query, limit: String(query.limit) }).success).toBe(
      true,
    );
  });

  it('passes a bad value on for the server to refuse, rather than dropping it', () => {
    const query = auditQueryFrom(new URLSearchParams('decision=maybe&since=yesterday'));
    expect(query).toMatchObject({ decision: 'maybe', since: 'yesterday' });
    const refused = auditListQuerySchema.safeParse(query);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path[0]).sort()).toEqual([
      'decision',
      'since',
    ]);
  });

  it('reads a page the API answers', () => {
    expect(
      auditPageSchema.safeParse({ items: [record({ seq: 1 })], next_cursor: null }).success,
    ).toBe(true);
  });
});

describe('times in the filter form', () => {
  it('turns a datetime-local value into an RFC 3339 instant the API accepts', () => {
    const instant = instantOfLocal('2026-12-07T05:30');
    expect(instant).toBe(new Date(2026, 11, 7, 5, 30).toISOString());
    expect(auditListQuerySchema.safeParse({ since: instant }).success).toBe(true);
    expect(instantOfLocal('')).toBe('');
    expect(instantOfLocal('yesterday')).toBeUndefined();
    expect(instantOfLocal('2026-13-40T99:00')).toBeUndefined();
  });

  it('round-trips an instant through the form to the second', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2090-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
          const shown = localOfInstant(seconds);
          const sent = instantOfLocal(shown);
          // The reader sees the same local time again. Where a zone repeats an hour (the end
          // of summer time) the instant may be the hour's other reading, so it is compared
          // exactly only when the local time names one instant.
          expect(localOfInstant(sent ?? '')).toBe(shown);
          const hourLater = new Date(Date.parse(seconds) + 3_600_000).toISOString();
          const hourEarlier = new Date(Date.parse(seconds) - 3_600_000).toISOString();
          if (localOfInstant(hourLater) !== shown && localOfInstant(hourEarlier) !== shown) {
            expect(sent).toBe(seconds);
          }
        },
      ),
    );
    expect(localOfInstant('not a time')).toBe('');
  });

  it('says how long after its intent an outcome was recorded', () => {
    expect(outcomeDelay('2026-12-07T05:00:00.000Z', '2026-12-07T05:00:00.049Z')).toBe(
      '49 ms later',
    );
    expect(outcomeDelay('2026-12-07T05:00:00.000Z', '2026-12-07T05:00:03.420Z')).toBe(
      '3.4 s later',
    );
    expect(outcomeDelay('x', '2026-12-07T05:00:03.420Z')).toBe('');
  });
});

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { listAudit } from '../../../src/api/routes/audit.js';
import { InputError } from '../../../src/domain/errors.js';
import { ACTIONS } from '../../../src/domain/policy/actions.js';
import { call } from '../api/client.js';
import { useLoad } from '../api/use-load.js';
import { useNow } from '../components/expiry.js';
import { Field, type FieldAria } from '../components/field.js';
import { Pager } from '../components/pager.js';
import { Problem } from '../components/problem.js';
import { When } from '../components/when.js';
import {
  AUDIT_FILTERS,
  auditFiltersFrom,
  auditHref,
  auditQueryFrom,
  instantOfLocal,
  localOfInstant,
  outcomeDelay,
  outcomeOf,
  type AuditFilter,
  type AuditFilters,
  type AuditRecordView,
} from '../format/audit-view.js';
import { navigate } from '../router.js';

/** Actions the bucket watcher records besides the API's (docs/access.md). */
const WATCHER_ACTIONS = [
  'bucket:object-created',
  'bucket:object-replaced',
  'bucket:object-removed',
  'bucket:claim-rejected',
];

/**
 * The audit log (`GET /api/v1/audit`, `audit:read`): filters and the cursor in the URL, each
 * intent shown with its outcome. The page always asks the server, so a caller without
 * `audit:read` who opens it sees the server's refusal.
 */
export function AuditPage({ here }: { here: URL }) {
  const filters = auditFiltersFrom(here.searchParams);
  const cursor = here.searchParams.get('cursor') ?? undefined;
  const page = useLoad(
    () => call(listAudit, { query: auditQueryFrom(here.searchParams) }).then((a) => a.body),
    [here.search],
  );
  const now = useNow();
  return (
    <>
      <h1>Audit</h1>
      <p class="hint">
        Every denied request and every allowed change, oldest first. An allowed change is recorded
        before it runs and again once answered: both are shown on one row.
      </p>
      <AuditFilterForm
        filters={filters}
        serverErrors={fieldErrorsOf(page.error)}
        onApply={(next) => navigate(auditHref(next))}
      />
      <Problem error={page.error} />
      <p role="status" class="muted">
        {page.loading
          ? 'Loading…'
          : page.data &&
            `${page.data.items.length} record${page.data.items.length === 1 ? '' : 's'} shown${cursor ? ' (a later page)' : ''}`}
      </p>
      {page.data !== undefined &&
        (page.data.items.length === 0 ? (
          <p>No record matches.</p>
        ) : (
          <AuditTable items={page.data.items} now={now} />
        ))}
      <Pager
        onLaterPage={cursor !== undefined}
        nextCursor={page.data?.next_cursor}
        goFirst={() => navigate(auditHref(filters))}
        goNext={(next) => navigate(auditHref(filters, next))}
      />
    </>
  );
}

type FieldErrors = Partial<Record<AuditFilter, string>>;

type FieldProps = FieldAria & { readonly value: string };

/** The server's refusal of the query, field by field (`until: must not be before since`). */
function fieldErrorsOf(error: Error | undefined): FieldErrors {
  if (!(error instanceof InputError)) return {};
  const errors: FieldErrors = {};
  for (const { path, message } of error.errors) {
    const key = AUDIT_FILTERS.find((filter) => filter === path);
    if (key !== undefined) errors[key] ??= message;
  }
  return errors;
}

const LABELS: Record<AuditFilter, string> = {
  actor: 'Actor',
  action: 'Action',
  decision: 'Decision',
  target: 'Resource',
  since: 'Since',
  until: 'Until',
};

function AuditFilterForm({
  filters,
  serverErrors,
  onApply,
}: {
  filters: AuditFilters;
  /** The server's field errors for the query, shown next to their fields. */
  serverErrors: FieldErrors;
  onApply: (filters: AuditFilters) => void;
}) {
  // Times are edited in the reader's zone and sent as RFC 3339 instants; an instant that is
  // not edited is sent back exactly as it was (not rounded to the minute).
  const local = (key: 'since' | 'until') => localOfInstant(filters[key] ?? '');
  const [draft, setDraft] = useState<AuditFilters>({
    ...filters,
    since: local('since'),
    until: local('until'),
  });
  const [timeErrors, setTimeErrors] = useState<FieldErrors>({});
  useEffect(() => {
    setDraft({ ...filters, since: local('since'), until: local('until') });
    setTimeErrors({});
  }, [JSON.stringify(filters)]);
  const errors: FieldErrors = { ...serverErrors, ...timeErrors };
  const set = (key: AuditFilter) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });
  const submit = (event: Event) => {
    event.preventDefault();
    const next: AuditFilters = { ...draft };
    const found: FieldErrors = {};
    for (const key of ['since', 'until'] as const) {
      const text = draft[key] ?? '';
      if (text === local(key)) {
        next[key] = filters[key] ?? '';
        continue;
      }
      const instant = instantOfLocal(text);
      if (instant === undefined) found[key] = 'not a date and time';
      else next[key] = instant;
    }
    setTimeErrors(found);
    if (Object.keys(found).length === 0) onApply(next);
  };
  const field = (key: AuditFilter, control: (props: FieldProps) => ComponentChildren) => (
    <Field id={`audit-${key}`} label={LABELS[key]} error={errors[key]}>
      {(aria) => control({ ...aria, value: draft[key] ?? '' })}
    </Field>
  );
  return (
    <form class="filters" role="search" aria-label="Filter the audit log" onSubmit={submit}>
      {field('actor', (props) => (
        <input {...props} onInput={set('actor')} placeholder="exact subject" />
      ))}
      {field('action', (props) => (
        <input {...props} list="audit-actions" onInput={set('action')} />
      ))}
      <datalist id="audit-actions">
        {[...ACTIONS, ...WATCHER_ACTIONS].map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      {field('decision', (props) => (
        <select {...props} onChange={set('decision')}>
          <option value="">any</option>
          <option value="allow">allow</option>
          <option value="deny">deny</option>
        </select>
      ))}
      {field('target', (props) => (
        <input {...props} onInput={set('target')} placeholder="environment/ or environment/name" />
      ))}
      {field('since', (props) => (
        <input {...props} type="datetime-local" step={1} onInput={set('since')} />
      ))}
      {field('until', (props) => (
        <input {...props} type="datetime-local" step={1} onInput={set('until')} />
      ))}
      <button type="submit">Apply filters</button>
      <button type="button" onClick={() => onApply({})}>
        Clear
      </button>
    </form>
  );
}

function AuditTable({ items, now }: { items: readonly AuditRecordView[]; now: number }) {
  return (
    <table class="audit">
      <caption>Audit records, each intent with its outcome</caption>
      <thead>
        <tr>
          <th scope="col">Seq</th>
          <th scope="col">When</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Resource</th>
          <th scope="col">Decision</th>
          <th scope="col">Outcome</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {items.map((record) => (
          <AuditRow key={record.seq} record={record} now={now} />
        ))}
      </tbody>
    </table>
  );
}

function AuditRow({ record, now }: { record: AuditRecordView; now: number }) {
  const outcome = outcomeOf(record);
  return (
    <tr>
      <th scope="row">{record.seq}</th>
      <td>
        <When at={record.time} now={now} />
      </td>
      <td>
        {record.actor} <span class="muted">({record.actor_kind})</span>
      </td>
      <td>
        <code>{record.action}</code>
      </td>
      <td>
        <code>{record.target}</code>
      </td>
      <td>
        <span class={`decision decision-${record.decision}`}>
          {record.decision === 'allow' ? 'allowed' : 'denied'}
        </span>
      </td>
      <td>
        <span class={`outcome outcome-${outcome.kind}`}>{outcome.text}</span>
        {outcome.laterSeq !== undefined && (
          <div class="muted">
            recorded as #{outcome.laterSeq}
            {outcome.time !== undefined && `, ${outcomeDelay(record.time, outcome.time)}`}
          </div>
        )}
      </td>
      <td>
        <dl class="details">
          {record.detail !== undefined && (
            <>
              <dt>Reason</dt>
              <dd>{record.detail}</dd>
            </>
          )}
          {record.policy_ids.length > 0 && (
            <>
              <dt>Policies</dt>
              <dd>{record.policy_ids.join(', ')}</dd>
            </>
          )}
          {record.object !== undefined && (
            <>
              <dt>Object</dt>
              <dd>
                <code>
                  {record.object.bucket}/{record.object.key}
                </code>
              </dd>
            </>
          )}
          {record.request_id !== null && (
            <>
              <dt>Request</dt>
              <dd>
                <code>{record.request_id}</code>
              </dd>
            </>
          )}
        </dl>
      </td>
    </tr>
  );
}

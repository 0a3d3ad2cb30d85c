import { useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import { listEnvironments } from '../../../src/api/routes/environments.js';
import { listEnvironmentTypes } from '../../../src/api/routes/platform.js';
import type { environmentViewSchema } from '../../../src/api/schemas/environments.js';
import { call } from '../api/client.js';
import { useLoad } from '../api/use-load.js';
import { Expiry, useNow } from '../components/expiry.js';
import { Pager } from '../components/pager.js';
import { Problem } from '../components/problem.js';
import { Link, navigate } from '../router.js';

export type EnvironmentView = z.output<typeof environmentViewSchema>;

const FILTERS = ['type', 'pool', 'user', 'q'] as const;
type Filter = (typeof FILTERS)[number];
export const PAGE_SIZE = 50;

/**
 * The permission-filtered list (`GET /api/v1/environments`, the same query as `platformctl
 * env list`): filters and the cursor live in the URL, so a filtered page can be shared.
 */
export function EnvironmentsPage({ here }: { here: URL }) {
  const filters = Object.fromEntries(
    FILTERS.flatMap((key) => {
      const value = here.searchParams.get(key);
      return value === null || value === '' ? [] : [[key, value]];
    }),
  ) as Partial<Record<Filter, string>>;
  const cursor = here.searchParams.get('cursor') ?? undefined;
  const query = { ...filters, limit: PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) };
  const page = useLoad(() => {
    performance.mark('environments:fetch-start');
    return call(listEnvironments, { query }).then((answer) => answer.body);
  }, [here.search]);
  const types = useLoad(
    () => call(listEnvironmentTypes).then((answer) => answer.body.items.map((type) => type.name)),
    [],
  );
  const now = useNow();

  useEffect(() => {
    if (page.data !== undefined) performance.mark('environments:rendered');
  }, [page.data]);

  const go = (next: Partial<Record<Filter | 'cursor', string>>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value) search.set(key, value);
    const text = search.toString();
    navigate(`/environments${text === '' ? '' : `?${text}`}`);
  };

  return (
    <>
      <h1>Environments</h1>
      <FilterForm filters={filters} types={types.data ?? []} onApply={(next) => go(next)} />
      <Problem error={page.error} />
      <p role="status" class="muted">
        {page.loading
          ? 'Loading…'
          : page.data && `${page.data.items.length} shown${cursor ? ' (a later page)' : ''}`}
      </p>
      {page.data !== undefined &&
        (page.data.items.length === 0 ? (
          <p>No environment you may read matches.</p>
        ) : (
          <EnvironmentTable items={page.data.items} now={now} />
        ))}
      <Pager
        onLaterPage={cursor !== undefined}
        nextCursor={page.data?.next_cursor}
        goFirst={() => go(filters)}
        goNext={(next) => go({ ...filters, cursor: next })}
      />
    </>
  );
}

function FilterForm({
  filters,
  types,
  onApply,
}: {
  filters: Partial<Record<Filter, string>>;
  types: readonly string[];
  onApply: (filters: Partial<Record<Filter, string>>) => void;
}) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [JSON.stringify(filters)]);
  const set = (key: Filter) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });
  return (
    <form
      class="filters"
      role="search"
      aria-label="Filter environments"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <label>
        Type
        <select value={draft.type ?? ''} onChange={set('type')}>
          <option value="">any</option>
          {types.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </label>
      <label>
        Pool
        <input value={draft.pool ?? ''} onInput={set('pool')} />
      </label>
      <label>
        User
        <input value={draft.user ?? ''} onInput={set('user')} />
      </label>
      <label>
        Text
        <input type="search" value={draft.q ?? ''} onInput={set('q')} />
      </label>
      <button type="submit">Apply filters</button>
      <button type="button" onClick={() => onApply({})}>
        Clear
      </button>
    </form>
  );
}

function EnvironmentTable({ items, now }: { items: readonly EnvironmentView[]; now: number }) {
  return (
    <table class="environments">
      <caption class="visually-hidden">Environments you may read</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Pool</th>
          <th scope="col">User</th>
          <th scope="col">Phase</th>
          <th scope="col">Expiry</th>
          <th scope="col">Managed</th>
        </tr>
      </thead>
      <tbody>
        {items.map((environment) => (
          <tr key={environment.environment_name}>
            <th scope="row">
              <Link href={`/environments/${encodeURIComponent(environment.environment_name)}`}>
                {environment.environment_name}
              </Link>
            </th>
            <td>{environment.environment_type}</td>
            <td>{environment.environment_pool}</td>
            <td>{environment.user}</td>
            <td>{environment.status.phase ?? '—'}</td>
            <td>
              <Expiry
                expiresAt={environment.status.expires_at}
                expiring={environment.status.expiring}
                now={now}
              />
            </td>
            <td>{environment.status.managed_by === 'git' ? 'static (Git)' : 'dynamic'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

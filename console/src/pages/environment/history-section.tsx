import { useState } from 'preact/hooks';
import type { z } from 'zod';
import {
  environmentHistory,
  rollbackEnvironment,
} from '../../../../src/api/routes/environments.js';
import type { deploymentHistorySchema } from '../../../../src/api/schemas/deployments.js';
import { NotFoundError } from '../../../../src/domain/errors.js';
import { call } from '../../api/client.js';
import { useLoad } from '../../api/use-load.js';
import { Problem } from '../../components/problem.js';
import { ChangeProblem } from './change-problem.js';
import { shortDigest } from './service-rows.js';

type History = z.output<typeof deploymentHistorySchema>;
type Entry = History['items'][number];

/**
 * The render revisions (`GET …/history`, newest first), each with what changed, and a
 * rollback (`POST …/rollback { revision }`) to any earlier one when `mayRollBack`.
 */
export function HistorySection({
  name,
  etag,
  mayRollBack,
  onChanged,
  onReload,
}: {
  name: string;
  /** Reloads the history whenever the environment changes. */
  etag: string;
  mayRollBack: boolean;
  onChanged: (message: string) => void;
  onReload: () => void;
}) {
  const history = useLoad(
    () => call(environmentHistory, { params: { name } }).then((answer) => answer.body),
    [name, etag],
  );
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState<number | undefined>();

  const rollBack = async (revision: number) => {
    setBusy(revision);
    setError(undefined);
    try {
      const status = await call(rollbackEnvironment, {
        params: { name },
        body: { revision },
      });
      onChanged(
        `Rolled back to the versions of revision ${revision} (now revision ${status.body.revision}); they stay pinned until the services change.`,
      );
      history.reload();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      {history.error instanceof NotFoundError ? (
        <p class="muted">No render history: {history.error.message}.</p>
      ) : (
        <Problem error={history.error} />
      )}
      <ChangeProblem error={error} onReload={onReload} />
      {history.data !== undefined &&
        (history.data.items.length === 0 ? (
          <p>Not rendered yet.</p>
        ) : (
          <table class="history">
            <caption class="visually-hidden">Render revisions, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Revision</th>
                <th scope="col">When</th>
                <th scope="col">Why</th>
                <th scope="col">Changes</th>
                {mayRollBack && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {history.data.items.map((entry) => (
                <HistoryRow
                  key={entry.revision}
                  entry={entry}
                  current={history.data?.revision}
                  pinned={history.data?.pinned_revision ?? null}
                  mayRollBack={mayRollBack}
                  busy={busy}
                  onRollBack={(revision) => void rollBack(revision)}
                />
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

function HistoryRow({
  entry,
  current,
  pinned,
  mayRollBack,
  busy,
  onRollBack,
}: {
  entry: Entry;
  current: number | undefined;
  pinned: number | null;
  mayRollBack: boolean;
  busy: number | undefined;
  onRollBack: (revision: number) => void;
}) {
  const isCurrent = entry.revision === current;
  return (
    <tr>
      <th scope="row">
        {entry.revision}
        {isCurrent && <span class="tag">current</span>}
        {pinned === entry.revision && <span class="tag">pinned</span>}
      </th>
      <td>
        <time dateTime={entry.at}>{entry.at}</time>
      </td>
      <td>
        {entry.reason}
        {entry.rolled_back_to !== undefined && ` (to revision ${entry.rolled_back_to})`}
      </td>
      <td>
        {entry.changes.length === 0 ? (
          <span class="muted">no version change</span>
        ) : (
          <ul class="plain">
            {entry.changes.map((change) => (
              <li key={change.service}>
                <code>{change.service}</code>: {change.from?.tag ?? '—'} → {change.to?.tag ?? '—'}
                {change.to !== null && (
                  <span class="muted" title={change.to.digest}>
                    {' '}
                    ({shortDigest(change.to.digest)})
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </td>
      {mayRollBack && (
        <td>
          {!isCurrent && (
            <button
              type="button"
              disabled={busy !== undefined}
              onClick={() => onRollBack(entry.revision)}
            >
              {busy === entry.revision
                ? 'Rolling back…'
                : `Roll back to revision ${entry.revision}`}
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

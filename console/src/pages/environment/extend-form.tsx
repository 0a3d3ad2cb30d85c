import { useEffect, useState } from 'preact/hooks';
import { updateEnvironment } from '../../../../src/api/routes/environments.js';
import { call } from '../../api/client.js';
import { ChangeProblem } from './change-problem.js';
import {
  durationWords,
  extendRange,
  fromLocalInput,
  toLocalInput,
  type ExtendRange,
} from './extend-range.js';
import type { EnvironmentView } from './service-rows.js';

/**
 * `PATCH` with a new `expiration_date` and `If-Match`. The input shows the type's range but
 * does not block a date outside it: the server is the judge, and its refusal is shown.
 */
export function ExtendForm({
  view,
  type,
  now,
  typeError,
  onChanged,
  onReload,
}: {
  view: EnvironmentView;
  type: { expiry: { default: string | null; maximum: string } | null } | undefined;
  /** Why the type's limits could not be loaded; the server still judges the date. */
  typeError: Error | undefined;
  now: number;
  onChanged: (message: string) => void;
  onReload: () => void;
}) {
  const range: ExtendRange | undefined =
    type === undefined ? undefined : extendRange(type, view.creation_date, now);
  const [value, setValue] = useState(() =>
    range?.kind === 'open' ? toLocalInput(range.latest) : '',
  );
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  // The type's limits may arrive after the environment: start at the latest allowed date.
  const latest = range?.kind === 'open' ? toLocalInput(range.latest) : '';
  useEffect(() => {
    if (value === '' && latest !== '') setValue(latest);
  }, [latest]);
  const hintId = `extend-hint-${view.environment_name}`;
  const outside =
    range?.kind === 'open' && value !== '' ? outsideRange(fromLocalInput(value), range) : undefined;

  const submit = async (event: Event) => {
    event.preventDefault();
    const expiration = fromLocalInput(value);
    if (expiration === undefined) {
      setError(new Error('Enter a date and time.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await call(updateEnvironment, {
        params: { name: view.environment_name },
        headers: { 'if-match': `"${view.status.etag}"` },
        body: { expiration_date: expiration },
      });
      onChanged(`Expiry set to ${expiration}.`);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };

  // Nothing to choose: the type never expires, or its maximum lifetime has passed.
  if (range !== undefined && range.kind !== 'open') {
    return (
      <section aria-labelledby="extend-heading">
        <h2 id="extend-heading">Extend</h2>
        <p class="hint">{rangeText(range)}</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="extend-heading">
      <h2 id="extend-heading">Extend</h2>
      <form class="stacked" noValidate onSubmit={(event) => void submit(event)}>
        <label for="extend-date">New expiry (your local time)</label>
        <input
          id="extend-date"
          type="datetime-local"
          value={value}
          aria-describedby={hintId}
          aria-invalid={error !== undefined || outside !== undefined ? true : undefined}
          {...(range?.kind === 'open'
            ? { min: toLocalInput(range.earliest), max: toLocalInput(range.latest) }
            : {})}
          onInput={(event) => setValue(event.currentTarget.value)}
        />
        <p id={hintId} class="hint">
          {typeError === undefined
            ? rangeText(range)
            : `The type's limits could not be loaded (${typeError.message}); the server checks the date.`}
          {outside !== undefined && (
            <>
              {' '}
              <span class="field-error">{outside}</span>
            </>
          )}
        </p>
        <div>
          <button type="submit" disabled={busy}>
            {busy ? 'Extending…' : 'Extend'}
          </button>
        </div>
      </form>
      <ChangeProblem error={error} onReload={onReload} />
    </section>
  );
}

function rangeText(range: ExtendRange | undefined): string {
  if (range === undefined) return 'Loading the type’s limits…';
  if (range.kind === 'never') return 'Environments of this type never expire.';
  if (range.kind === 'closed') {
    return `The type allows at most ${durationWords(range.maximum)} after creation, which ended ${range.latest.toISOString()}.`;
  }
  return `Allowed: from ${range.earliest.toLocaleString()} to ${range.latest.toLocaleString()} (at most ${durationWords(range.maximum)} after creation).`;
}

function outsideRange(
  expiration: string | undefined,
  range: Extract<ExtendRange, { kind: 'open' }>,
): string | undefined {
  if (expiration === undefined) return undefined;
  const at = Date.parse(expiration);
  if (at > range.latest.getTime()) return 'This is past the maximum; the server will refuse it.';
  if (at < range.earliest.getTime() - 60_000) return 'This is not in the future.';
  return undefined;
}

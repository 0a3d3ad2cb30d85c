import { useState } from 'preact/hooks';
import { deleteEnvironment } from '../../../../src/api/routes/environments.js';
import { call } from '../../api/client.js';
import { navigate } from '../../router.js';
import { ChangeProblem } from './change-problem.js';
import type { EnvironmentView } from './service-rows.js';

/** `DELETE` with `If-Match`, enabled only once the environment's name is typed. */
export function DeleteForm({ view, onReload }: { view: EnvironmentView; onReload: () => void }) {
  const name = view.environment_name;
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const confirmed = typed === name;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!confirmed) return;
    setBusy(true);
    setError(undefined);
    try {
      await call(deleteEnvironment, {
        params: { name },
        headers: { 'if-match': `"${view.status.etag}"` },
      });
      navigate('/environments');
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete</h2>
      <form class="stacked" onSubmit={(event) => void submit(event)}>
        <p id="delete-hint" class="hint">
          Deleting removes the claim; the platform tears the environment down. This cannot be
          undone. Type <code>{name}</code> to confirm.
        </p>
        <label for="delete-confirm">Environment name</label>
        <input
          id="delete-confirm"
          value={typed}
          autocomplete="off"
          spellcheck={false}
          aria-describedby="delete-hint"
          onInput={(event) => setTyped(event.currentTarget.value)}
        />
        <div>
          <button type="submit" class="danger" disabled={!confirmed || busy}>
            {busy ? 'Deleting…' : 'Delete'}
          </button>
        </div>
      </form>
      <ChangeProblem error={error} onReload={onReload} />
    </section>
  );
}

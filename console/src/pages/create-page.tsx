import { useMemo, useRef, useState } from 'preact/hooks';
import { createEnvironment } from '../../../src/api/routes/environments.js';
import { listEnvironmentTypes } from '../../../src/api/routes/platform.js';
import { InputError } from '../../../src/domain/errors.js';
import { durationMs } from '../../../src/domain/shared/duration.js';
import { call } from '../api/client.js';
import { useLoad } from '../api/use-load.js';
import { useNow } from '../components/expiry.js';
import { Problem } from '../components/problem.js';
import { navigate } from '../router.js';
import { useWhoAmI } from '../session/who-am-i.js';
import {
  claimBody,
  draftProblems,
  fieldOfPath,
  type CreateDraft,
  type FieldKey,
  type ServiceDraft,
} from './create/claim-draft.js';
import { PoolField } from './create/pool-field.js';
import { ServicesField } from './create/services-field.js';
import { policyOf, typeRules } from './create/type-rules.js';
import { Field } from '../components/field.js';
import { durationWords, toLocalInput } from './environment/extend-range.js';

let nextRowKey = 1;
export const newServiceRow = (): ServiceDraft => ({ key: nextRowKey++, name: '', version: '' });

/**
 * `POST /api/v1/environments`: a claim built field by field, checked live with the
 * domain's own rules and previewed exactly as it will be sent. The server decides; its
 * field errors appear next to their fields and its reason above the form.
 */
export function CreatePage() {
  const me = useWhoAmI();
  const types = useLoad(() => call(listEnvironmentTypes).then((answer) => answer.body.items), []);
  const creatable = useMemo(
    () =>
      [...new Set([...me.create.flatMap((entry) => entry.types), ...me.create_any_pool])].sort(),
    [me],
  );
  const [draft, setDraft] = useState<CreateDraft>(() => ({
    name: '',
    type: creatable.length === 1 ? (creatable[0] ?? '') : '',
    pool: '',
    services: [newServiceRow()],
    expiry: '',
  }));
  const [touched, setTouched] = useState<ReadonlySet<FieldKey>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<ReadonlyMap<FieldKey, string>>(new Map());
  const [refusal, setRefusal] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const now = useNow(30_000);

  const type = types.data?.find((candidate) => candidate.name === draft.type);
  const policy = useMemo(() => policyOf(types.data), [types.data]);
  const live = draftProblems(draft, type, new Date(now), policy);
  const body = claimBody(draft);
  const errorOf = (key: FieldKey): string | undefined =>
    serverErrors.get(key) ?? (submitted || touched.has(key) ? live.get(key) : undefined);

  /** A change to some fields: they count as touched and lose the server's old verdict. */
  const change = (next: Partial<CreateDraft>, keys: readonly FieldKey[]) => {
    setDraft((previous) => ({ ...previous, ...next }));
    setTouched((previous) => new Set([...previous, ...keys]));
    if (keys.some((key) => serverErrors.has(key))) {
      setServerErrors((previous) => new Map([...previous].filter(([key]) => !keys.includes(key))));
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    if (live.size > 0) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    setRefusal(undefined);
    setServerErrors(new Map());
    try {
      const created = await call(createEnvironment, { body: body as never });
      navigate(`/environments/${encodeURIComponent(created.body.environment_name)}`);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const placed = new Map<FieldKey, string>();
      if (error instanceof InputError) {
        for (const field of error.errors) {
          const key = fieldOfPath(field.path, draft);
          if (key !== undefined && !placed.has(key)) placed.set(key, field.message);
        }
      }
      setServerErrors(placed);
      setRefusal(error);
      setBusy(false);
      focusFirstInvalid(form.current);
    }
  };

  // Field errors the form has no field for stay with the top-level reason.
  const unplaced =
    refusal instanceof InputError
      ? refusal.errors.filter((field) => fieldOfPath(field.path, draft) === undefined)
      : [];
  const rules = draft.type === '' ? undefined : typeRules(draft.type, type, policy);
  const maximum = type?.expiry?.maximum;
  return (
    <>
      <h1>Create an environment</h1>
      {creatable.length === 0 && (
        <p>The server lists no pool and type you may create environments in.</p>
      )}
      <Problem error={types.error} title="Cannot load the environment types:" />
      {refusal instanceof InputError ? (
        <div class="problem" role="alert">
          <strong>Refused:</strong> {refusal.message}
          {unplaced.length > 0 && (
            <ul>
              {unplaced.map((field) => (
                <li key={field.path}>
                  <code>{field.path}</code>: {field.message}
                </li>
              ))}
            </ul>
          )}
          {unplaced.length < refusal.errors.length && <> (see the marked fields below)</>}
        </div>
      ) : (
        <Problem error={refusal} />
      )}
      <form ref={form} class="create" noValidate onSubmit={(event) => void submit(event)}>
        <Field
          id="create-name"
          label="Name"
          error={errorOf('environment_name')}
          hint="A DNS label: lower-case letters, digits and '-'."
        >
          {(aria) => (
            <input
              {...aria}
              value={draft.name}
              autocomplete="off"
              spellcheck={false}
              onInput={(event) => change({ name: event.currentTarget.value }, ['environment_name'])}
            />
          )}
        </Field>
        <Field id="create-type" label="Type" error={errorOf('environment_type')}>
          {(aria) => (
            <select
              {...aria}
              value={draft.type}
              onChange={(event) =>
                // The pool starts over: the choice depends on the type.
                change({ type: event.currentTarget.value, pool: '' }, ['environment_type'])
              }
            >
              <option value="">Choose a type</option>
              {creatable.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        {rules !== undefined && (
          <div class="type-rules" aria-live="polite">
            <p class="hint">{type?.description}</p>
            <dl class="facts">
              <dt>Expiry</dt>
              <dd>{rules.expiry}</dd>
              <dt>Versions accepted</dt>
              <dd>{rules.versions.join(', ')}</dd>
            </dl>
          </div>
        )}
        <PoolField
          me={me}
          type={draft.type}
          value={draft.pool}
          error={errorOf('environment_pool')}
          onChange={(pool) => change({ pool }, ['environment_pool'])}
        />
        <ServicesField
          rows={draft.services}
          errorOf={errorOf}
          onChange={(services, keys) => change({ services }, keys)}
          newRow={newServiceRow}
        />
        <Field
          id="create-expiry"
          label="Expiry (optional, your local time)"
          error={errorOf('expiration_date')}
          hint={
            type === undefined || draft.type === ''
              ? 'Choose a type to see its limits.'
              : type.expiry === null
                ? 'This type never expires: leave it empty.'
                : `Leave empty for the type's default. At most ${durationWords(type.expiry.maximum)} from now.`
          }
        >
          {(aria) => (
            <input
              {...aria}
              type="datetime-local"
              value={draft.expiry}
              disabled={type?.expiry === null}
              {...(maximum === undefined
                ? {}
                : {
                    min: toLocalInput(new Date(now)),
                    max: toLocalInput(new Date(now + durationMs(maximum))),
                  })}
              onInput={(event) =>
                change({ expiry: event.currentTarget.value }, ['expiration_date'])
              }
            />
          )}
        </Field>
        <section aria-labelledby="preview-heading">
          <h2 id="preview-heading">Request preview</h2>
          <p class="hint">
            <code>POST /api/v1/environments</code> with this body, exactly:
          </p>
          <pre aria-label="Request body" tabIndex={0}>
            {JSON.stringify(body, null, 2)}
          </pre>
        </section>
        <div>
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </>
  );
}

function focusFirstInvalid(form: HTMLFormElement | null): void {
  // After the render that marks the fields.
  setTimeout(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(), 0);
}

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { explainAccess } from '../../../../src/api/routes/access.js';
import { listEnvironmentTypes } from '../../../../src/api/routes/platform.js';
import { ACTIONS, ACTION_RESOURCE_KIND } from '../../../../src/domain/policy/actions.js';
import { InputError } from '../../../../src/domain/errors.js';
import { call } from '../../api/client.js';
import { useLoad } from '../../api/use-load.js';
import { Problem } from '../../components/problem.js';
import {
  accessHref,
  EXPLAIN_FIELDS,
  explainFieldOf,
  explainFormFrom,
  explainQueryOf,
  isAction,
  type ExplainForm,
  type FieldErrors,
} from '../../format/access-queries.js';
import { navigate } from '../../router.js';
import type { WhoAmI } from '../../session/who-am-i.js';
import { Field, type FieldAria } from '../../components/field.js';
import { GroupChain } from './group-chain.js';

/**
 * "May I …, and why?": `GET /api/v1/access/explain` for an action and a resource, with the
 * deciding policies and the group path from the principal to the groups they name. The
 * question lives in the URL, so an answer can be linked.
 */
export function ExplainSection({ here, me, admin }: { here: URL; me: WhoAmI; admin: boolean }) {
  const form = explainFormFrom(here.searchParams);
  const request = form.action === '' ? undefined : explainQueryOf(form, me);
  const answer = useLoad(
    () =>
      request !== undefined && 'query' in request
        ? call(explainAccess, { query: request.query }).then((a) => a.body)
        : Promise.resolve(undefined),
    [JSON.stringify(request)],
  );
  const serverErrors: FieldErrors = {};
  if (answer.error instanceof InputError) {
    for (const field of answer.error.errors) {
      const key = explainFieldOf(field.path);
      if (key !== undefined) serverErrors[key] = field.message;
    }
  }
  const localErrors = request !== undefined && 'errors' in request ? request.errors : {};
  return (
    <section aria-labelledby="explain-heading">
      <h2 id="explain-heading">Explain a decision</h2>
      <p class="hint">
        Pick an action and what it applies to: the platform answers whether it is allowed, which
        policies decided, and through which groups.
      </p>
      <ExplainFormView
        form={form}
        me={me}
        admin={admin}
        errors={{ ...serverErrors, ...localErrors }}
        onApply={(next) =>
          navigate(
            accessHref(
              here.searchParams,
              Object.fromEntries(EXPLAIN_FIELDS.map((key) => [key, next[key]])),
            ),
          )
        }
      />
      {answer.error !== undefined && <Problem error={answer.error} />}
      {answer.loading && request !== undefined && (
        <p role="status" class="muted">
          Asking…
        </p>
      )}
      {answer.data !== undefined && !answer.loading && <Explanation result={answer.data} />}
    </section>
  );
}

function ExplainFormView({
  form,
  me,
  admin,
  errors,
  onApply,
}: {
  form: ExplainForm;
  me: WhoAmI;
  admin: boolean;
  errors: FieldErrors;
  onApply: (form: ExplainForm) => void;
}) {
  const [draft, setDraft] = useState(form);
  useEffect(() => setDraft(form), [JSON.stringify(form)]);
  const types = useLoad(
    () => call(listEnvironmentTypes).then((a) => a.body.items.map((type) => type.name)),
    [],
  );
  const set = (key: keyof ExplainForm) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });
  const kind = isAction(draft.action) ? ACTION_RESOURCE_KIND[draft.action] : undefined;
  const create = draft.action === 'environment:create';
  const pools = [...new Set(me.create.map((entry) => entry.pool))];
  const field = (
    key: keyof ExplainForm,
    label: string,
    input: (props: FieldAria) => ComponentChildren,
  ) => {
    return (
      <Field id={`explain-${key}`} label={label} error={errors[key]}>
        {(aria) => input(aria)}
      </Field>
    );
  };
  return (
    <form
      class="filters"
      aria-label="Explain a decision"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      {field('action', 'Action', (props) => (
        <select {...props} value={draft.action} onChange={set('action')}>
          <option value="">choose…</option>
          {ACTIONS.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>
      ))}
      {kind === 'environment' &&
        field('name', 'Environment name', (props) => (
          <input {...props} value={draft.name} onInput={set('name')} />
        ))}
      {create &&
        field('pool', 'Pool', (props) => (
          <input {...props} list="explain-pools" value={draft.pool} onInput={set('pool')} />
        ))}
      {create && (
        <datalist id="explain-pools">
          {pools.map((pool) => (
            <option key={pool} value={pool} />
          ))}
        </datalist>
      )}
      {create &&
        field('type', 'Type', (props) => (
          <select {...props} value={draft.type} onChange={set('type')}>
            <option value="">choose…</option>
            {(types.data ?? (draft.type ? [draft.type] : [])).map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        ))}
      {kind === 'platform' && <p class="muted">on the platform itself</p>}
      {admin &&
        field('principal', 'As (optional)', (props) => (
          <input
            {...props}
            value={draft.principal}
            onInput={set('principal')}
            placeholder={`user:${me.subject}`}
          />
        ))}
      {admin &&
        field('groups', 'With IdP groups (optional)', (props) => (
          <input
            {...props}
            value={draft.groups}
            onInput={set('groups')}
            placeholder="comma-separated"
          />
        ))}
      <button type="submit">Explain</button>
    </form>
  );
}

type ExplainResult = Awaited<ReturnType<typeof call<typeof explainAccess>>>['body'];

function Explanation({ result }: { result: ExplainResult }) {
  const allowed = result.decision === 'allow';
  return (
    <div class="explanation" aria-live="polite">
      <h3>
        <span class={`decision decision-${result.decision}`}>{allowed ? 'Allowed' : 'Denied'}</span>
        : <code>{result.action}</code> on <code>{result.resource}</code> for{' '}
        {result.principal.subject}
      </h3>
      <h4>Deciding policies</h4>
      {result.policy_ids.length === 0 ? (
        <p>
          {allowed
            ? 'No policy named.'
            : 'None: no policy permits it, and what no policy permits is denied.'}
        </p>
      ) : (
        <ul>
          {result.policy_ids.map((id) => (
            <li key={id}>
              <code>{id}</code>
            </li>
          ))}
        </ul>
      )}
      <h4>Through the groups</h4>
      {result.via.length === 0 ? (
        <p>
          {result.policy_ids.length === 0
            ? `No policy gives it to ${result.principal.subject} or any of their groups.`
            : `The deciding policies name none of ${result.principal.subject}’s groups: they apply to the principal or the resource directly.`}
        </p>
      ) : (
        result.via.map((path) => (
          <GroupChain key={path.group} group={path.group} path={path.path} />
        ))
      )}
      <details>
        <summary>
          All groups of {result.principal.subject} ({result.memberships.length})
        </summary>
        {result.memberships.map((path) => (
          <GroupChain key={path.group} group={path.group} path={path.path} />
        ))}
      </details>
    </div>
  );
}

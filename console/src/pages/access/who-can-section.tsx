import { useEffect, useState } from 'preact/hooks';
import { whoCan } from '../../../../src/api/routes/access.js';
import { GRANT_LEVELS, OUTPUT_TOOLS } from '../../../../src/domain/access/access-output.js';
import { call } from '../../api/client.js';
import { useLoad } from '../../api/use-load.js';
import { Problem } from '../../components/problem.js';
import { accessHref, whoCanQueryFrom } from '../../format/access-queries.js';
import { navigate } from '../../router.js';
import { GrantTable } from './user-access-report.js';

/**
 * Who holds at least a level on a tool, in a namespace or anywhere (`GET
 * /api/v1/access/who-can`, platform admins). The question lives in the URL; opened by
 * someone the server refuses, it shows the server's reason, and the form is offered only
 * when `offer` (the server said the caller may ask).
 */
export function WhoCanSection({ here, offer }: { here: URL; offer: boolean }) {
  const query = whoCanQueryFrom(here.searchParams);
  const answer = useLoad(
    () =>
      query === undefined
        ? Promise.resolve(undefined)
        : call(whoCan, { query }).then((a) => a.body),
    [JSON.stringify(query)],
  );
  const [draft, setDraft] = useState({
    tool: query?.tool ?? '',
    level: query?.level ?? '',
    namespace: query?.namespace ?? '',
  });
  useEffect(
    () =>
      setDraft({
        tool: query?.tool ?? '',
        level: query?.level ?? '',
        namespace: query?.namespace ?? '',
      }),
    [JSON.stringify(query)],
  );
  const set = (key: keyof typeof draft) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [key]: event.currentTarget.value });
  return (
    <section aria-labelledby="who-can-heading">
      <h2 id="who-can-heading">Who can</h2>
      {offer && (
        <form
          class="filters"
          aria-label="Who can"
          onSubmit={(event) => {
            event.preventDefault();
            navigate(accessHref(here.searchParams, draft));
          }}
        >
          <label>
            Tool
            <select required value={draft.tool} onChange={set('tool')}>
              <option value="">choose…</option>
              {OUTPUT_TOOLS.map((tool) => (
                <option key={tool} value={tool}>
                  {tool}
                </option>
              ))}
            </select>
          </label>
          <label>
            At least
            <select required value={draft.level} onChange={set('level')}>
              <option value="">choose…</option>
              {GRANT_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {level}
                </option>
              ))}
            </select>
          </label>
          <label>
            Namespace (optional)
            <input value={draft.namespace} onInput={set('namespace')} placeholder="anywhere" />
          </label>
          <button type="submit">Find who can</button>
        </form>
      )}
      <Problem error={answer.error} />
      {answer.loading && query !== undefined && (
        <p role="status" class="muted">
          Asking…
        </p>
      )}
      {answer.data !== undefined && !answer.loading && <WhoCanAnswer answer={answer.data} />}
    </section>
  );
}

type Answer = Awaited<ReturnType<typeof call<typeof whoCan>>>['body'];

function WhoCanAnswer({ answer }: { answer: Answer }) {
  const where =
    answer.query.namespace === undefined ? 'anywhere' : `in namespace ${answer.query.namespace}`;
  const title = `At least ${answer.query.level} on ${answer.query.tool} ${where}`;
  return (
    <div class="who-can">
      <h3>{title}</h3>
      {answer.product !== undefined && (
        <p>
          The namespace belongs to product <strong>{answer.product}</strong>: its product-wide
          grants count too.
        </p>
      )}
      <table>
        <caption>Users holding it directly</caption>
        <thead>
          <tr>
            <th scope="col">User</th>
          </tr>
        </thead>
        <tbody>
          {answer.users.length === 0 && (
            <tr>
              <td>None.</td>
            </tr>
          )}
          {answer.users.map((user) => (
            <tr key={user}>
              <th scope="row">{user}</th>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>Groups holding it, with the members the model knows</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Members</th>
          </tr>
        </thead>
        <tbody>
          {answer.groups.length === 0 && (
            <tr>
              <td colSpan={2}>None.</td>
            </tr>
          )}
          {answer.groups.map((group) => (
            <tr key={group.name}>
              <th scope="row">
                <code>{group.name}</code>
              </th>
              <td>{group.members.length === 0 ? 'none known' : group.members.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {answer.others.length > 0 && (
        <table>
          <caption>Other subjects (service accounts, repositories)</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Name</th>
            </tr>
          </thead>
          <tbody>
            {answer.others.map((other) => (
              <tr key={`${other.kind}:${other.name}`}>
                <td>{other.kind}</td>
                <th scope="row">{other.name}</th>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>The grants ({answer.grants.length})</summary>
        <GrantTable caption={`Grants: ${title}`} grants={answer.grants} empty="No grant." />
      </details>
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { userAccess } from '../../../../src/api/routes/access.js';
import { call } from '../../api/client.js';
import { useLoad } from '../../api/use-load.js';
import { Problem } from '../../components/problem.js';
import { accessHref } from '../../format/access-queries.js';
import { navigate } from '../../router.js';
import { UserAccessReport } from './user-access-report.js';

/** A user's access across tools, for a user given in the URL's `user` (platform admins). */
export function UserLookupSection({ here, me, offer }: { here: URL; me: string; offer: boolean }) {
  const user = here.searchParams.get('user')?.trim() ?? '';
  const [draft, setDraft] = useState(user);
  useEffect(() => setDraft(user), [user]);
  return (
    <section aria-labelledby="user-access-heading">
      <h2 id="user-access-heading">A user’s access across tools</h2>
      {offer && (
        <form
          class="filters"
          aria-label="A user’s access"
          onSubmit={(event) => {
            event.preventDefault();
            navigate(accessHref(here.searchParams, { user: draft }));
          }}
        >
          <label>
            User
            <input
              required
              value={draft}
              onInput={(event) => setDraft(event.currentTarget.value)}
              placeholder="subject or e-mail"
            />
          </label>
          <button type="submit">Show access</button>
        </form>
      )}
      {user !== '' && <UserAccessAnswer user={user} you={user === me} />}
    </section>
  );
}

/** Asks the server for one user's access and shows it, or the server's reason. */
export function UserAccessAnswer({ user, you }: { user: string; you: boolean }) {
  const report = useLoad(() => call(userAccess, { params: { user } }).then((a) => a.body), [user]);
  return (
    <>
      <Problem error={report.error} />
      {report.loading && (
        <p role="status" class="muted">
          Loading…
        </p>
      )}
      {report.data !== undefined && !report.loading && (
        <UserAccessReport report={report.data} you={you} />
      )}
    </>
  );
}

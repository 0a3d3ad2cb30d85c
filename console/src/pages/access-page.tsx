import { useWhoAmI, type WhoAmI } from '../session/who-am-i.js';
import { ExplainSection } from './access/explain-section.js';
import { UserAccessAnswer, UserLookupSection } from './access/user-access-section.js';
import { WhoCanSection } from './access/who-can-section.js';

/** The platform action that reads the compiled access (who-can, a user's access across tools). */
const COMPILE = 'access:compile';

/**
 * "My access": who the platform takes you for, what you may do and why (explain), and, for
 * those the server allows `access:compile` (platform admins), who-can and any user's access
 * across tools. An admin question opened from a link by someone else is still asked, so
 * they see the server's reason rather than nothing.
 */
export function AccessPage({ here }: { here: URL }) {
  const me = useWhoAmI();
  const admin = me.platform_actions.includes(COMPILE);
  const params = here.searchParams;
  return (
    <>
      <h1>Access</h1>
      <Identity me={me} />
      <section aria-labelledby="tools-heading">
        <h2 id="tools-heading">Your access across tools</h2>
        {admin ? (
          <UserAccessAnswer user={me.subject} you />
        ) : (
          <p class="hint">
            The tool-by-tool report (Argo CD, Grafana, Kubernetes, …) reads the compiled access
            configuration, which the platform shows to holders of <code>{COMPILE}</code> (platform
            admins); it did not grant you that. Explain a decision below to see what you may do and
            why.
          </p>
        )}
      </section>
      <ExplainSection here={here} me={me} admin={admin} />
      {(admin || params.has('tool') || params.has('level')) && (
        <WhoCanSection here={here} offer={admin} />
      )}
      {(admin || params.has('user')) && (
        <UserLookupSection here={here} me={me.subject} offer={admin} />
      )}
    </>
  );
}

function Identity({ me }: { me: WhoAmI }) {
  return (
    <section aria-labelledby="me-heading">
      <h2 id="me-heading">You</h2>
      <dl class="facts">
        <dt>Signed in as</dt>
        <dd>
          {me.subject} <span class="muted">({me.kind})</span>
        </dd>
        <dt>Groups</dt>
        <dd>{me.groups.length === 0 ? 'none' : <CodeList items={me.groups} />}</dd>
        <dt>On the platform you may</dt>
        <dd>
          {me.platform_actions.length === 0 ? (
            'nothing beyond your environments'
          ) : (
            <CodeList items={me.platform_actions} />
          )}
        </dd>
        <dt>You may create environments</dt>
        <dd>
          {me.create.length === 0 && me.create_any_pool.length === 0 ? (
            'nowhere'
          ) : (
            <ul class="plain">
              {me.create_any_pool.length > 0 && (
                <li>in any pool: {me.create_any_pool.join(', ')}</li>
              )}
              {me.create.map((entry) => (
                <li key={entry.pool}>
                  in pool <strong>{entry.pool}</strong>: {entry.types.join(', ')}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}

function CodeList({ items }: { items: readonly string[] }) {
  return (
    <ul class="plain inline">
      {items.map((item) => (
        <li key={item}>
          <code>{item}</code>
        </li>
      ))}
    </ul>
  );
}

import { useState } from 'preact/hooks';
import { getEnvironment } from '../../../src/api/routes/environments.js';
import { listEnvironmentTypes } from '../../../src/api/routes/platform.js';
import { call } from '../api/client.js';
import { useLoad } from '../api/use-load.js';
import { Expiry, useNow } from '../components/expiry.js';
import { Problem } from '../components/problem.js';
import { Link } from '../router.js';
import { DeleteForm } from './environment/delete-form.js';
import { ExtendForm } from './environment/extend-form.js';
import { webUrlOf } from './environment/extend-range.js';
import { HistorySection } from './environment/history-section.js';
import { serviceRows, shortDigest, type EnvironmentView } from './environment/service-rows.js';

/**
 * One environment (`GET /api/v1/environments/{name}`): the claim, its services as
 * requested and as resolved, the render history, and the changes the server says the
 * caller may make (`status.allowed_actions`). A static environment is read-only and
 * points to its Git repository.
 */
export function EnvironmentPage({ name }: { name: string }) {
  const view = useLoad(
    () => call(getEnvironment, { params: { name } }).then((answer) => answer.body),
    [name],
  );
  const types = useLoad(() => call(listEnvironmentTypes).then((answer) => answer.body.items), []);
  const [notice, setNotice] = useState<string | undefined>();
  const now = useNow(1_000);

  const changed = (message: string) => {
    setNotice(message);
    view.reload();
  };
  const reload = () => {
    setNotice(undefined);
    view.reload();
  };

  const environment = view.data;
  return (
    <>
      <p class="breadcrumb">
        <Link href="/environments">Environments</Link> /
      </p>
      <h1>{name}</h1>
      <Problem error={view.error} />
      <p role="status" class="muted">
        {view.loading ? 'Loading…' : notice}
      </p>
      {environment !== undefined && (
        <>
          <ClaimDetails view={environment} now={now} />
          <ServicesSection view={environment} />
          <HistorySection
            name={name}
            etag={environment.status.etag}
            mayRollBack={allowed(environment, 'environment:update')}
            onChanged={changed}
            onReload={reload}
          />
          {allowed(environment, 'environment:extend') && (
            <ExtendForm
              key={environment.status.etag}
              view={environment}
              type={types.data?.find((type) => type.name === environment.environment_type)}
              typeError={types.error}
              now={now}
              onChanged={changed}
              onReload={reload}
            />
          )}
          {allowed(environment, 'environment:delete') && (
            <DeleteForm view={environment} onReload={reload} />
          )}
          {environment.status.managed_by === 'api' && noChanges(environment) && (
            <p class="hint">
              You may read this environment but not change it: the server allows you no change.
            </p>
          )}
        </>
      )}
    </>
  );
}

/** Whether the server said the caller may take `action` here (never on a static one). */
function allowed(view: EnvironmentView, action: string): boolean {
  return (
    view.status.managed_by !== 'git' &&
    (view.status.allowed_actions ?? []).includes(action as never)
  );
}

function noChanges(view: EnvironmentView): boolean {
  return (view.status.allowed_actions ?? []).length === 0;
}

function ClaimDetails({ view, now }: { view: EnvironmentView; now: number }) {
  const isStatic = view.status.managed_by === 'git';
  const repositoryUrl = webUrlOf(view.git_repository);
  return (
    <section aria-labelledby="claim-heading">
      <h2 id="claim-heading">Claim</h2>
      {isStatic && (
        <p class="static-note">
          A static environment, managed in Git: it is read-only here. Change it with a pull request
          to its repository.
        </p>
      )}
      <dl class="facts">
        <dt>Name</dt>
        <dd>{view.environment_name}</dd>
        <dt>Type</dt>
        <dd>{view.environment_type}</dd>
        <dt>Pool</dt>
        <dd>{view.environment_pool}</dd>
        <dt>User</dt>
        <dd>{view.user}</dd>
        <dt>Created</dt>
        <dd>
          <time dateTime={view.creation_date}>{view.creation_date}</time>
        </dd>
        <dt>Expiry</dt>
        <dd>
          <Expiry expiresAt={view.status.expires_at} expiring={view.status.expiring} now={now} />
          {view.status.expires_at !== null && (
            <span class="muted"> ({view.status.expires_at})</span>
          )}
        </dd>
        <dt>Phase</dt>
        <dd>{view.status.deployment?.phase ?? view.status.phase ?? '—'}</dd>
        {view.status.deployment?.reason != null && (
          <>
            <dt>Reason</dt>
            <dd>{view.status.deployment.reason}</dd>
          </>
        )}
        <dt>Deployment method</dt>
        <dd>{view.deployment_method ?? (isStatic ? 'git' : 'dynamic')}</dd>
        {view.git_repository !== undefined && (
          <>
            <dt>Git repository</dt>
            <dd>
              {repositoryUrl === undefined ? (
                <code>{view.git_repository}</code>
              ) : (
                <a href={repositoryUrl} rel="noopener noreferrer" target="_blank">
                  {view.git_repository}
                  <span class="visually-hidden"> (opens in a new tab)</span>
                </a>
              )}
            </dd>
          </>
        )}
        {view.branch !== undefined && (
          <>
            <dt>Branch</dt>
            <dd>
              <code>{view.branch}</code>
            </dd>
          </>
        )}
        {view.git_commit !== undefined && (
          <>
            <dt>Commit</dt>
            <dd>
              <code>{view.git_commit}</code>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function ServicesSection({ view }: { view: EnvironmentView }) {
  const rows = serviceRows(view);
  return (
    <section aria-labelledby="services-heading">
      <h2 id="services-heading">Services</h2>
      {view.status.deployment?.pinned_revision != null && (
        <p class="hint">
          Pinned to the versions of revision {view.status.deployment.pinned_revision} by a rollback:
          they stay until the claim&apos;s services change.
        </p>
      )}
      {rows.length === 0 ? (
        <p>No services.</p>
      ) : (
        <table class="services">
          <caption class="visually-hidden">Requested and resolved versions per service</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Requested</th>
              <th scope="col">Image (tag, digest)</th>
              <th scope="col">Deployment artifact (tag, digest)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name}>
                <th scope="row">{row.name}</th>
                <td>
                  {row.requested === undefined ? '—' : <code>{row.requested}</code>}
                  {row.source === 'default' && <span class="muted"> (type default)</span>}
                </td>
                <td>
                  {row.image !== undefined ? (
                    <Artifact artifact={row.image} />
                  ) : row.deployedTag !== undefined ? (
                    <code>{row.deployedTag}</code>
                  ) : (
                    <span class="muted">not resolved</span>
                  )}
                </td>
                <td>
                  {row.deployment !== undefined ? (
                    <Artifact artifact={row.deployment} />
                  ) : (
                    <span class="muted">not resolved</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Artifact({ artifact }: { artifact: { repository: string; tag: string; digest: string } }) {
  return (
    <>
      <code title={artifact.repository}>{artifact.tag}</code>{' '}
      <code class="digest" title={artifact.digest}>
        {shortDigest(artifact.digest)}
      </code>
    </>
  );
}

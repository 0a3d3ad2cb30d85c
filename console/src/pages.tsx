import type { ComponentChildren } from 'preact';
import { AccessPage } from './pages/access-page.js';
import { AuditPage } from './pages/audit-page.js';
import { CreatePage } from './pages/create-page.js';
import { EnvironmentPage } from './pages/environment-page.js';
import { EnvironmentsPage } from './pages/environments-page.js';
import { RejectedPage } from './pages/rejected-page.js';
import { Link } from './router.js';
import type { WhoAmI } from './session/who-am-i.js';

/** The page a console path shows. Each page asks the API for what it shows and offers. */
export function pageFor(here: URL, _me: WhoAmI): ComponentChildren {
  const [, section = '', ...rest] = here.pathname.split('/');
  switch (section) {
    case '':
    case 'environments':
      if (rest.length === 0 || rest[0] === '') return <EnvironmentsPage here={here} />;
      if (rest.length === 1 && rest[0] !== undefined)
        return <EnvironmentPage key={rest[0]} name={decodeURIComponent(rest[0])} />;
      break;
    case 'create':
      if (rest.length === 0) return <CreatePage />;
      break;
    case 'rejected':
      if (rest.length === 0) return <RejectedPage />;
      break;
    case 'access':
      if (rest.length === 0) return <AccessPage here={here} />;
      break;
    case 'audit':
      if (rest.length === 0) return <AuditPage here={here} />;
      break;
  }
  return <NotFound path={here.pathname} />;
}

function NotFound({ path }: { path: string }) {
  return (
    <>
      <h1>Not found</h1>
      <p>
        The console has no page at <code>{path}</code>.{' '}
        <Link href="/environments">Go to the environments</Link>.
      </p>
    </>
  );
}

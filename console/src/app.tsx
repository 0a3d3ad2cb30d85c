import { useEffect, useState } from 'preact/hooks';
import { whoAmI } from '../../src/api/routes/meta.js';
import { call } from './api/client.js';
import { useLoad } from './api/use-load.js';
import { Problem } from './components/problem.js';
import { pageFor } from './pages.js';
import { Link, navigate, useLocation } from './router.js';
import { CALLBACK_PATH, completeSignIn } from './session/pkce.js';
import { currentSession, onSessionChange, signOut, type Session } from './session/session.js';
import { SignInPage } from './session/sign-in-page.js';
import { WhoAmIContext, type WhoAmI } from './session/who-am-i.js';

export function App() {
  const [session, setSession] = useState<Session | undefined>(currentSession());
  const [callbackError, setCallbackError] = useState<Error | undefined>();
  const here = useLocation();
  useEffect(() => onSessionChange(setSession), []);

  const onCallback = here.pathname === CALLBACK_PATH;
  useEffect(() => {
    if (!onCallback) return;
    completeSignIn(here).then(
      (returnTo) => navigate(returnTo, { replace: true }),
      (error: unknown) => {
        setCallbackError(error instanceof Error ? error : new Error(String(error)));
        navigate('/', { replace: true });
      },
    );
    // Only once per arrival on the callback URL.
  }, [onCallback]);

  if (onCallback) return <p role="status">Signing in…</p>;
  if (session === undefined) {
    return <SignInPage returnTo={here.pathname + here.search} error={callbackError} />;
  }
  return <SignedIn key={session.token} here={here} />;
}

function SignedIn({ here }: { here: URL }) {
  const me = useLoad(() => call(whoAmI).then((answer) => answer.body), []);
  if (me.data === undefined) {
    return me.error ? (
      <main id="main">
        <Problem error={me.error} title="Cannot load who you are:" />
        <button type="button" onClick={me.reload}>
          Try again
        </button>
      </main>
    ) : (
      <p role="status">Loading…</p>
    );
  }
  return (
    <WhoAmIContext.Provider value={me.data}>
      <Header me={me.data} here={here} />
      <main id="main">{pageFor(here, me.data)}</main>
    </WhoAmIContext.Provider>
  );
}

const NAV: readonly { href: string; label: string; shown: (me: WhoAmI) => boolean }[] = [
  { href: '/environments', label: 'Environments', shown: () => true },
  {
    href: '/create',
    label: 'Create',
    shown: (me) => me.create.length > 0 || me.create_any_pool.length > 0,
  },
  {
    href: '/rejected',
    label: 'Rejected claims',
    shown: (me) => me.platform_actions.includes('rejected-claims:read'),
  },
  { href: '/access', label: 'Access', shown: () => true },
  { href: '/audit', label: 'Audit', shown: (me) => me.platform_actions.includes('audit:read') },
];

function Header({ me, here }: { me: WhoAmI; here: URL }) {
  const section = '/' + (here.pathname.split('/')[1] ?? '');
  return (
    <header class="top">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <span class="brand">Platform</span>
      <nav aria-label="Main">
        <ul>
          {NAV.filter((item) => item.shown(me)).map((item) => (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={
                  section === item.href || (section === '/' && item.href === '/environments')
                    ? 'page'
                    : undefined
                }
              >
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <span class="who">
        {me.subject} <span class="kind">({me.kind})</span>
      </span>
      <button type="button" onClick={() => signOut()}>
        Sign out
      </button>
    </header>
  );
}

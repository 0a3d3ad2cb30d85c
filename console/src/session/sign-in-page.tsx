import { useState } from 'preact/hooks';
import { loginConfig } from '../../../src/api/routes/meta.js';
import { call } from '../api/client.js';
import { useLoad } from '../api/use-load.js';
import { Problem } from '../components/problem.js';
import { SignInError, startSignIn, type ConsoleIssuer } from './pkce.js';
import { sessionEndReason, signIn } from './session.js';

/**
 * Sign-in: one button per issuer offered to the console (authorization code + PKCE), or a
 * pasted token (a service token, or the demo token `npm start` prints).
 */
export function SignInPage({ returnTo, error }: { returnTo: string; error?: Error | undefined }) {
  const config = useLoad(() => call(loginConfig).then((answer) => answer.body), []);
  const [token, setToken] = useState('');
  const [failure, setFailure] = useState<Error | undefined>(error);
  const issuers: readonly ConsoleIssuer[] =
    (config.data as { console?: ConsoleIssuer[] } | undefined)?.console ?? [];
  const ended = sessionEndReason();

  const withIssuer = (issuer: ConsoleIssuer) => {
    startSignIn(issuer, returnTo).catch((reason: unknown) =>
      setFailure(reason instanceof Error ? reason : new SignInError(String(reason))),
    );
  };
  const withToken = (event: SubmitEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (value === '') return setFailure(new SignInError('paste a token first'));
    signIn({ token: value, via: 'pasted' });
  };

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to the Platform console</h1>
      {ended !== undefined && <p role="status">Your session ended: {ended}. Sign in again.</p>}
      <Problem error={failure} title="Sign-in failed:" />
      <Problem error={config.error} title="Cannot load the sign-in settings:" />
      {issuers.length > 0 && (
        <section aria-labelledby="sso">
          <h2 id="sso">With your organization's account</h2>
          {issuers.map((issuer) => (
            <button key={issuer.issuer} type="button" onClick={() => withIssuer(issuer)}>
              Sign in with {new URL(issuer.issuer).host}
            </button>
          ))}
        </section>
      )}
      <section aria-labelledby="with-token">
        <h2 id="with-token">With a token</h2>
        <form onSubmit={withToken}>
          <label for="token">Bearer token (a service token, or the demo token)</label>
          <input
            id="token"
            type="password"
            autocomplete="off"
            spellcheck={false}
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
          />
          <button type="submit">Sign in with token</button>
        </form>
        <p class="hint">
          The token stays in this tab's memory only: reloading the page signs you out.
        </p>
      </section>
    </main>
  );
}

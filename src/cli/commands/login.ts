import type { Command } from 'commander';
import type { LoginOptions } from './login-run.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `platformctl login` and `platformctl logout`. Only the definitions live here; the
 * implementation (fetch, jose, the cache) loads when one of them runs.
 */
export function registerLoginCommands(program: Command): void {
  program
    .command('login')
    .description(
      "Log in to the server: the OAuth device flow at the server's identity provider (open a URL, approve a code), or a service token from stdin. The login is cached in $XDG_CONFIG_HOME/platformctl/credentials.json (0600).",
    )
    .option(
      '--server <url>',
      'the Platform API (default: PLATFORM_SERVER, PLATFORM_URL, http://127.0.0.1:8080)',
    )
    .option('--issuer <url>', 'the OIDC issuer (default: the one the server publishes)')
    .option(
      '--client-id <id>',
      'the public client of the CLI at the issuer (with --issuer, skips the server)',
    )
    .option(
      '--scope <scope>',
      'a scope to ask for, repeatable (default: openid offline_access)',
      collect,
    )
    .option('--resource <uri>', 'the resource indicator (RFC 8707) for the token')
    .option('--token-stdin', 'read a service token (pst_…) from stdin instead')
    // Exit codes (2 usage, 4 denied or not logged in, 5 IdP down) come from reportError.
    .action(async (options: LoginOptions) => {
      const { login } = await import('./login-run.js');
      await login(options);
    });

  program
    .command('logout')
    .description('Forget the cached login for the server (exit 0 when there was none)')
    .option(
      '--server <url>',
      'the Platform API (default: PLATFORM_SERVER, PLATFORM_URL, http://127.0.0.1:8080)',
    )
    .action(async (options: { server?: string }) => {
      const { logout } = await import('./login-run.js');
      await logout(options);
    });
}

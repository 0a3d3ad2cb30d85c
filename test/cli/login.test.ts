import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveBearerToken } from '../../src/cli/auth/credentials.js';
import { NotAuthenticatedError } from '../../src/domain/errors.js';
import { CLI_CLIENT_ID, RESOURCE, startTestIdp, type TestIdp } from '../support/oidc-provider.js';
import type { Run } from '../support/run-process.js';

// The built CLI (npm run build), as people run it.
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'platformctl.js');
const SERVER = 'http://platform.test:8080';
const SERVICE_TOKEN = `pst_0123456789abcdef_${'S'.repeat(43)}`;

let idp: TestIdp;
let xdg: string;

beforeAll(async () => {
  idp = await startTestIdp({
    deviceInterval: 1,
    accounts: { alice: { email: 'alice@example.com' } },
  });
});
afterAll(async () => {
  await idp.close();
});
beforeEach(async () => {
  xdg = await mkdtemp(join(tmpdir(), 'platformctl-login-'));
});
afterEach(async () => {
  await rm(xdg, { recursive: true, force: true });
});

/** The environment of a person's shell: no token or server variables, the cache in `xdg`. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, XDG_CONFIG_HOME: xdg };
  for (const name of ['PLATFORM_TOKEN', 'PLATFORM_SERVER', 'PLATFORM_URL']) delete env[name];
  return { ...env, ...extra };
}

/** Runs the built CLI with `stdin`, calling `onStderr` with all stderr so far as it grows. */
function platformctl(
  args: readonly string[],
  options: { stdin?: string; onStderr?: (text: string) => void; env?: Record<string, string> } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: xdg, env: cliEnv(options.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

const FLAGS = [
  ...['--server', SERVER, '--issuer', '', '--client-id', CLI_CLIENT_ID],
  ...['--scope', 'openid', '--scope', 'offline_access', '--scope', 'api'],
  ...['--resource', RESOURCE],
];

/** Starts a device login and plays the person with `act` once the code is on stderr. */
function deviceLogin(
  act: (userCode: string) => Promise<void>,
  args: readonly string[] = FLAGS.map((flag) => (flag === '' ? idp.issuer : flag)),
): Promise<Run> {
  let acted: Promise<void> | undefined;
  return platformctl(['login', ...args], {
    onStderr: (text) => {
      const code = /the code ([A-Z]{4}-[A-Z]{4})/.exec(text)?.[1];
      if (code !== undefined && acted === undefined) {
        acted = act(code);
        acted.catch((error: unknown) => console.error('the scripted approval failed', error));
      }
    },
  });
}

interface CachedLogin {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
  issuer?: string;
}
async function cachedLogins(): Promise<Record<string, CachedLogin>> {
  const file = JSON.parse(await readFile(cachePath(), 'utf8')) as {
    servers: Record<string, CachedLogin>;
  };
  return file.servers;
}
const cachePath = () => join(xdg, 'platformctl', 'credentials.json');

describe('platformctl login (device flow against a real oidc-provider)', () => {
  it('caches the approved login 0600, resolveBearerToken returns it, then refreshes it after expiry', async () => {
    const run = await deviceLogin((code) => idp.approveDevice(code, 'alice'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`open ${idp.issuer}/device\\?user_code=`));
    expect(run.stderr).toContain(`logged in to ${SERVER} as alice`);

    expect((await stat(cachePath())).mode & 0o777).toBe(0o600);
    expect((await stat(join(xdg, 'platformctl'))).mode & 0o777).toBe(0o700);
    const login = (await cachedLogins())[SERVER];
    expect(login?.issuer).toBe(idp.issuer);
    expect(login?.refreshToken).toEqual(expect.any(String));
    const accessToken = login?.accessToken ?? '';
    expect(decodeJwt(accessToken)).toMatchObject({
      iss: idp.issuer,
      aud: idp.audience,
      sub: 'alice',
    });
    // Never printed.
    expect(run.stdout + run.stderr).not.toContain(accessToken);
    expect(run.stdout + run.stderr).not.toContain(login?.refreshToken);

    const env = { XDG_CONFIG_HOME: xdg };
    // Another spelling of the same server finds the same login.
    await expect(resolveBearerToken({ server: `${SERVER}/`, env })).resolves.toBe(accessToken);

    // 10 s before expiry is inside the 30 s margin: refreshed through the real provider.
    const expiresAt = login?.expiresAt ?? 0;
    const refreshed = await resolveBearerToken({
      server: SERVER,
      env,
      now: () => expiresAt - 10_000,
    });
    expect(refreshed).not.toBe(accessToken);
    expect(decodeJwt(refreshed)).toMatchObject({
      iss: idp.issuer,
      aud: idp.audience,
      sub: 'alice',
    });
    const after = (await cachedLogins())[SERVER];
    expect(after?.accessToken).toBe(refreshed);
    // oidc-provider rotates a public client's refresh token; the new one is kept.
    expect(after?.refreshToken).not.toBe(login?.refreshToken);
    expect((await stat(cachePath())).mode & 0o777).toBe(0o600);
    // The refreshed token is served from the cache until it in turn nears expiry.
    await expect(resolveBearerToken({ server: SERVER, env })).resolves.toBe(refreshed);
    // Past that expiry: refreshed again, with the rotated refresh token the cache kept.
    const later = (after?.expiresAt ?? 0) + 1000;
    const again = await resolveBearerToken({ server: SERVER, env, now: () => later });
    expect(again).not.toBe(refreshed);
    expect(decodeJwt(again)).toMatchObject({ iss: idp.issuer, sub: 'alice' });
    expect((await cachedLogins())[SERVER]?.accessToken).toBe(again);
  });

  it('exits 4 with one line when the person denies the code, caching nothing', async () => {
    const run = await deviceLogin((code) => idp.denyDevice(code));
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain('platformctl: the login was denied at the identity provider\n');
    await expect(stat(cachePath())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 5 when the issuer cannot be reached', async () => {
    const port = await closedPort();
    const run = await platformctl([
      'login',
      ...['--server', SERVER, '--issuer', `http://127.0.0.1:${port}`, '--client-id', CLI_CLIENT_ID],
    ]);
    expect(run.code, run.stderr).toBe(5);
    expect(run.stderr).toBe(
      `platformctl: cannot reach the issuer at 127.0.0.1:${port}: ECONNREFUSED\n`,
    );
  });

  it('exits 2 for --client-id without --issuer', async () => {
    const run = await platformctl(['login', '--server', SERVER, '--client-id', CLI_CLIENT_ID]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('--client-id needs --issuer');
  });
});

describe('platformctl login with the issuer from the server (GET /login-config)', () => {
  let server: Server;
  let loginConfig: unknown;
  let url: string;
  beforeAll(async () => {
    // Stands in for the Platform API's route (another change): only /login-config.
    server = createHttpServer((req, res) => {
      if (req.url === '/login-config' && loginConfig !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(loginConfig));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('logs in with the client, scopes and resource the server publishes', async () => {
    loginConfig = {
      issuers: [
        {
          issuer: idp.issuer,
          client_id: CLI_CLIENT_ID,
          scopes: ['openid', 'offline_access', 'api'],
          resource: RESOURCE,
        },
      ],
    };
    const run = await deviceLogin((code) => idp.approveDevice(code, 'alice'), ['--server', url]);
    expect(run.code, run.stderr).toBe(0);
    const login = (await cachedLogins())[url];
    // The resource from /login-config is what gives the token the platform's audience.
    expect(decodeJwt(login?.accessToken ?? '')).toMatchObject({ aud: idp.audience, sub: 'alice' });
    expect(login?.refreshToken).toEqual(expect.any(String));
  });

  it('exits 2 saying what to do when the server offers no issuer, or no /login-config', async () => {
    loginConfig = { issuers: [] };
    const none = await platformctl(['login', '--server', url]);
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toBe(
      `platformctl: ${url} offers no OIDC issuer for the CLI; log in with a service token (--token-stdin) or pass --issuer and --client-id\n`,
    );
    loginConfig = undefined;
    const old = await platformctl(['login', '--server', url]);
    expect(old.code, old.stderr).toBe(2);
    expect(old.stderr).toContain('does not publish /login-config; pass --issuer and --client-id');
  });
});

describe('platformctl login --token-stdin and logout', () => {
  it('caches a service token from stdin, resolveBearerToken returns it, logout removes it', async () => {
    const login = await platformctl(['login', '--server', SERVER, '--token-stdin'], {
      stdin: `${SERVICE_TOKEN}\n`,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain(`logged in to ${SERVER} with service token 0123456789abcdef`);
    expect(login.stderr).not.toContain('S'.repeat(43));
    expect((await stat(cachePath())).mode & 0o777).toBe(0o600);

    const env = { XDG_CONFIG_HOME: xdg };
    await expect(resolveBearerToken({ server: SERVER, env })).resolves.toBe(SERVICE_TOKEN);
    // PLATFORM_TOKEN comes first.
    await expect(
      resolveBearerToken({ server: SERVER, env: { ...env, PLATFORM_TOKEN: 'from-env' } }),
    ).resolves.toBe('from-env');

    const logout = await platformctl(['logout', '--server', `${SERVER}/`]);
    expect(logout.code, logout.stderr).toBe(0);
    expect(logout.stderr).toBe(`logged out of ${SERVER}\n`);
    expect(await cachedLogins()).toEqual({});
    await expect(resolveBearerToken({ server: SERVER, env })).rejects.toThrow(
      new NotAuthenticatedError(
        `not logged in to ${SERVER}; run platformctl login --server ${SERVER}`,
      ),
    );

    const again = await platformctl(['logout', '--server', SERVER]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe(`not logged in to ${SERVER}; nothing to remove\n`);
  });

  it('takes the server from PLATFORM_SERVER, and warns when PLATFORM_TOKEN would shadow the login', async () => {
    const run = await platformctl(['login', '--token-stdin'], {
      stdin: SERVICE_TOKEN,
      env: {
        PLATFORM_SERVER: `${SERVER}/`,
        PLATFORM_URL: 'http://legacy.test',
        PLATFORM_TOKEN: 'x',
      },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(Object.keys(await cachedLogins())).toEqual([SERVER]);
    expect(run.stderr).toContain('note: PLATFORM_TOKEN is set and is used instead of this login');
  });

  it('refuses stdin that is not a service token (exit 2), caching nothing', async () => {
    const run = await platformctl(['login', '--server', SERVER, '--token-stdin'], {
      stdin: 'not-a-token',
    });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('stdin holds no service token');
    expect(run.stderr).not.toContain('not-a-token');
    await expect(stat(cachePath())).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

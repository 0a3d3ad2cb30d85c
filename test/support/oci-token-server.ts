import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';

const run = promisify(execFile);

export interface TokenServerCredentials {
  readonly username: string;
  readonly password: string;
}

/** What the registry's `auth.token` section needs, and a view of the requests served. */
export interface TestTokenServer {
  /** `http://127.0.0.1:<port>/token`. */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM of the self-signed certificate whose key signs the tokens. */
  readonly certPath: string;
  /** How many token requests were answered with a token. */
  issued(): number;
  /** A token for `scopes` (`repository:<name>:<actions>`), as the endpoint would issue. */
  issueToken(subject: string, scopes: readonly string[]): Promise<string>;
  close(): Promise<void>;
}

export interface TokenServerOptions {
  /** Where the key and certificate are written. */
  readonly dir: string;
  readonly credentials: TokenServerCredentials;
  readonly expiresInSeconds?: number;
  /** Repositories under this prefix get tokens without any access (the registry then refuses). */
  readonly deniedPrefix?: string;
}

/**
 * A Docker token authentication endpoint (what Harbor's or GitLab's token service does) in
 * the test process: checks Basic credentials, and answers `{token, access_token, expires_in}`
 * with an ES256 JWT whose `x5c` header carries a self-signed certificate (made with the
 * `openssl` CLI) that the registry trusts through `rootcertbundle`. It grants every
 * requested `repository` action except under `deniedPrefix`.
 */
export async function startTokenServer(options: TokenServerOptions): Promise<TestTokenServer> {
  const keyPath = join(options.dir, 'token-key.pem');
  const certPath = join(options.dir, 'token-cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '2',
    '-subj',
    '/CN=platform-test-token-issuer',
  ]);
  const key = await importPKCS8(await readFile(keyPath, 'utf8'), 'ES256');
  const certDer = (await readFile(certPath, 'utf8')).replace(/-----[^-]+-----|\s/g, '');
  const service = 'platform-test-registry';
  const issuer = 'platform-test-token-issuer';
  const expiresIn = options.expiresInSeconds ?? 300;
  const expected = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
  let issued = 0;

  const sign = (subject: string, scopes: readonly string[]) =>
    signToken(key, certDer, {
      issuer,
      service,
      subject,
      expiresIn,
      scopes,
      deniedPrefix: options.deniedPrefix,
    });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    if (url.searchParams.get('service') !== service) {
      res.writeHead(400).end();
      return;
    }
    sign(options.credentials.username, url.searchParams.getAll('scope')).then(
      (token) => {
        issued++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            token,
            access_token: token,
            expires_in: expiresIn,
            issued_at: new Date().toISOString(),
          }),
        );
      },
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    issued: () => issued,
    issueToken: sign,
    close: () => closeServer(server),
  };
}

async function signToken(
  key: CryptoKey,
  certDer: string,
  claims: {
    issuer: string;
    service: string;
    subject: string;
    expiresIn: number;
    scopes: readonly string[];
    deniedPrefix: string | undefined;
  },
): Promise<string> {
  const access = claims.scopes.flatMap((scope) => {
    // `type:name:actions`; a name may hold a `:` (a registry host with a port).
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || last <= first) return [];
    const type = scope.slice(0, first);
    const name = scope.slice(first + 1, last);
    const denied = claims.deniedPrefix !== undefined && name.startsWith(claims.deniedPrefix);
    const actions = denied ? [] : scope.slice(last + 1).split(',');
    return [{ type, name, actions }];
  });
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ access })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', x5c: [certDer] })
    .setIssuer(claims.issuer)
    .setSubject(claims.subject)
    .setAudience(claims.service)
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + claims.expiresIn)
    .setJti(randomUUID())
    .sign(key);
}

function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

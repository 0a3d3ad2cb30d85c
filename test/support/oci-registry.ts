import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, stopChild } from './child-process.js';
import bcrypt from 'bcryptjs';
import { dump } from 'js-yaml';
import { startTokenServer, type TestTokenServer } from './oci-token-server.js';

export type TestRegistryAuth = 'none' | 'htpasswd' | 'token';

export interface TestRegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export interface StartRegistryOptions {
  /** `none` (default), `htpasswd` (Basic) or `token` (Bearer through a token server here). */
  readonly auth?: TestRegistryAuth;
  /** The one account of `htpasswd` and `token`; a generated one by default. */
  readonly credentials?: TestRegistryCredentials;
  /** `expires_in` of the token server's tokens. */
  readonly tokenExpiresInSeconds?: number;
  /** With `token`: repositories under this prefix get tokens without access. */
  readonly tokenDeniedPrefix?: string;
  /**
   * Whether `DELETE /v2/<name>/manifests/<digest>` works (distribution's
   * `storage.delete.enabled`, REGISTRY_STORAGE_DELETE_ENABLED); default true. False answers
   * 405 UNSUPPORTED, as a registry whose operator turned deletes off does.
   */
  readonly deletes?: boolean;
}

export interface TestRegistry {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  readonly credentials?: TestRegistryCredentials;
  /** With `token` auth: the token endpoint the registry sends clients to. */
  readonly tokenServer?: TestTokenServer;
  stop(): Promise<void>;
}

/** How to get the binary, in the failure message: the tests need a real registry. */
const MISSING =
  'docker-registry (CNCF distribution) is not installed: run `apt-get install -y docker-registry` ' +
  '(.ci/run does this before the tests), or set DOCKER_REGISTRY_BIN';

/**
 * Starts Debian's `docker-registry` (CNCF distribution 2.8) on 127.0.0.1 and a free port,
 * storing into a fresh temp directory, and resolves once `/v2/` answers. It is killed by
 * `stop()` (which also removes the directory) and, failing that, when this process exits.
 * Throws a clear error when the binary is missing rather than letting tests skip.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  const binary = await findBinary();
  const auth = options.auth ?? 'none';
  const dir = await mkdtemp(join(tmpdir(), 'oci-registry-'));
  const credentials =
    auth === 'none'
      ? undefined
      : (options.credentials ?? {
          username: 'platform-ci',
          password: randomBytes(12).toString('base64url'),
        });
  let tokenServer: TestTokenServer | undefined;
  try {
    let authConfig: Record<string, unknown> | undefined;
    if (auth === 'htpasswd' && credentials !== undefined) {
      // distribution's htpasswd reads bcrypt only; cost 4 keeps the tests fast.
      const hash = bcrypt.hashSync(credentials.password, 4);
      await writeFile(join(dir, 'htpasswd'), `${credentials.username}:${hash}\n`);
      authConfig = { htpasswd: { realm: 'platform-test-registry', path: join(dir, 'htpasswd') } };
    } else if (auth === 'token' && credentials !== undefined) {
      tokenServer = await startTokenServer({
        dir,
        credentials,
        ...(options.tokenExpiresInSeconds === undefined
          ? {}
          : { expiresInSeconds: options.tokenExpiresInSeconds }),
        ...(options.tokenDeniedPrefix === undefined
          ? {}
          : { deniedPrefix: options.tokenDeniedPrefix }),
      });
      authConfig = {
        token: {
          realm: tokenServer.realm,
          service: tokenServer.service,
          issuer: tokenServer.issuer,
          rootcertbundle: tokenServer.certPath,
        },
      };
    }

    // A port taken between our probe and the registry's bind makes it exit: try again.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const configPath = join(dir, 'config.yml');
      await writeFile(
        configPath,
        dump(registryConfig(dir, port, authConfig, options.deletes ?? true)),
      );
      const child = spawn(binary, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
      const output = collectOutput(child);
      const url = `http://127.0.0.1:${port}`;
      const killOnExit = () => child.kill('SIGKILL');
      process.once('exit', killOnExit);
      try {
        await waitUntilReady(url, child, output);
      } catch (error) {
        process.off('exit', killOnExit);
        child.kill('SIGKILL');
        if (attempt < 3 && /address already in use/.test(output.text())) continue;
        throw error;
      }
      const server = tokenServer;
      return {
        url,
        host: `127.0.0.1:${port}`,
        ...(credentials === undefined ? {} : { credentials }),
        ...(server === undefined ? {} : { tokenServer: server }),
        async stop() {
          process.off('exit', killOnExit);
          await stopChild(child);
          await server?.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (error) {
    await tokenServer?.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function registryConfig(
  dir: string,
  port: number,
  auth: Record<string, unknown> | undefined,
  deletes: boolean,
): Record<string, unknown> {
  return {
    version: 0.1,
    log: { level: 'warn', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: deletes },
    },
    // A fixed secret silences distribution's warning about a generated one.
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
    ...(auth === undefined ? {} : { auth }),
  };
}

async function findBinary(): Promise<string> {
  const candidates = process.env.DOCKER_REGISTRY_BIN
    ? [process.env.DOCKER_REGISTRY_BIN]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter((p) => p !== '')
        .map((p) => join(p, 'docker-registry'));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(MISSING);
}

/** The last few kilobytes the registry printed, for failure messages. */
function collectOutput(child: ChildProcess): { text(): string } {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-8_192);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return { text: () => text };
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  output: { text(): string },
): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited (${code ?? signal})`));
  child.once('error', (error) => (exited = `failed to start: ${error.message}`));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new Error(`docker-registry ${exited}:\n${output.text()}`);
    }
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      // 401 is "up, and asking for credentials".
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on ${url}/v2/ within 15 s:\n${output.text()}`);
}

/**
 * End-to-end helper: runs the real `platformctl serve` as a child process on port 0 against
 * a temporary data directory and talks to it over HTTP with the global fetch.
 *
 * Call `installE2eHooks()` once per test file: it dumps the captured server output of a
 * failed test, and after the file kills leftover servers and removes the temp dirs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO_ROOT, 'bin', 'platformctl.js');

export const DYNAMIC = 'environments';
export const STATIC = 'static-environments';
export type Bucket = typeof DYNAMIC | typeof STATIC;

export interface TokenSpec {
  readonly subject: string;
  readonly groups?: readonly string[];
  readonly token: string;
}

export interface EnvironmentView {
  environment_name: string;
  environment_type: string;
  environment_pool: string;
  user: string;
  creation_date: string;
  expiration_date?: string | null;
  deployment_method?: 'dynamic' | 'git';
  git_repository?: string;
  branch?: string;
  services: Record<string, string | { version: string; docker_image?: string }>;
  status: {
    bucket: Bucket;
    managed_by: 'api' | 'git';
    expires_at: string | null;
    etag: string;
  };
}

export interface EnvironmentPage {
  items: EnvironmentView[];
  next_cursor: string | null;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  request_id?: string;
  errors?: { path: string; message: string }[];
}

export interface RejectedList {
  items: {
    bucket: Bucket;
    key: string;
    reasons: { path: string; message: string }[];
    observed_at: string;
  }[];
}

export interface ApiResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body, or `undefined` when the body is empty or not JSON. */
  readonly body: T;
}

export interface RequestOptions {
  /** Raw body sent as is (with `contentType`); otherwise `body` is JSON-encoded. */
  readonly raw?: string | Uint8Array;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  /** `null`: send no Authorization header. Default: the first configured token. */
  readonly token?: string | null;
  /**
   * Send the request over a new connection that is used for nothing else (node:http,
   * no agent) instead of fetch's pooled keep-alive connections.
   */
  readonly freshConnection?: boolean;
}

export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerHandle {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly subject: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  bucketDir(bucket: Bucket): string;
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<ApiResponse<T>>;
  /** Parsed pino lines written to stdout so far (non-JSON lines are skipped). */
  logLines(): Record<string, unknown>[];
  /** Everything captured from stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit; returns the exit code and signal. */
  stop(): Promise<ExitResult>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<ExitResult>;
  readonly exited: Promise<ExitResult>;
}

export interface StartOptions {
  /** Reuse a data dir (e.g. to restart on it); default: a fresh temp dir. */
  readonly dataDir?: string;
  readonly tokens?: readonly TokenSpec[];
  readonly resyncInterval?: string;
  readonly reaperInterval?: string;
  /** Extra YAML appended to the config file verbatim. */
  readonly extraYaml?: string;
  /** A whole `store:` section instead of the default fs store (S3, say). */
  readonly storeYaml?: string;
  /** `auth.oidc` entries (YAML list items, e.g. `    - { issuer: …, audience: … }`), after the tokens. */
  readonly oidcYaml?: string;
  /** The tenancy model; default: every token's subject is a platform administrator. */
  readonly tenancyYaml?: string;
}

export const DEFAULT_TOKENS: readonly TokenSpec[] = [
  { subject: 'alice@example.com', groups: ['team1'], token: `alice-${randomHex(16)}` },
  { subject: 'bob@example.com', groups: ['team2'], token: `bob-${randomHex(16)}` },
];

const tempDirs: string[] = [];
const servers: ServerHandle[] = [];

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A fresh temp dir, removed by the `afterAll` of `installE2eHooks()`. */
export async function makeTempDir(prefix = 'platform-e2e-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function bucketPath(dataDir: string, bucket: Bucket): string {
  return join(dataDir, 'buckets', bucket);
}

/** Writes a file as another process would: to a dot-temp name beside it, then rename(2). */
export async function writeAtomically(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${randomHex(6)}.writing`);
  await writeFile(temp, content);
  await rename(temp, path);
}

/** The `*.json` object names in a bucket directory, sorted (dot/temp files excluded). */
export async function claimFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
}

/** Polls `probe` until it returns a value other than `undefined`; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

function configYaml(options: StartOptions, tokens: readonly TokenSpec[]): string {
  const tokenLines = tokens.map(
    (token) =>
      `    - { subject: ${JSON.stringify(token.subject)}, groups: ${JSON.stringify(
        token.groups ?? [],
      )}, sha256: ${sha256Hex(token.token)} }`,
  );
  return [
    'server: { port: 0, shutdownTimeout: 5s }',
    options.storeYaml ?? `store: { resyncInterval: ${options.resyncInterval ?? '1s'} }`,
    'auth:',
    '  tokens:',
    ...tokenLines,
    ...(options.oidcYaml === undefined ? [] : ['  oidc:', options.oidcYaml]),
    `reaper: { interval: ${options.reaperInterval ?? '500ms'} }`,
    // The end-to-end tests exercise storage and lifecycle, not access: their tokens are admins.
    'tenancy: ./tenancy.yaml',
    options.extraYaml ?? '',
    '',
  ].join('\n');
}

/** Starts `platformctl serve` and resolves once it listens and `/readyz` answers 200. */
export async function startServer(options: StartOptions = {}): Promise<ServerHandle> {
  const tokens = options.tokens ?? DEFAULT_TOKENS;
  const first = tokens[0];
  if (!first) throw new Error('startServer needs at least one token');
  const dataDir = options.dataDir ?? (await makeTempDir());
  const configPath = join(dataDir, `platform-${randomHex(4)}.yaml`);
  await writeFile(configPath, configYaml(options, tokens));
  await writeFile(
    join(dataDir, 'tenancy.yaml'),
    options.tenancyYaml ??
      `platformAdmins:\n  users: ${JSON.stringify(tokens.map((token) => token.subject))}\n`,
  );

  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--config', configPath, '--port', '0', '--data-dir', dataDir],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
  );
  let stdout = '';
  let combined = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    combined += chunk;
  });
  child.stderr.on('data', (chunk: string) => {
    combined += `[stderr] ${chunk}`;
  });
  const exited = new Promise<ExitResult>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  let exitResult: ExitResult | undefined;
  void exited.then((result) => {
    exitResult = result;
  });

  const logLines = (): Record<string, unknown>[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });

  const signalAndWait = async (signal: NodeJS.Signals): Promise<ExitResult> => {
    if (exitResult === undefined) child.kill(signal);
    return exited;
  };

  let url = '';
  let port = 0;
  const handle: ServerHandle = {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    token: first.token,
    subject: first.subject,
    dataDir,
    child,
    exited,
    bucketDir: (bucket) => bucketPath(dataDir, bucket),
    async request<T>(
      method: string,
      path: string,
      body?: unknown,
      requestOptions?: RequestOptions,
    ) {
      const headers: Record<string, string> = { ...requestOptions?.headers };
      const token = requestOptions?.token === undefined ? first.token : requestOptions.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let payload: string | Uint8Array | undefined;
      if (requestOptions?.raw !== undefined) {
        payload = requestOptions.raw;
        headers['content-type'] = requestOptions.contentType ?? 'application/json';
      } else if (body !== undefined) {
        payload = JSON.stringify(body);
        headers['content-type'] = requestOptions?.contentType ?? 'application/json';
      }
      const response = requestOptions?.freshConnection
        ? await requestOnFreshConnection(`${url}${path}`, method, headers, payload)
        : await fetch(`${url}${path}`, {
            method,
            headers,
            ...(payload === undefined ? {} : { body: payload }),
          });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        parsed = undefined;
      }
      return { status: response.status, headers: response.headers, text, body: parsed as T };
    },
    logLines,
    output: () => combined,
    stop: () => signalAndWait('SIGTERM'),
    kill: () => signalAndWait('SIGKILL'),
  };
  servers.push(handle);

  try {
    const listening = await waitFor(
      'the "listening" log line',
      () => {
        if (exitResult !== undefined) {
          throw new Error(`server exited early (${JSON.stringify(exitResult)}):\n${combined}`);
        }
        return logLines().find((line) => line.msg === 'listening');
      },
      15_000,
      20,
    );
    port = Number(listening.port);
    url = String(listening.url);
    if (!Number.isInteger(port) || port <= 0 || !url.startsWith('http://')) {
      throw new Error(`unexpected listening line: ${JSON.stringify(listening)}`);
    }
    await waitFor(
      '/readyz to answer 200',
      async () => {
        if (exitResult !== undefined) throw new Error('server exited while starting');
        const response = await fetch(`${url}/readyz`);
        await response.body?.cancel();
        return response.status === 200 ? true : undefined;
      },
      15_000,
      20,
    );
  } catch (error) {
    await signalAndWait('SIGKILL');
    throw new Error(
      `server did not start: ${(error as Error).message}\n--- output ---\n${combined}`,
    );
  }
  return handle;
}

/** One HTTP request on its own connection; resolves with the response as a fetch Response. */
function requestOnFreshConnection(
  url: string,
  method: string,
  headers: Record<string, string>,
  payload: string | Uint8Array | undefined,
): Promise<Response> {
  return new Promise((resolveResponse, reject) => {
    const request = httpRequest(url, { method, headers, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (typeof value === 'string') responseHeaders.set(name, value);
          else if (Array.isArray(value))
            for (const item of value) responseHeaders.append(name, item);
        }
        const status = incoming.statusCode ?? 0;
        const empty = [101, 204, 205, 304].includes(status);
        resolveResponse(
          new Response(empty ? null : Buffer.concat(chunks), {
            status,
            headers: responseHeaders,
          }),
        );
        request.destroy();
      });
    });
    // The server may answer before it has read the body, then drop the connection.
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * Per test file: print the output of every server of a failed test (the last lines), and
 * after all tests kill what still runs and remove the temp dirs.
 */
export function installE2eHooks(): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      // Every server of this file: those from beforeAll and those the test started.
      for (const server of servers) {
        const tail = server.output().split('\n').slice(-300).join('\n');
        process.stderr.write(
          `\n----- server ${server.url || '(not listening)'} data=${server.dataDir} -----\n${tail}\n`,
        );
      }
    });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.kill()));
    servers.length = 0;
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    tempDirs.length = 0;
  });
}

/** A claim document as the Git pipeline or another process would store it. */
export function claimDocument(
  name: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    environment_name: name,
    environment_type: 'dev',
    environment_pool: 'pool-a',
    user: 'ci@example.com',
    creation_date: new Date().toISOString(),
    services: { api: 'v1.0.0' },
    ...fields,
  };
}

export function claimJson(name: string, fields: Record<string, unknown> = {}): string {
  return `${JSON.stringify(claimDocument(name, fields), null, 2)}\n`;
}

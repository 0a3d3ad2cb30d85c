import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listServiceTokens, revokeServiceToken } from '../../src/api/routes/service-tokens.js';
import { resolveServerUrl } from '../../src/cli/auth/server-url.js';
import { createPlatformClient } from '../../src/cli/client/platform-client.js';
import { RefusedInputError } from '../../src/cli/client/refused-input-error.js';
import {
  createToken,
  listTokens,
  registerTokenCommands,
  revokeToken,
  type TokenCommandIo,
} from '../../src/cli/commands/token.js';
import {
  InputError,
  NotAllowedError,
  NotAuthenticatedError,
  NotFoundError,
  UnavailableError,
} from '../../src/domain/errors.js';
import { ADMIN_TOKEN, createHarness, DEV_TOKEN, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

function io(token = ADMIN_TOKEN) {
  const out = { stdout: '', stderr: '' };
  const value: TokenCommandIo = {
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    // XDG_CONFIG_HOME: no cached login of the developer running the tests is ever used.
    env: {
      PLATFORM_TOKEN: token,
      PLATFORM_URL: 'http://platform.test',
      XDG_CONFIG_HOME: '/nonexistent/platformctl-test',
    },
    fetchImpl: h.fetch,
    now: () => new Date('2026-01-15T10:30:00Z'),
  };
  return { io: value, out };
}

const urlOf = (input: string | URL | Request): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;

const whoami = (token: string) => h.call('GET', '/api/v1/whoami', { token });

describe('platformctl token', () => {
  it('create prints the token alone on stdout and the details on stderr', async () => {
    const { io: streams, out } = io();
    await createToken(
      {
        subject: 'gitlab-ci-team1',
        scope: ['environment:create', 'environment:read'],
        group: ['team1'],
        expires: '30d',
        description: 'team1 pipelines',
      },
      streams,
    );
    expect(out.stdout).toMatch(/^pst_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    const token = out.stdout.trim();
    expect(out.stderr).toContain(`Created service token ${token.slice(4, 20)} for gitlab-ci-team1`);
    expect(out.stderr).toContain('expires: 2026-02-14T10:30:00Z');
    expect(out.stderr).not.toContain(token);
    expect((await whoami(token)).status).toBe(200);
  });

  it('create sends an RFC 3339 --expires as expires_at', async () => {
    const { io: streams } = io();
    await createToken(
      { subject: 'ci', scope: ['environment:read'], expires: '2026-03-01T00:00:00Z' },
      streams,
    );
    expect((await h.store.list())[0]?.expires_at).toBe('2026-03-01T00:00:00Z');
  });

  it('list prints a table with each status; --json the API document', async () => {
    const first = io();
    await createToken({ subject: 'ci-one', scope: ['environment:read'] }, first.io);
    await createToken(
      { subject: 'ci-two', scope: ['environment:read'], expires: '1h', description: 'short' },
      first.io,
    );
    const [one] = await h.store.list();
    await revokeToken(one?.id ?? '', {}, first.io);
    expect(first.out.stderr).toContain(`Revoked service token ${one?.id}`);

    const table = io();
    await listTokens({}, { ...table.io, now: () => new Date('2026-01-15T12:00:00Z') });
    const lines = table.out.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SUBJECT\s+STATUS\s+EXPIRES\s+SCOPES\s+DESCRIPTION$/);
    expect(lines[1]).toMatch(/ ci-one +revoked +2026-04-15T10:30:00Z +environment:read$/);
    expect(lines[2]).toMatch(/ ci-two +expired +2026-01-15T11:30:00Z +environment:read +short$/);
    expect(table.out.stdout).not.toContain('pst_');

    const json = io();
    await listTokens({ json: true }, json.io);
    expect((JSON.parse(json.out.stdout) as { items: unknown[] }).items).toHaveLength(2);
  });

  it('revoke makes the token stop working', async () => {
    const { io: streams, out } = io();
    await createToken({ subject: 'ci', scope: ['environment:read'] }, streams);
    const token = out.stdout.trim();
    await revokeToken(token.slice(4, 20), {}, streams);
    expect((await whoami(token)).status).toBe(401);
  });

  it('maps problems to platform errors with the server detail', async () => {
    await expect(
      createToken({ subject: 'ci', scope: ['environment:read'] }, io(DEV_TOKEN).io),
    ).rejects.toThrow(
      new NotAllowedError('dev@example.com may not perform service-tokens:manage on platform'),
    );
    await expect(listTokens({}, io('wrong-token').io)).rejects.toBeInstanceOf(
      NotAuthenticatedError,
    );
    await expect(revokeToken('0123456789abcdef', {}, io().io)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const invalid = createToken({ subject: 'ci', scope: ['environment:nuke'] }, io().io);
    await expect(invalid).rejects.toBeInstanceOf(RefusedInputError);
    await expect(invalid).rejects.toMatchObject({ errors: [{ path: 'scopes.0' }] });
  });

  it('refuses to run without PLATFORM_TOKEN or a login', async () => {
    const { io: streams } = io('  ');
    await expect(listTokens({}, streams)).rejects.toThrow(
      new NotAuthenticatedError(
        'not logged in to http://platform.test; run platformctl login --server http://platform.test',
      ),
    );
  });
});

describe('registerTokenCommands', () => {
  function program(streams: TokenCommandIo): Command {
    const root = new Command('platformctl').exitOverride();
    registerTokenCommands(root, streams);
    root.commands.forEach(function quiet(command: Command): void {
      command.exitOverride().configureOutput({ writeErr: () => undefined });
      command.commands.forEach(quiet);
    });
    return root;
  }
  const argv = (...args: string[]) => ['node', 'platformctl', ...args];

  it('parses repeated --scope and --group, and --server after the subcommand', async () => {
    const { io: streams, out } = io();
    const seen: string[] = [];
    const recording: TokenCommandIo = {
      ...streams,
      fetchImpl: (input, init) => {
        seen.push(urlOf(input));
        return h.fetch(new URL(new URL(urlOf(input)).pathname, 'http://x').href, init);
      },
    };
    await program(recording).parseAsync(
      argv(
        'token',
        'create',
        '--subject',
        'gitlab-ci',
        '--scope',
        'environment:create',
        '--scope',
        'environment:read',
        '--group',
        'team1',
        '--group',
        'team2',
        '--expires',
        '7d',
        '--server',
        'http://other.test:8443',
      ),
    );
    expect(seen).toEqual(['http://other.test:8443/api/v1/service-tokens']);
    const [stored] = await h.store.list();
    expect(stored).toMatchObject({
      subject: 'gitlab-ci',
      scopes: ['environment:create', 'environment:read'],
      groups: ['team1', 'team2'],
      expires_at: '2026-01-22T10:30:00Z',
    });
    expect(out.stdout).toMatch(/^pst_/);

    await program(recording).parseAsync(argv('token', 'revoke', stored?.id ?? ''));
    expect((await h.store.get(stored?.id ?? ''))?.revoked_at).not.toBeNull();
  });

  it('requires --subject and at least one --scope', async () => {
    const { io: streams } = io();
    await expect(
      program(streams).parseAsync(argv('token', 'create', '--scope', 'environment:read')),
    ).rejects.toThrow(/--subject/);
    await expect(
      program(streams).parseAsync(argv('token', 'create', '--subject', 'ci')),
    ).rejects.toThrow(/--scope/);
    expect(await h.store.list()).toEqual([]);
  });
});

describe('the typed client', () => {
  it('takes --server over PLATFORM_SERVER over PLATFORM_URL over the default', () => {
    expect(resolveServerUrl({}, {})).toBe('http://127.0.0.1:8080');
    const env = { PLATFORM_URL: 'https://platform.example/' };
    expect(resolveServerUrl({}, env)).toBe('https://platform.example');
    expect(resolveServerUrl({}, { ...env, PLATFORM_SERVER: 'https://new.example' })).toBe(
      'https://new.example',
    );
    expect(resolveServerUrl({ server: 'http://localhost:9000' }, env)).toBe(
      'http://localhost:9000',
    );
  });

  it.each(['ftp://platform', 'not a url', 'http://user:pw@platform', 'http://platform/?x=1'])(
    'refuses the server URL %s',
    (server) => {
      expect(() => resolveServerUrl({ server }, {})).toThrow(InputError);
    },
  );

  it('reports an unreachable server as unavailable, after retrying a GET', async () => {
    let attempts = 0;
    const client = createPlatformClient({
      baseUrl: 'http://127.0.0.1:1',
      token: () => Promise.resolve('t'),
      sleep: () => Promise.resolve(),
      fetchImpl: () => {
        attempts += 1;
        return Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
      },
    });
    await expect(client.call(listServiceTokens)).rejects.toThrow(
      new UnavailableError('cannot reach http://127.0.0.1:1: ECONNREFUSED'),
    );
    expect(attempts).toBe(3);
  });

  it('sends the token as a bearer header, never in the URL', async () => {
    const seen: { url: string; authorization: string | null }[] = [];
    const client = createPlatformClient({
      baseUrl: 'http://platform.test',
      token: () => Promise.resolve('secret-token'),
      fetchImpl: (input, init) => {
        seen.push({
          url: urlOf(input),
          authorization: new Headers(init?.headers).get('authorization'),
        });
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    });
    await client.call(revokeServiceToken, { params: { id: '0123456789abcdef' } });
    expect(seen).toEqual([
      {
        url: 'http://platform.test/api/v1/service-tokens/0123456789abcdef',
        authorization: 'Bearer secret-token',
      },
    ]);
  });

  it('reports a 502 without problem details as unavailable, after retries', async () => {
    const client = createPlatformClient({
      baseUrl: 'http://platform.test',
      token: () => Promise.resolve('t'),
      sleep: () => Promise.resolve(),
      fetchImpl: () => Promise.resolve(new Response('oops', { status: 502 })),
    });
    await expect(client.call(listServiceTokens)).rejects.toThrow(
      new UnavailableError('GET /api/v1/service-tokens failed with HTTP 502'),
    );
  });
});

import type { Command } from 'commander';
import type { ServiceTokenView } from '../../domain/service-tokens/service-token-schema.js';

/** Where a token command writes and what it reads; tests replace it. */
export interface TokenCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetchImpl?: typeof fetch;
  readonly now?: () => Date;
}

const processIo = (): TokenCommandIo => ({
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
});

export interface TokenCreateOptions {
  readonly server?: string | undefined;
  readonly subject: string;
  readonly scope: readonly string[];
  readonly group?: readonly string[] | undefined;
  /** A duration (`30d`) or an RFC 3339 instant. */
  readonly expires?: string | undefined;
  readonly description?: string | undefined;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * `platformctl token create|list|revoke`. The implementation loads only when a token
 * command runs. The bearer token comes from `PLATFORM_TOKEN` or `platformctl login`, the
 * server from `--server`, `PLATFORM_SERVER` or `PLATFORM_URL`. `io` defaults to the process's streams and environment.
 */
export function registerTokenCommands(program: Command, io?: TokenCommandIo): void {
  const token = program
    .command('token')
    .description('Service tokens for CI: create, list, revoke (needs service-tokens:manage)')
    .option(
      '--server <url>',
      'Platform API base URL (default $PLATFORM_SERVER, $PLATFORM_URL or http://127.0.0.1:8080)',
    );

  token
    .command('create')
    .description(
      'Create a service token; prints the token alone on stdout (it is shown only once), details on stderr',
    )
    .requiredOption('--subject <subject>', 'service principal, e.g. gitlab-ci-team1')
    .requiredOption('--scope <action>', 'an action the token may perform (repeatable)', collect)
    .option('--group <group>', 'a group the policies see for the token (repeatable)', collect)
    .option('--expires <when>', 'lifetime like 30d, or an RFC 3339 instant (default 90d, max 365d)')
    .option('--description <text>', 'what the token is for')
    .action(async (_options: unknown, command: Command) => {
      await createToken(command.optsWithGlobals<TokenCreateOptions>(), io);
    });

  token
    .command('list')
    .description('List service tokens (never the tokens themselves)')
    .option('--json', 'print the API response as JSON')
    .action(async (_options: unknown, command: Command) => {
      await listTokens(command.optsWithGlobals<{ server?: string; json?: boolean }>(), io);
    });

  token
    .command('revoke')
    .description('Revoke a service token by id; it stops working at once (idempotent)')
    .argument('<id>', 'the token id (the part after pst_, 16 hex characters)')
    .action(async (id: string, _options: unknown, command: Command) => {
      await revokeToken(id, command.optsWithGlobals<{ server?: string }>(), io);
    });
}

async function clientFor(options: { server?: string | undefined }, io: TokenCommandIo) {
  const [{ openClient }, routes] = await Promise.all([
    import('../client/session.js'),
    import('../../api/routes/service-tokens.js'),
  ]);
  const client = openClient(options, {
    env: io.env,
    ...(io.fetchImpl === undefined ? {} : { fetchImpl: io.fetchImpl }),
  });
  return { client, routes };
}

export async function createToken(
  options: TokenCreateOptions,
  io: TokenCommandIo = processIo(),
): Promise<void> {
  const { parseDuration } = await import('../../domain/shared/duration.js');
  const { client, routes } = await clientFor(options, io);
  const expires = options.expires;
  const body = {
    subject: options.subject,
    scopes: options.scope,
    groups: options.group ?? [],
    ...(expires === undefined
      ? {}
      : parseDuration(expires) === undefined
        ? { expires_at: expires }
        : { expires_in: expires }),
    ...(options.description === undefined ? {} : { description: options.description }),
  };
  // Scopes are the user's text: the server checks them and names a bad one (exit 1).
  const { body: created } = await client.call(routes.createServiceToken, { body: body as never });
  io.stdout(`${created.token}\n`);
  io.stderr(
    [
      `Created service token ${created.id} for ${created.subject}`,
      `  scopes:  ${created.scopes.join(', ')}`,
      `  groups:  ${created.groups.join(', ') || '(none)'}`,
      `  expires: ${created.expires_at}`,
      'The token above is shown only once; store it as a masked CI variable now.',
    ].join('\n') + '\n',
  );
}

export async function listTokens(
  options: { server?: string | undefined; json?: boolean | undefined },
  io: TokenCommandIo = processIo(),
): Promise<void> {
  const { client, routes } = await clientFor(options, io);
  const { body: list } = await client.call(routes.listServiceTokens);
  if (options.json) {
    io.stdout(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  const now = (io.now ?? (() => new Date()))();
  io.stdout(formatTable(list.items, now));
}

export async function revokeToken(
  id: string,
  options: { server?: string | undefined },
  io: TokenCommandIo = processIo(),
): Promise<void> {
  const { client, routes } = await clientFor(options, io);
  await client.call(routes.revokeServiceToken, { params: { id } });
  io.stderr(`Revoked service token ${id}\n`);
}

function statusOf(token: ServiceTokenView, now: Date): string {
  if (token.revoked_at !== null) return 'revoked';
  return Date.parse(token.expires_at) <= now.getTime() ? 'expired' : 'active';
}

/** Columns padded to their widest cell; the header alone when there are no tokens. */
function formatTable(tokens: readonly ServiceTokenView[], now: Date): string {
  const header = ['ID', 'SUBJECT', 'STATUS', 'EXPIRES', 'SCOPES', 'DESCRIPTION'];
  const rows = [
    header,
    ...tokens.map((token) => [
      token.id,
      token.subject,
      statusOf(token, now),
      token.expires_at,
      token.scopes.join(','),
      token.description ?? '',
    ]),
  ];
  const widths = header.map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

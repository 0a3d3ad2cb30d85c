import * as routes from '../../api/routes/environments.js';
import { listRejectedClaims } from '../../api/routes/platform.js';
import { listAudit } from '../../api/routes/audit.js';
import { whoAmI } from '../../api/routes/meta.js';
import type { z } from 'zod';
import type { environmentViewSchema } from '../../api/schemas/environments.js';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { parseDuration } from '../../domain/shared/duration.js';
import {
  expiresText,
  outputFormat,
  painter,
  relativeTime,
  renderTable,
  shortDuration,
  serialise,
  useColor,
  type Colour,
  type Column,
  type DisplayOptions,
  type Terminal,
} from './output.js';
import { parseServiceArgs } from './service-args.js';
import { openClient, type ConnectionOptions } from './session.js';
import type { PlatformClient } from './platform-client.js';

type Environment = z.infer<typeof environmentViewSchema>;
export type ClientOptions = ConnectionOptions & DisplayOptions;

export interface ClientIo {
  readonly terminal: Terminal;
  readonly fetchImpl?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

const clientOf = (options: ClientOptions, io: ClientIo): PlatformClient =>
  openClient(options, {
    env: io.terminal.env,
    ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}),
  });

/** Prints `document` as asked: table (via `table`), JSON, YAML, or names one per line. */
async function show<T>(
  document: unknown,
  rows: readonly T[],
  options: ClientOptions,
  io: ClientIo,
  table: { columns: readonly Column<T>[]; name: (row: T) => string },
): Promise<void> {
  const format = outputFormat(options);
  const { terminal } = io;
  if (format === 'json' || format === 'yaml') {
    terminal.write(await serialise(document, format));
    return;
  }
  if (format === 'name') {
    terminal.write(rows.map((row) => `${table.name(row)}\n`).join(''));
    return;
  }
  const paint = painter(useColor(options, terminal));
  if (rows.length === 0) {
    if (!options.quiet) terminal.info('No resources found.\n');
    return;
  }
  terminal.write(
    renderTable(rows, table.columns, {
      width: terminal.isTTY ? terminal.columns : undefined,
      paint,
    }),
  );
}

const PHASE_COLOURS: Record<string, Colour> = {
  Rendered: 'green',
  Pending: 'yellow',
  Failed: 'red',
};

function environmentColumns(now: Date): Column<Environment>[] {
  return [
    { header: 'NAME', value: (env) => env.environment_name },
    { header: 'TYPE', value: (env) => env.environment_type },
    { header: 'POOL', value: (env) => env.environment_pool },
    { header: 'SOURCE', value: (env) => (env.status.managed_by === 'git' ? 'git' : 'api') },
    {
      header: 'PHASE',
      value: (env) => env.status.deployment?.phase ?? env.status.phase ?? '-',
      colour: (env) => PHASE_COLOURS[env.status.deployment?.phase ?? env.status.phase ?? ''],
    },
    {
      header: 'EXPIRES',
      value: (env) => expiresText(env.status.expires_at, now),
      // The server's `expiring` follows the type's warnBefore; red once the date has passed.
      colour: (env) => {
        if (!env.status.expires_at) return undefined;
        if (Date.parse(env.status.expires_at) < now.getTime()) return 'red';
        return env.status.expiring ? 'yellow' : undefined;
      },
    },
    { header: 'USER', value: (env) => env.user, shrink: true },
    {
      header: 'SERVICES',
      value: (env) =>
        Object.entries(env.services)
          .map(([name, spec]) => `${name}:${typeof spec === 'string' ? spec : spec.version}`)
          .join(',') || '-',
      shrink: true,
    },
  ];
}

export async function envList(
  options: ClientOptions & {
    type?: string;
    pool?: string;
    user?: string;
    search?: string;
    phase?: string;
    limit?: string;
    all?: boolean;
  },
  io: ClientIo,
): Promise<void> {
  const client = clientOf(options, io);
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new InputError(`--limit must be a positive integer; got '${options.limit}'`);
  }
  const items: Environment[] = [];
  let cursor: string | undefined;
  // One page unless --all; --limit is the page size the server is asked for.
  for (;;) {
    const { body } = await client.call(routes.listEnvironments, {
      query: {
        type: options.type,
        pool: options.pool,
        user: options.user,
        q: options.search,
        phase: options.phase as 'Pending' | 'Rendered' | 'Failed' | undefined,
        limit,
        cursor,
      },
    });
    items.push(...body.items);
    cursor = body.next_cursor ?? undefined;
    if (!options.all || cursor === undefined) break;
  }
  await show({ items, next_cursor: cursor ?? null }, items, options, io, {
    columns: environmentColumns(io.terminal.now()),
    name: (env) => env.environment_name,
  });
  if (cursor !== undefined && !options.quiet && outputFormat(options) === 'table') {
    io.terminal.info('More environments: use --all, or narrow with --type, --pool or -q.\n');
  }
}

async function showEnvironment(env: Environment, options: ClientOptions, io: ClientIo) {
  const format = outputFormat(options);
  if (format !== 'table') {
    await show(env, [env], options, io, { columns: [], name: (row) => row.environment_name });
    return;
  }
  const now = io.terminal.now();
  const paint = painter(useColor(options, io.terminal));
  const phase = env.status.deployment?.phase ?? env.status.phase;
  const lines = [
    `Name:        ${env.environment_name}`,
    `Type:        ${env.environment_type}`,
    `Pool:        ${env.environment_pool}`,
    `User:        ${env.user}`,
    `Source:      ${env.status.managed_by === 'git' ? `git ${env.git_repository ?? ''} ${env.branch ?? ''}`.trimEnd() : 'api'}`,
    `Created:     ${relativeTime(env.creation_date, now)} (${env.creation_date})`,
    `Expires:     ${expiresText(env.status.expires_at, now)}${env.status.expires_at ? ` (${env.status.expires_at})` : ''}`,
    ...(phase
      ? [
          `Phase:       ${paint(phase, PHASE_COLOURS[phase] ?? 'bold')}${env.status.deployment?.reason ? ` (${env.status.deployment.reason})` : ''}`,
        ]
      : []),
    'Services:',
    ...Object.entries(env.services).map(([name, spec]) => {
      const requested = typeof spec === 'string' ? spec : spec.version;
      const resolved = env.status.deployment?.resolved[name];
      const deployed = env.status.versions?.[name];
      if (resolved) {
        return [
          `  ${name}: ${requested} → ${resolved.image.tag}`,
          `    image:      ${resolved.image.repository}@${resolved.image.digest}`,
          `    deployment: ${resolved.deployment.repository}:${resolved.deployment.tag}@${resolved.deployment.digest}`,
        ].join('\n');
      }
      return `  ${name}: ${requested}${deployed ? ` → ${deployed}` : ''}`;
    }),
  ];
  io.terminal.write(`${lines.join('\n')}\n`);
}

export async function envGet(name: string, options: ClientOptions, io: ClientIo): Promise<void> {
  const { body } = await clientOf(options, io).call(routes.getEnvironment, { params: { name } });
  await showEnvironment(body, options, io);
}

/** `--ttl 8h` → an expiration date that far from now. */
function expiryFrom(ttl: string | undefined, now: Date): string | undefined {
  if (ttl === undefined) return undefined;
  const ms = parseDuration(ttl);
  if (ms === undefined || ms <= 0) {
    throw new InputError(`--ttl must be a duration such as 30m, 8h or 2d; got '${ttl}'`);
  }
  return new Date(now.getTime() + ms).toISOString();
}

export async function envCreate(
  name: string,
  options: ClientOptions & { type: string; pool: string; service?: string[]; ttl?: string },
  io: ClientIo,
): Promise<void> {
  const expiration = expiryFrom(options.ttl, io.terminal.now());
  const { body } = await clientOf(options, io).call(routes.createEnvironment, {
    body: {
      environment_name: name,
      environment_type: options.type,
      environment_pool: options.pool,
      services: parseServiceArgs(options.service ?? []),
      ...(expiration ? { expiration_date: expiration } : {}),
    },
  });
  await done(body, `environment ${name} created`, options, io);
}

/** After a change: the environment in the asked format, or one line for people. */
async function done(env: Environment, message: string, options: ClientOptions, io: ClientIo) {
  if (outputFormat(options) !== 'table') return showEnvironment(env, options, io);
  if (!options.quiet) io.terminal.write(`${message}\n`);
}

export async function envUpdate(
  name: string,
  options: ClientOptions & { service?: string[]; remove?: string[] },
  io: ClientIo,
): Promise<void> {
  const services: Record<string, string | null> = parseServiceArgs(options.service ?? []);
  for (const removed of options.remove ?? []) services[removed] = null;
  if (Object.keys(services).length === 0) {
    throw new InputError('nothing to update: give --service NAME:VERSION or --remove NAME');
  }
  const { body } = await clientOf(options, io).call(routes.updateEnvironment, {
    params: { name },
    body: { services },
  });
  await done(body, `environment ${name} updated`, options, io);
}

export async function envExtend(
  name: string,
  options: ClientOptions & { by?: string; until?: string },
  io: ClientIo,
): Promise<void> {
  if ((options.by === undefined) === (options.until === undefined)) {
    throw new InputError('give exactly one of --by DURATION or --until RFC3339-TIME');
  }
  const client = clientOf(options, io);
  let until = options.until;
  let ifMatch: string | undefined;
  if (options.by !== undefined) {
    const by = parseDuration(options.by);
    if (by === undefined || by <= 0) {
      throw new InputError(`--by must be a duration such as 30m, 8h or 2d; got '${options.by}'`);
    }
    // From the current expiry (or now, if it has none or it passed), and only if nobody
    // changed the environment in between: If-Match with the ETag read.
    const current = await client.call(routes.getEnvironment, { params: { name } });
    const from = Math.max(
      io.terminal.now().getTime(),
      Date.parse(current.body.status.expires_at ?? '') || 0,
    );
    until = new Date(from + by).toISOString();
    ifMatch = current.headers.get('etag') ?? undefined;
  } else if (until !== undefined && Number.isNaN(Date.parse(until))) {
    throw new InputError(`--until must be an RFC 3339 time; got '${until}'`);
  }
  const { body } = await client.call(routes.updateEnvironment, {
    params: { name },
    headers: { 'if-match': ifMatch },
    body: { expiration_date: until ?? null },
  });
  await done(
    body,
    `environment ${name} now expires ${expiresText(body.status.expires_at, io.terminal.now())}`,
    options,
    io,
  );
}

export async function envDelete(name: string, options: ClientOptions, io: ClientIo): Promise<void> {
  await clientOf(options, io).call(routes.deleteEnvironment, { params: { name } });
  if (!options.quiet) io.terminal.write(`environment ${name} deleted\n`);
}

export async function envHistory(
  name: string,
  options: ClientOptions,
  io: ClientIo,
): Promise<void> {
  const { body } = await clientOf(options, io).call(routes.environmentHistory, {
    params: { name },
  });
  const now = io.terminal.now();
  type Entry = (typeof body.items)[number];
  await show(body, body.items, options, io, {
    name: (entry: Entry) => String(entry.revision),
    columns: [
      {
        header: 'REVISION',
        value: (entry: Entry) =>
          `${entry.revision}${entry.revision === body.pinned_revision ? ' (pinned)' : ''}`,
      },
      { header: 'WHEN', value: (entry: Entry) => relativeTime(entry.at, now) },
      {
        header: 'REASON',
        value: (entry: Entry) =>
          entry.rolled_back_to === undefined
            ? entry.reason
            : `${entry.reason} to ${entry.rolled_back_to}`,
      },
      {
        header: 'VERSIONS',
        value: (entry: Entry) =>
          Object.entries(entry.resolved)
            .map(([service, resolved]) => `${service}:${resolved.image.tag}`)
            .join(','),
        shrink: true,
      },
    ],
  });
}

export async function envRollback(
  name: string,
  options: ClientOptions & { revision: string },
  io: ClientIo,
): Promise<void> {
  const revision = Number(options.revision);
  if (!Number.isInteger(revision) || revision < 1) {
    throw new InputError(
      `--revision must be a revision number from the history; got '${options.revision}'`,
    );
  }
  const { body } = await clientOf(options, io).call(routes.rollbackEnvironment, {
    params: { name },
    body: { revision },
  });
  if (outputFormat(options) !== 'table') {
    io.terminal.write(await serialise(body, outputFormat(options) === 'yaml' ? 'yaml' : 'json'));
  } else if (!options.quiet) {
    io.terminal.write(`environment ${name} rolled back to revision ${revision} (${body.phase})\n`);
  }
}

export const WAIT_CONDITIONS = ['Rendered', 'Failed', 'deleted'] as const;

/**
 * Polls until the environment reaches `--for` (`Rendered` by default), is `Failed` (exit 1
 * with the reason unless waiting for Failed), or is gone (`--for deleted`).
 */
export async function envWait(
  name: string,
  options: ClientOptions & { for?: string; timeout?: string; interval?: string },
  io: ClientIo,
): Promise<void> {
  const wanted = options.for ?? 'Rendered';
  if (!(WAIT_CONDITIONS as readonly string[]).includes(wanted)) {
    throw new InputError(`--for must be one of ${WAIT_CONDITIONS.join(', ')}; got '${wanted}'`);
  }
  const timeout = parseDuration(options.timeout ?? '5m');
  const interval = parseDuration(options.interval ?? '1s');
  if (timeout === undefined || interval === undefined || interval <= 0) {
    throw new InputError('--timeout and --interval must be durations such as 500ms, 30s or 5m');
  }
  const sleep = io.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  const client = clientOf(options, io);
  const started = Date.now();
  let last = '';
  for (;;) {
    let phase: string;
    let reason: string | null = null;
    try {
      const { body } = await client.call(routes.getEnvironment, { params: { name } });
      phase = body.status.deployment?.phase ?? body.status.phase ?? 'Pending';
      reason = body.status.deployment?.reason ?? null;
    } catch (error) {
      if (wanted === 'deleted' && error instanceof NotFoundError) phase = 'deleted';
      else throw error;
    }
    const line = `${name}: ${phase}${reason ? ` (${reason})` : ''}`;
    const finished = phase === wanted || phase === 'Failed';
    if (!options.quiet && io.terminal.isTTY) {
      // On a terminal: one line rewritten in place, with the time waited so far.
      const waited = shortDuration(Date.now() - started);
      io.terminal.info(`\r\u001b[2K${line}${finished ? '\n' : ` … ${waited}`}`);
    } else if (phase !== last && !options.quiet) {
      // Elsewhere (CI logs): a plain line per change of phase.
      io.terminal.info(`${line}\n`);
    }
    last = phase;
    if (phase === wanted) return;
    if (phase === 'Failed' && wanted === 'Rendered') {
      throw new DeploymentFailedError(`environment ${name} failed: ${reason ?? 'no reason given'}`);
    }
    if (Date.now() - started >= timeout) {
      if (io.terminal.isTTY && !options.quiet) io.terminal.info('\n');
      throw new WaitTimeoutError(
        `timed out after ${options.timeout ?? '5m'} waiting for ${name} to be ${wanted} (it is ${phase})`,
      );
    }
    await sleep(interval);
  }
}

/** The deployer reported Failed: the command's goal is out of reach (exit 1). */
export class DeploymentFailedError extends Error {
  override readonly name = 'DeploymentFailedError';
}
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

export async function rejectedList(options: ClientOptions, io: ClientIo): Promise<void> {
  const { body } = await clientOf(options, io).call(listRejectedClaims);
  const now = io.terminal.now();
  type Entry = (typeof body.items)[number];
  await show(body, body.items, options, io, {
    name: (entry: Entry) => `${entry.bucket}/${entry.key}`,
    columns: [
      { header: 'BUCKET', value: (entry: Entry) => entry.bucket },
      { header: 'KEY', value: (entry: Entry) => entry.key },
      { header: 'SEEN', value: (entry: Entry) => relativeTime(entry.observed_at, now) },
      {
        header: 'REASONS',
        value: (entry: Entry) =>
          entry.reasons.map((reason) => `${reason.path || '(file)'}: ${reason.message}`).join('; '),
        shrink: true,
      },
    ],
  });
}

export async function auditList(
  options: ClientOptions & {
    actor?: string;
    action?: string;
    decision?: string;
    target?: string;
    since?: string;
    until?: string;
    limit?: string;
    cursor?: string;
  },
  io: ClientIo,
): Promise<void> {
  const now = io.terminal.now();
  // `--since 1h` reads as "the last hour"; an RFC 3339 time is passed as given.
  const instant = (text: string | undefined) => {
    if (text === undefined) return undefined;
    const ago = parseDuration(text);
    return ago === undefined ? text : new Date(now.getTime() - ago).toISOString();
  };
  const { body } = await clientOf(options, io).call(listAudit, {
    query: {
      actor: options.actor,
      action: options.action,
      decision: options.decision as 'allow' | 'deny' | undefined,
      target: options.target,
      since: instant(options.since),
      until: instant(options.until),
      limit: options.limit === undefined ? undefined : Number(options.limit),
      cursor: options.cursor,
    },
  });
  type Entry = (typeof body.items)[number];
  await show(body, body.items, options, io, {
    name: (entry: Entry) => String(entry.seq),
    columns: [
      { header: 'SEQ', value: (entry: Entry) => String(entry.seq) },
      { header: 'WHEN', value: (entry: Entry) => relativeTime(entry.time, now) },
      { header: 'ACTOR', value: (entry: Entry) => entry.actor },
      { header: 'ACTION', value: (entry: Entry) => entry.action },
      { header: 'TARGET', value: (entry: Entry) => entry.target, shrink: true },
      {
        header: 'DECISION',
        value: (entry: Entry) => entry.decision,
        colour: (entry: Entry) => (entry.decision === 'deny' ? 'red' : undefined),
      },
      {
        header: 'OUTCOME',
        value: (entry: Entry) => outcomeText(entry.outcome),
        colour: (entry: Entry) => (entry.outcome?.result === 'failed' ? 'red' : undefined),
      },
    ],
  });
  if (body.next_cursor && !options.quiet && outputFormat(options) === 'table') {
    io.terminal.info(`More records: --cursor ${body.next_cursor}\n`);
  }
}

/** `succeeded 201`, `failed 400 INPUT`, `succeeded` (no request), or `-` while unknown. */
function outcomeText(
  outcome: { result: string; status: number | null; problem: string | null } | null,
): string {
  if (outcome === null) return '-';
  return [outcome.result, outcome.status, outcome.problem]
    .filter((part) => part !== null)
    .join(' ');
}

export async function whoami(options: ClientOptions, io: ClientIo): Promise<void> {
  const client = clientOf(options, io);
  const { body } = await client.call(whoAmI);
  const format = outputFormat(options);
  if (format === 'json' || format === 'yaml') {
    io.terminal.write(await serialise(body, format));
    return;
  }
  if (format === 'name') {
    io.terminal.write(`${body.subject}\n`);
    return;
  }
  io.terminal.write(
    [
      `Server:   ${client.baseUrl}`,
      `Subject:  ${body.subject} (${body.kind})`,
      `Groups:   ${body.groups.join(', ') || '(none)'}`,
      `Platform: ${body.platform_actions.join(', ') || '(no platform actions)'}`,
      'Create:   ' +
        (body.create.map((entry) => `${entry.pool} (${entry.types.join(', ')})`).join('; ') ||
          '(in no pool)'),
      ...(body.create_any_pool.length > 0
        ? [`          any pool (${body.create_any_pool.join(', ')})`]
        : []),
    ].join('\n') + '\n',
  );
}

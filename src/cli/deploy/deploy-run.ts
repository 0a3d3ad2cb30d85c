import {
  createEnvironment,
  getEnvironment,
  updateEnvironment,
} from '../../api/routes/environments.js';
import { whoAmI } from '../../api/routes/meta.js';
import { listEnvironmentTypes } from '../../api/routes/platform.js';
import { InputError, NotFoundError } from '../../domain/errors.js';
import { parseDuration } from '../../domain/shared/duration.js';
import { envWait } from '../client/env-run.js';
import type { Terminal } from '../client/output.js';
import { openClient } from '../client/session.js';
import { deployRequestOf, type DeployFlags } from './deploy-request.js';
import { inferTarget } from './infer-target.js';
import { pushLocalArtifacts, type LocalFlags } from './local-artifacts.js';

export interface DeployOptions extends DeployFlags, LocalFlags {
  readonly server?: string | undefined;
  readonly ttl?: string | undefined;
  readonly local?: boolean | undefined;
  readonly wait?: boolean | undefined;
  readonly timeout?: string | undefined;
  readonly quiet?: boolean | undefined;
  readonly color?: boolean | undefined;
}

/** Types whose environments use development tags unless told otherwise (the seed's `sue`). */
const DEV_TAG_TYPES = new Set(['sue']);

/**
 * `platform-deploy`: creates the environment if it does not exist, or updates its
 * services; with `--local`, first pushes the developer's own build and pins to it; with
 * `--wait`, follows it until Rendered (exit 1 if it Failed).
 */
export async function deploy(
  options: DeployOptions,
  io: { terminal: Terminal; fetchImpl?: typeof fetch },
): Promise<void> {
  const { terminal } = io;
  const say = (line: string) => {
    if (!options.quiet) terminal.info(`${line}\n`);
  };
  const request = await deployRequestOf(options);
  const ttlMs = options.ttl === undefined ? undefined : parseDuration(options.ttl);
  if (options.ttl !== undefined && !(ttlMs !== undefined && ttlMs > 0)) {
    throw new InputError(`--ttl must be a duration such as 30m, 8h or 2d; got '${options.ttl}'`);
  }
  const client = openClient(options, {
    env: terminal.env,
    ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}),
  });

  let services = request.services;
  if (options.local) {
    const me = (await client.call(whoAmI)).body;
    services = await pushLocalArtifacts({
      services,
      subject: me.subject,
      flags: options,
      env: terminal.env,
      progress: say,
      ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}),
    });
  }
  const expiration =
    ttlMs === undefined
      ? {}
      : { expiration_date: new Date(terminal.now().getTime() + ttlMs).toISOString() };

  const existing = await client
    .call(getEnvironment, { params: { name: request.name } })
    .catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    });

  if (existing === undefined) {
    const [types, me] = await Promise.all([client.call(listEnvironmentTypes), client.call(whoAmI)]);
    const target = inferTarget({
      name: request.name,
      type: request.type,
      pool: request.pool,
      types: types.body.items.map((type) => type.name),
      rights: { pools: me.body.create, anyPool: me.body.create_any_pool },
    });
    const useDevTags = request.useDevTags ?? (DEV_TAG_TYPES.has(target.type) || undefined);
    await client.call(createEnvironment, {
      body: {
        environment_name: request.name,
        environment_type: target.type,
        environment_pool: target.pool,
        services: services as never,
        ...(request.deployOnlySpecified === undefined
          ? {}
          : { deploy_only_specified: request.deployOnlySpecified }),
        ...(useDevTags === undefined ? {} : { use_dev_tags: useDevTags }),
        ...expiration,
      },
    });
    say(`environment ${request.name} created (${target.type} in pool ${target.pool})`);
  } else {
    const claim = existing.body;
    for (const [flag, field, value] of [
      ['--type', 'environment_type', request.type],
      ['--pool', 'environment_pool', request.pool],
    ] as const) {
      if (value !== undefined && value !== claim[field]) {
        throw new InputError(
          `${request.name} already exists as ${field} ${claim[field]}; ${flag} ${value} cannot change it (delete and recreate it)`,
        );
      }
    }
    for (const [flag, field, value] of [
      ['--deploy-only-specified', 'deploy_only_specified', request.deployOnlySpecified],
      ['--use-dev-tags', 'use_dev_tags', request.useDevTags],
    ] as const) {
      if (value !== undefined && value !== (claim[field] ?? false)) {
        say(
          `note: ${flag} is set when an environment is created; ${request.name} keeps ${field}: ${String(claim[field] ?? false)}`,
        );
      }
    }
    if (Object.keys(services).length === 0 && ttlMs === undefined) {
      throw new InputError(
        'nothing to deploy: pass --services NAME:VERSION … (or a payload with services)',
      );
    }
    await client.call(updateEnvironment, {
      params: { name: request.name },
      headers: { 'if-match': existing.headers.get('etag') ?? undefined },
      body: {
        ...(Object.keys(services).length === 0 ? {} : { services: services as never }),
        ...expiration,
      },
    });
    say(`environment ${request.name} updated`);
  }

  if (options.wait) {
    await envWait(
      request.name,
      {
        ...(options.server === undefined ? {} : { server: options.server }),
        for: 'Rendered',
        timeout: options.timeout ?? '10m',
        ...(options.quiet === undefined ? {} : { quiet: options.quiet }),
      },
      { terminal, ...(io.fetchImpl ? { fetchImpl: io.fetchImpl } : {}) },
    );
  }
}

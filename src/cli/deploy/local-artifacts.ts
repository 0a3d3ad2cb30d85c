import { ENV_VARS } from '../../config/env-vars.js';
import { InputError } from '../../domain/errors.js';
import type { PushAuth } from '../../adapters/oci-registry/push/index.js';

export interface LocalFlags {
  readonly image?: readonly string[] | undefined;
  readonly deployFiles?: readonly string[] | undefined;
  readonly registry?: string | undefined;
  readonly registryUser?: string | undefined;
  readonly userRepos?: string | undefined;
}

/** `svc=PATH` pairs; a bare `PATH` is allowed when only one service is deployed. */
function sourcesOf(pairs: readonly string[], services: readonly string[], flag: string) {
  const sources = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0 && services.length === 1 && services[0] !== undefined) {
      sources.set(services[0], pair);
      continue;
    }
    const service = pair.slice(0, eq);
    if (eq <= 0 || !services.includes(service)) {
      throw new InputError(
        `${flag} '${pair}' must be SERVICE=PATH for one of the --services (${services.join(', ')})`,
      );
    }
    sources.set(service, pair.slice(eq + 1));
  }
  return sources;
}

/** Registry credentials from the environment, as the server reads its own. */
function authOf(flags: LocalFlags, env: Readonly<Record<string, string | undefined>>) {
  const token = env[ENV_VARS.registryToken]?.trim();
  if (token) return { token } satisfies PushAuth;
  const password = env[ENV_VARS.registryPassword];
  const username = flags.registryUser ?? env[ENV_VARS.registryUsername];
  if (username && password) return { username, password } satisfies PushAuth;
  return undefined;
}

/**
 * `--local`: pushes each service's image (a `docker save` tar or an OCI layout) and its
 * deployment files (packaged as `<service>-ansible`) into the user's repository, and
 * returns the claim's services pinned to the pushed digests.
 */
export async function pushLocalArtifacts(input: {
  readonly services: Readonly<Record<string, unknown>>;
  readonly subject: string;
  readonly flags: LocalFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly progress: (line: string) => void;
  readonly fetchImpl?: typeof fetch;
}): Promise<Record<string, { version: string; docker_image: string; ansible_artifact: string }>> {
  const { flags } = input;
  const registryUrl = flags.registry ?? input.env[ENV_VARS.registryUrl];
  if (!registryUrl) {
    throw new InputError(
      '--local needs the registry: pass --registry URL or set PLATFORM_REGISTRY_URL',
    );
  }
  const names = Object.keys(input.services);
  const images = sourcesOf(flags.image ?? [], names, '--image');
  const files = sourcesOf(flags.deployFiles ?? [], names, '--deploy-files');
  const missing = names.filter((name) => !images.has(name) || !files.has(name));
  if (names.length === 0 || missing.length > 0) {
    throw new InputError(
      names.length === 0
        ? '--local needs --services NAME:VERSION and, for each, --image and --deploy-files'
        : `--local needs --image and --deploy-files for ${missing.join(', ')}`,
    );
  }
  const { pushLocalImage, pushDeploymentFiles, localRepositoryName } =
    await import('../../adapters/oci-registry/push/index.js');
  const repository = localRepositoryName(input.subject, flags.userRepos);
  const auth = authOf(flags, input.env);
  const common = {
    registryUrl,
    ...(auth ? { auth } : {}),
    ...(input.fetchImpl ? { fetchImpl: input.fetchImpl } : {}),
  };
  const pinned: Record<
    string,
    { version: string; docker_image: string; ansible_artifact: string }
  > = {};
  for (const name of names) {
    const version = input.services[name];
    if (typeof version !== 'string') {
      throw new InputError(`--local: service ${name} needs a plain version such as v1.2.3-dev.1`);
    }
    input.progress(`pushing ${name}:${version} to ${repository}`);
    const image = await pushLocalImage({
      ...common,
      repository: `${repository}/${name}`,
      tag: version,
      source: images.get(name) as string,
    });
    const deployment = await pushDeploymentFiles({
      ...common,
      repository: `${repository}/${name}-ansible`,
      tag: version,
      directory: files.get(name) as string,
    });
    pinned[name] = {
      version,
      docker_image: `${image.repository}:${version}@${image.digest}`,
      ansible_artifact: `${deployment.repository}:${version}@${deployment.digest}`,
    };
  }
  return pinned;
}

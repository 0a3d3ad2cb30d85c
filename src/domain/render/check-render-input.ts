import { dnsLabelProblem } from '../claims/names.js';
import { InputError, type FieldError } from '../errors.js';
import type {
  RenderInput,
  RenderService,
  RenderSettings,
  ResolvedArtifact,
} from './render-input.js';

// OCI distribution spec grammar for repository names, tags and (registered) digests.
const REPOSITORY = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
// Flux substitutes `${NAME}` only for names of this form (kustomize-controller's envsubst).
const VARIABLE = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
// Go durations as Flux's CRDs accept them.
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;
const HOST = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]{1,5})?$/;

/** Substitution variables the renderer sets itself; a service's `env` must not redefine them. */
export const BUILTIN_VARIABLES: ReadonlySet<string> = new Set([
  'ENVIRONMENT_NAME',
  'ENVIRONMENT_TYPE',
  'ENVIRONMENT_POOL',
  'SERVICE_NAME',
  'SERVICE_VERSION',
  'SERVICE_IMAGE',
  'SERVICE_PORT',
]);

function artifactProblems(artifact: ResolvedArtifact, path: string): FieldError[] {
  const problems: FieldError[] = [];
  if (!REPOSITORY.test(artifact.repository))
    problems.push({ path: `${path}.repository`, message: 'is not an OCI repository name' });
  if (!TAG.test(artifact.tag)) problems.push({ path: `${path}.tag`, message: 'is not an OCI tag' });
  if (!DIGEST.test(artifact.digest))
    problems.push({
      path: `${path}.digest`,
      message: 'must be a digest such as sha256:<64 lower-case hex digits>',
    });
  return problems;
}

/** A path inside the artifact, relative and without `..`, as Flux's `spec.path` wants it. */
function pathProblem(path: string): string | undefined {
  if (path === '' || path.startsWith('/')) return 'must be a relative path such as ./';
  if (path.split('/').includes('..')) return "must not contain '..'";
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\s\u0000-\u001f\u007f\\]/.test(path))
    return 'must not contain spaces or control characters';
  return undefined;
}

function serviceProblems(
  service: RenderService,
  names: ReadonlySet<string>,
  reserved: ReadonlySet<string>,
): FieldError[] {
  const at = `services.${service.name}`;
  const problems: FieldError[] = [];
  const nameProblem = dnsLabelProblem(service.name);
  if (nameProblem !== undefined) problems.push({ path: at, message: nameProblem });
  else if (reserved.has(service.name))
    problems.push({ path: at, message: 'is a name the platform uses for its own Flux objects' });
  for (const dependency of service.dependsOn) {
    if (dependency === service.name)
      problems.push({ path: `${at}.dependsOn`, message: 'must not depend on itself' });
    else if (!names.has(dependency))
      problems.push({
        path: `${at}.dependsOn`,
        message: `depends on '${dependency}', which is not deployed in this environment`,
      });
  }
  if (
    service.port !== undefined &&
    !(Number.isInteger(service.port) && service.port >= 1 && service.port <= 65535)
  )
    problems.push({ path: `${at}.port`, message: 'must be an integer from 1 to 65535' });
  const badPath = pathProblem(service.path);
  if (badPath !== undefined) problems.push({ path: `${at}.path`, message: badPath });
  for (const key of Object.keys(service.env)) {
    if (!VARIABLE.test(key))
      problems.push({ path: `${at}.env.${key}`, message: 'is not a substitution variable name' });
    else if (BUILTIN_VARIABLES.has(key))
      problems.push({ path: `${at}.env.${key}`, message: 'is set by the platform' });
  }
  problems.push(...artifactProblems(service.image, `${at}.image`));
  problems.push(...artifactProblems(service.deployment, `${at}.deployment`));
  return problems;
}

/**
 * Checks what the renderer cannot render safely: names, digests, repositories, tags, paths,
 * substitution variables and dependencies that point outside the render. The caller has
 * checked the claim and the catalogue; this is the last line before text is written.
 *
 * @throws InputError listing every problem by field path (`services.<name>.image.digest`).
 */
export function checkRenderInput(input: RenderInput, reserved: ReadonlySet<string>): void {
  const problems: FieldError[] = [];
  const { environment } = input;
  for (const [field, value] of [
    ['environment_name', environment.name],
    ['environment_type', environment.type],
    ['environment_pool', environment.pool],
  ] as const) {
    const problem = dnsLabelProblem(value);
    if (problem !== undefined) problems.push({ path: field, message: problem });
  }
  const names = new Set<string>();
  for (const service of input.services) {
    if (names.has(service.name))
      problems.push({ path: `services.${service.name}`, message: 'is listed twice' });
    names.add(service.name);
  }
  for (const service of input.services) problems.push(...serviceProblems(service, names, reserved));
  if (problems.length > 0)
    throw new InputError(`cannot render environment ${environment.name}`, problems);
}

const checkedSettings = new WeakSet<RenderSettings>();

/**
 * Checks the deployment's render settings (configuration, not user input), once per
 * settings object.
 *
 * @throws TypeError naming the first bad setting.
 */
export function checkRenderSettings(settings: RenderSettings): void {
  if (checkedSettings.has(settings)) return;
  const fail = (what: string, value: unknown): never => {
    throw new TypeError(`render settings: ${what} is invalid: ${JSON.stringify(value)}`);
  };
  if (!HOST.test(settings.registryHost)) fail('registryHost', settings.registryHost);
  if (!HOST.test(settings.bucket.endpoint)) fail('bucket.endpoint', settings.bucket.endpoint);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(settings.bucket.name))
    fail('bucket.name', settings.bucket.name);
  const prefix = settings.bucket.keyPrefix ?? '';
  if (prefix !== '' && (!prefix.endsWith('/') || prefix.startsWith('/') || pathProblem(prefix)))
    fail('bucket.keyPrefix', prefix);
  if (dnsLabelProblem(settings.fluxNamespace) !== undefined)
    fail('fluxNamespace', settings.fluxNamespace);
  if (dnsLabelProblem(settings.platformStacks.sourceName) !== undefined)
    fail('platformStacks.sourceName', settings.platformStacks.sourceName);
  if (!DURATION.test(settings.interval)) fail('interval', settings.interval);
  if (settings.cluster && dnsLabelProblem(settings.cluster.claimNamespace) !== undefined)
    fail('cluster.claimNamespace', settings.cluster.claimNamespace);
  checkedSettings.add(settings);
}

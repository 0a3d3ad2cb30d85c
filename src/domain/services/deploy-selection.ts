import { compareText } from '../access/serialize.js';
import type { Services } from '../claims/claim-schema.js';
import { InputError, type FieldError } from '../errors.js';
import type { Constraint } from '../versions/constraint.js';
import { checkServiceVersions, type VersionPolicy } from '../versions/version-policy.js';
import { dependencyClosure, unknownServiceMessage } from './dependency-closure.js';
import type { ServiceCatalogue } from './service-catalogue.js';
import { checkVersionForType, defaultVersionFor } from './service-versions.js';

/** One service to deploy, with everything the renderer needs from the catalogue. */
export interface SelectedService {
  readonly name: string;
  readonly constraint: Constraint;
  /** `claim`: the claim named the version; `default`: the catalogue's default for the type. */
  readonly source: 'claim' | 'default';
  /** Its dependencies, sorted; all of them are selected too. */
  readonly dependsOn: readonly string[];
  readonly port?: number;
  readonly path: string;
  readonly env: Readonly<Record<string, string>>;
  /** Repository names of the image and the deployment artifact, from the catalogue. */
  readonly artifacts: { readonly image: string; readonly deployment: string };
  /** Artifact references the claim gave explicitly (the seed's object form). */
  readonly explicit?: { readonly docker_image?: string; readonly ansible_artifact?: string };
}

export interface SelectServicesArgs {
  readonly catalogue: ServiceCatalogue;
  readonly environmentType: string;
  /** The claim's services: name → version, or `{ version, docker_image?, ansible_artifact? }`. */
  readonly services: Readonly<Services>;
  /** The seed's `--deploy-only-specified`. */
  readonly deployOnlySpecified: boolean;
  /** `DEFAULT_VERSION_POLICY` when omitted. */
  readonly policy?: VersionPolicy;
}

/**
 * Decides what an environment runs: the seed's `deploy_environment` with the claim as
 * the override payload.
 * - `deployOnlySpecified`: exactly the claim's services plus the transitive closure of
 *   their dependencies; the dependencies get the catalogue's default for the type.
 * - otherwise: every catalogue service whose `types` include the environment type, plus
 *   the claim's services, plus all their dependencies; the claim's versions override the
 *   defaults.
 *
 * Claim versions are checked against the policy for the type (errors at
 * `services.<name>` or `services.<name>.version`, as `checkServiceVersions` reports them),
 * and so are the defaults used. Throws one `InputError` with every problem: an unknown
 * environment type (`environment_type`), unknown claim services, versions the policy
 * forbids, selected services with no version for the type. The result is in
 * `dependencyClosure` order: dependencies first, ties by name.
 */
export function selectServices(args: SelectServicesArgs): SelectedService[] {
  const { catalogue, environmentType, services: claimed, deployOnlySpecified, policy } = args;
  const problems: FieldError[] = [];
  if (!catalogue.environmentTypes.includes(environmentType)) {
    throw new InputError('Cannot select the services to deploy', [
      {
        path: 'environment_type',
        message: `unknown environment type '${environmentType}'; known: ${catalogue.environmentTypes.join(', ')}`,
      },
    ]);
  }

  // No prototype: a service may be called `constructor`.
  const known = Object.create(null) as Record<string, Services[string]>;
  for (const [name, spec] of Object.entries(claimed)) {
    if (Object.hasOwn(catalogue.services, name)) known[name] = spec;
    else
      problems.push({ path: `services.${name}`, message: unknownServiceMessage(name, catalogue) });
  }
  const claimConstraints = collect(problems, () =>
    checkServiceVersions({ ...(policy ? { policy } : {}), environmentType, services: known }),
  );

  const roots = Object.keys(known);
  if (!deployOnlySpecified) {
    for (const name of catalogue.names) {
      if (catalogue.services[name]!.types.includes(environmentType)) roots.push(name);
    }
  }
  const order = collect(problems, () => dependencyClosure(catalogue, roots)) ?? [];

  const selected: SelectedService[] = [];
  for (const name of order) {
    const service = catalogue.services[name]!;
    const spec = known[name];
    // A claim version the policy refused is reported above; its service is left out.
    const constraint =
      spec === undefined
        ? defaultFor(name, order, catalogue, environmentType, policy, problems)
        : claimConstraints && Object.hasOwn(claimConstraints, name)
          ? claimConstraints[name]
          : undefined;
    if (!constraint) continue;
    const explicit = typeof spec === 'object' ? explicitArtifacts(spec) : undefined;
    selected.push({
      name,
      constraint,
      source: spec === undefined ? 'default' : 'claim',
      dependsOn: [...service.dependsOn].sort(compareText),
      ...(service.port === undefined ? {} : { port: service.port }),
      path: service.path,
      env: { ...service.env },
      artifacts: { ...service.artifacts },
      ...(explicit ? { explicit } : {}),
    });
  }
  if (problems.length > 0) throw new InputError('Cannot select the services to deploy', problems);
  return selected;
}

/** Runs `check`; an `InputError`'s field errors join `problems` and the result is `undefined`. */
function collect<T>(problems: FieldError[], check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(
      ...(error.errors.length > 0 ? error.errors : [{ path: '(root)', message: error.message }]),
    );
    return undefined;
  }
}

function defaultFor(
  name: string,
  order: readonly string[],
  catalogue: ServiceCatalogue,
  environmentType: string,
  policy: VersionPolicy | undefined,
  problems: FieldError[],
): Constraint | undefined {
  const found = defaultVersionFor(catalogue.services[name]!.versions, environmentType);
  if (!found) {
    const neededBy = order.filter((other) => catalogue.services[other]!.dependsOn.includes(name));
    const why =
      neededBy.length > 0
        ? `${neededBy.map((other) => `'${other}'`).join(', ')} ${neededBy.length === 1 ? 'depends' : 'depend'} on it`
        : `the catalogue deploys it to '${environmentType}'`;
    problems.push({
      path: `services.${name}`,
      message: `no version for environment type '${environmentType}': ${why}, the claim names none and the catalogue has no default for '${environmentType}'; name a version in the claim`,
    });
    return undefined;
  }
  // The catalogue was checked against a policy when it was loaded; this one may differ.
  const checked = checkVersionForType(policy, environmentType, found.value.text);
  if (checked.ok) return found.value;
  problems.push({
    path: `services.${name}`,
    message: `the catalogue's default (versions.${found.key}) is not allowed: ${checked.message}; name a version in the claim`,
  });
  return undefined;
}

function explicitArtifacts(spec: {
  readonly docker_image?: string | undefined;
  readonly ansible_artifact?: string | undefined;
}): SelectedService['explicit'] {
  const explicit = {
    ...(spec.docker_image === undefined ? {} : { docker_image: spec.docker_image }),
    ...(spec.ansible_artifact === undefined ? {} : { ansible_artifact: spec.ansible_artifact }),
  };
  return Object.keys(explicit).length > 0 ? explicit : undefined;
}

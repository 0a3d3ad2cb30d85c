import { compareText } from '../access/serialize.js';
import { InputError, type FieldError } from '../errors.js';
import { deepFreeze } from '../shared/deep-freeze.js';
import { parseYamlText } from '../shared/yaml-text.js';
import { toFieldErrors } from '../shared/zod-errors.js';
import { readConstraint, type Constraint } from '../versions/constraint.js';
import type { VersionPolicy } from '../versions/version-policy.js';
import { cycleFieldError, findCycles } from './dependency-graph.js';
import {
  DEFAULT_VERSION_KEY,
  serviceCatalogueSchema,
  type CatalogueServiceInput,
} from './service-catalogue-schema.js';
import { checkVersionForType, defaultVersionFor } from './service-versions.js';

/** One service of a checked catalogue. */
export interface CatalogueService {
  readonly name: string;
  readonly description?: string;
  /** Catalogue services, as written (no duplicates, none unknown, no cycles). */
  readonly dependsOn: readonly string[];
  readonly port?: number;
  /** The environment types that get the service when the whole catalogue is deployed. */
  readonly types: readonly string[];
  /** Default constraints by environment type, plus `default` for the types not listed. */
  readonly versions: Readonly<Record<string, Constraint>>;
  /** Repository names of the Docker image and of the deployment-files OCI artifact. */
  readonly artifacts: { readonly image: string; readonly deployment: string };
  /** Path inside the deployment artifact to apply (`./` by default). */
  readonly path: string;
  readonly env: Readonly<Record<string, string>>;
}

/** A checked, frozen service catalogue. `services` has no prototype: any name is safe to look up. */
export interface ServiceCatalogue {
  readonly services: Readonly<Record<string, CatalogueService>>;
  /** Service names in code-unit order. */
  readonly names: readonly string[];
  /** The environment types the catalogue was checked against. */
  readonly environmentTypes: readonly string[];
}

/** Default artifact names; `{service}` becomes the service name (the seed's naming). */
export const DEFAULT_ARTIFACT_NAMES = {
  image: '{service}',
  deployment: '{service}-ansible',
} as const;

export interface ServiceCatalogueOptions {
  /** The known environment types (the environment-type catalogue's names). */
  readonly environmentTypes: readonly string[];
  /** Checks default versions; `DEFAULT_VERSION_POLICY` when omitted. */
  readonly policy?: VersionPolicy;
  /** Patterns for artifact names a service does not set; see `DEFAULT_ARTIFACT_NAMES`. */
  readonly artifactNames?: { readonly image?: string; readonly deployment?: string };
  /** Names the file in the error message. */
  readonly source?: string;
}

/**
 * A service's default constraint for an environment type (its type key, else `default`);
 * `undefined` when it has none.
 */
export function defaultVersion(
  service: CatalogueService,
  environmentType: string,
): Constraint | undefined {
  return defaultVersionFor(service.versions, environmentType)?.value;
}

/**
 * Validates a parsed catalogue document and returns it frozen. Throws one `InputError`
 * listing every problem at its key path: schema errors (alone, when there are any); then
 * per service unknown or repeated dependencies and types, `versions` keys that are not
 * environment types, default versions that do not parse or that the policy forbids for
 * the type they apply to, types the service is deployed to without a default version;
 * then each dependency cycle once (`dependency cycle: a → b → a`).
 */
export function loadServiceCatalogue(
  raw: unknown,
  options: ServiceCatalogueOptions,
): ServiceCatalogue {
  const what =
    options.source === undefined ? 'Service catalogue' : `Service catalogue ${options.source}`;
  const parsed = serviceCatalogueSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${what} is invalid`, toFieldErrors(parsed.error));

  const inputs = new Map(Object.entries(parsed.data.services));
  const names = [...inputs.keys()].sort(compareText);
  const dependents = new Map<string, string[]>();
  for (const name of names) {
    for (const dep of new Set(inputs.get(name)?.dependsOn)) {
      if (dep === name) continue;
      const list = dependents.get(dep);
      if (list) list.push(name);
      else dependents.set(dep, [name]);
    }
  }

  const problems: FieldError[] = [];
  // No prototype: a service may be called `constructor`.
  const services = Object.create(null) as Record<string, CatalogueService>;
  for (const name of names) {
    const input = inputs.get(name)!;
    problems.push(...checkReferences(name, input, inputs, options.environmentTypes));
    const { versions, problems: versionProblems } = checkVersions(
      name,
      input,
      dependents.get(name) ?? [],
      options,
    );
    problems.push(...versionProblems);
    services[name] = build(name, input, versions, options);
  }

  const dependenciesOf = (name: string) => inputs.get(name)?.dependsOn ?? [];
  for (const cycle of findCycles(names, dependenciesOf)) {
    problems.push(cycleFieldError(cycle, dependenciesOf));
  }
  if (problems.length > 0) throw new InputError(`${what} fails the checks`, problems);
  return deepFreeze({ services, names, environmentTypes: [...options.environmentTypes] });
}

/**
 * Reads a catalogue file's text (YAML) and checks it as `loadServiceCatalogue` does;
 * `what` names the file in messages. An empty file is an error, not an empty catalogue.
 */
export function parseServiceCatalogueText(
  text: string,
  what: string,
  options: Omit<ServiceCatalogueOptions, 'source'>,
): ServiceCatalogue {
  const raw = parseYamlText(text, `Service catalogue ${what}`);
  if (raw === null || raw === undefined) {
    throw new InputError(`Service catalogue ${what} is empty`, [
      { path: '(file)', message: 'is empty; write services: {} for a catalogue with no services' },
    ]);
  }
  return loadServiceCatalogue(raw, { ...options, source: what });
}

function checkReferences(
  name: string,
  input: CatalogueServiceInput,
  inputs: ReadonlyMap<string, CatalogueServiceInput>,
  environmentTypes: readonly string[],
): FieldError[] {
  const problems: FieldError[] = [];
  const at = `services.${name}`;
  const seenDeps = new Set<string>();
  input.dependsOn.forEach((dep, i) => {
    if (!inputs.has(dep))
      problems.push({ path: `${at}.dependsOn.${i}`, message: `unknown service '${dep}'` });
    else if (seenDeps.has(dep))
      problems.push({ path: `${at}.dependsOn.${i}`, message: `duplicate dependency '${dep}'` });
    seenDeps.add(dep);
  });
  const seenTypes = new Set<string>();
  input.types?.forEach((type, i) => {
    if (!environmentTypes.includes(type))
      problems.push({ path: `${at}.types.${i}`, message: unknownType(type, environmentTypes) });
    else if (seenTypes.has(type))
      problems.push({ path: `${at}.types.${i}`, message: `duplicate environment type '${type}'` });
    seenTypes.add(type);
  });
  return problems;
}

function checkVersions(
  name: string,
  input: CatalogueServiceInput,
  dependents: readonly string[],
  options: ServiceCatalogueOptions,
): { versions: Record<string, Constraint>; problems: FieldError[] } {
  const { environmentTypes, policy } = options;
  const at = `services.${name}.versions`;
  const problems: FieldError[] = [];
  const versions: Record<string, Constraint> = {};
  for (const [key, text] of Object.entries(input.versions)) {
    if (key === DEFAULT_VERSION_KEY) continue;
    if (!environmentTypes.includes(key)) {
      problems.push({
        path: `${at}.${key}`,
        message: `${unknownType(key, environmentTypes)}, or '${DEFAULT_VERSION_KEY}'`,
      });
      continue;
    }
    const checked = checkVersionForType(policy, key, text);
    if (checked.ok) versions[key] = checked.constraint;
    else problems.push({ path: `${at}.${key}`, message: checked.message });
  }

  const fallback = input.versions[DEFAULT_VERSION_KEY];
  if (fallback !== undefined) {
    const read = readConstraint(fallback);
    if (read.ok) versions[DEFAULT_VERSION_KEY] = read.constraint;
    else problems.push({ path: `${at}.${DEFAULT_VERSION_KEY}`, message: read.message });
  }
  // A service something depends on can be pulled into any type (a claim names the
  // dependent), so it needs a default for every type; otherwise only for its own types.
  const usedIn = dependents.length > 0 ? environmentTypes : (input.types ?? environmentTypes);
  const missing: string[] = [];
  for (const type of new Set(usedIn)) {
    if (!environmentTypes.includes(type) || Object.hasOwn(input.versions, type)) continue;
    if (fallback === undefined) missing.push(type);
    else if (versions[DEFAULT_VERSION_KEY] !== undefined) {
      const checked = checkVersionForType(policy, type, fallback);
      if (!checked.ok)
        problems.push({
          path: `${at}.${DEFAULT_VERSION_KEY}`,
          message: `${checked.message}; add versions.${type} (the default applies to ${type})`,
        });
    }
  }
  if (missing.length > 0) {
    const why =
      dependents.length > 0
        ? `'${dependents[0]}' depends on it, so it can be deployed to any environment type`
        : 'it is deployed to those types (see types)';
    problems.push({
      path: at,
      message: `no default version for ${missing.map((type) => `'${type}'`).join(', ')}: ${why}; add a key per type or '${DEFAULT_VERSION_KEY}'`,
    });
  }
  return { versions, problems };
}

function build(
  name: string,
  input: CatalogueServiceInput,
  versions: Record<string, Constraint>,
  options: ServiceCatalogueOptions,
): CatalogueService {
  const pattern = { ...DEFAULT_ARTIFACT_NAMES, ...options.artifactNames };
  return {
    name,
    ...(input.description === undefined ? {} : { description: input.description }),
    dependsOn: [...input.dependsOn],
    ...(input.port === undefined ? {} : { port: input.port }),
    types: [...new Set(input.types ?? options.environmentTypes)],
    versions,
    artifacts: {
      image: input.artifacts?.image ?? pattern.image.replaceAll('{service}', name),
      deployment: input.artifacts?.deployment ?? pattern.deployment.replaceAll('{service}', name),
    },
    path: input.path ?? './',
    env: { ...input.env },
  };
}

function unknownType(type: string, environmentTypes: readonly string[]): string {
  return `unknown environment type '${type}'; known: ${environmentTypes.join(', ') || 'none'}`;
}

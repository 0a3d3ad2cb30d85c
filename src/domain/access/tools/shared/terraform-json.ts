import { createHash } from 'node:crypto';
import type { AccessFile } from '../../access-output.js';
import { entriesByKey, toJson } from '../../serialize.js';

/** One resource's arguments in Terraform JSON syntax (strings may hold `${…}` templates). */
export type TerraformBody = Readonly<Record<string, unknown>>;

/** The parts of a Terraform JSON file the access compiler writes. */
export interface TerraformDocument {
  readonly terraform?: {
    readonly required_providers: Readonly<Record<string, { readonly source: string }>>;
  };
  readonly provider?: Readonly<Record<string, TerraformBody>>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, TerraformBody>>>>;
}

/** Terraform identifiers: a letter or `_`, then letters, digits, `_` and `-`. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * A resource label for a name: the name itself when it already is an identifier (so labels
 * read like the group or repository they manage); otherwise every other character becomes
 * `_` and 8 hex digits of the name's SHA-256 follow, so `a.b` and `a/b` stay two labels.
 */
export function terraformLabel(name: string): string {
  if (IDENTIFIER.test(name)) return name;
  const safe = name.replace(/[^A-Za-z0-9_-]/g, '_');
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
  return `${/^[A-Za-z_]/.test(safe) ? '' : '_'}${safe}_${hash}`;
}

/** `${type.label.attribute}`: an interpolated reference to another resource's attribute. */
export function terraformRef(type: string, label: string, attribute: string): string {
  return `\${${type}.${label}.${attribute}}`;
}

/**
 * Collects the resources of one file, sorted by type and label when rendered. Adding the
 * same label twice is allowed only with the same body (a team two namespaces share);
 * anything else would silently drop a resource, so it throws.
 */
export class TerraformResources {
  private readonly byType = new Map<string, Map<string, TerraformBody>>();

  add(type: string, label: string, body: TerraformBody): void {
    const byLabel = this.byType.get(type) ?? new Map<string, TerraformBody>();
    this.byType.set(type, byLabel);
    const existing = byLabel.get(label);
    if (existing !== undefined && toJson(existing) !== toJson(body))
      throw new TypeError(`two different Terraform resources ${type}.${label}`);
    byLabel.set(label, body);
  }

  get size(): number {
    return this.byType.size;
  }

  document(): TerraformDocument {
    const resource: Record<string, Record<string, TerraformBody>> = {};
    for (const [type, byLabel] of entriesByKey(this.byType))
      resource[type] = Object.fromEntries(entriesByKey(byLabel));
    return { resource };
  }
}

/** Every resource address (`grafana_team.koa-dev-grafana-write`) a document declares. */
export function resourceAddresses(document: TerraformDocument): string[] {
  return Object.entries(document.resource ?? {}).flatMap(([type, byLabel]) =>
    Object.keys(byLabel).map((label) => `${type}.${label}`),
  );
}

/** A generated Terraform JSON file; its objects are the resource addresses, for `plan`. */
export function terraformFile(path: string, document: TerraformDocument): AccessFile {
  return { path, content: toJson(document), objects: resourceAddresses(document) };
}

/**
 * The file that pins a provider's source for a directory: Terraform reads every `*.tf.json`
 * of a directory as one module and rejects `required_providers` declared twice, so it lives
 * in one `_provider.tf.json` (a name no product can take: product names have no `_`).
 */
export function providerFile(
  directory: string,
  name: string,
  source: string,
  settings?: TerraformBody,
): AccessFile {
  const document: TerraformDocument = {
    terraform: { required_providers: { [name]: { source } } },
    ...(settings ? { provider: { [name]: settings } } : {}),
  };
  return {
    path: `${directory}/_provider.tf.json`,
    content: toJson(document),
    objects: [`provider ${name}`],
  };
}

function collectStrings(value: unknown, into: string[]): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectStrings(item, into);
  return into;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)\.[A-Za-z_][\w-]*\}/g;

/**
 * What `terraform validate` would reject in a module made of these documents: a resource
 * declared by two files, or a `${type.label.attribute}` naming a resource no file declares.
 */
export function terraformModuleProblems(documents: readonly TerraformDocument[]): string[] {
  const problems: string[] = [];
  const declared = new Set<string>();
  for (const document of documents)
    for (const address of resourceAddresses(document)) {
      if (declared.has(address)) problems.push(`${address} is declared twice`);
      declared.add(address);
    }
  for (const document of documents)
    for (const text of collectStrings(document.resource ?? {}, []))
      for (const match of text.matchAll(REFERENCE)) {
        const address = `${match[1] ?? ''}.${match[2] ?? ''}`;
        if (!declared.has(address)) problems.push(`${match[0]} names no declared resource`);
      }
  return problems;
}

import type { Claim } from '../claims/claim-schema.js';
import type { EnvironmentTypeCatalogue } from '../environment-types/catalogue.js';
import { InputError, type FieldError } from '../errors.js';
import { parseYamlText } from '../shared/yaml-text.js';
import { staticClaimOf, type Provenance } from './static-claim.js';

/** One definition file of the checkout: `environments/<name>.yaml`, `.yml` or `.json`. */
export interface DefinitionFile {
  /** As shown to the user, relative to the checkout: `environments/prod-main.yaml`. */
  readonly path: string;
  readonly text: string;
}

/** A problem with one file, printed as `file: path: message`. */
export interface FileProblem extends FieldError {
  readonly file: string;
}

const EXTENSION = /\.(ya?ml|json)$/;

/** Whether a file name is a definition file the pipeline reads. */
export const isDefinitionFile = (name: string): boolean =>
  EXTENSION.test(name) && name.replace(EXTENSION, '') !== '';

/**
 * The claims a set of definition files stands for, or every problem of every file: the
 * pipeline publishes all of them or none. Two files defining one environment
 * (`a.yaml` and `a.json`) are a problem of each one after the first, in path order.
 */
export function claimsOfDefinitions(
  files: readonly DefinitionFile[],
  provenance: Provenance,
  catalogue: EnvironmentTypeCatalogue,
): { readonly claims: readonly Claim[] } | { readonly problems: readonly FileProblem[] } {
  const problems: FileProblem[] = [];
  const claims: Claim[] = [];
  const definedBy = new Map<string, string>();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const at = (errors: readonly FieldError[]): FileProblem[] =>
      errors.map((error) => ({ file: file.path, ...error }));
    const parsed = parseDefinition(file);
    if ('problems' in parsed) {
      problems.push(...at(parsed.problems));
      continue;
    }
    const stem = baseName(file.path).replace(EXTENSION, '');
    const result = staticClaimOf({ stem, document: parsed.document, provenance, catalogue });
    if ('problems' in result) {
      problems.push(...at(result.problems));
      continue;
    }
    const name = result.claim.environment_name;
    const first = definedBy.get(name);
    if (first !== undefined) {
      problems.push(
        ...at([{ path: 'environment_name', message: `'${name}' is already defined by ${first}` }]),
      );
      continue;
    }
    definedBy.set(name, file.path);
    claims.push(result.claim);
  }
  return problems.length > 0 ? { problems } : { claims };
}

function parseDefinition(
  file: DefinitionFile,
): { readonly document: unknown } | { readonly problems: readonly FieldError[] } {
  if (file.path.endsWith('.json')) {
    try {
      return { document: JSON.parse(file.text) as unknown };
    } catch (error) {
      return {
        problems: [{ path: '(root)', message: `not valid JSON: ${(error as Error).message}` }],
      };
    }
  }
  try {
    const document = parseYamlText(file.text, file.path);
    if (document === undefined || document === null) {
      return { problems: [{ path: '(root)', message: 'the file is empty' }] };
    }
    return { document };
  } catch (error) {
    if (error instanceof InputError) return { problems: error.errors };
    throw error;
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

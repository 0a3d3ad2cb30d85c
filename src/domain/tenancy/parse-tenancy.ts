import { InputError } from '../errors.js';
import { parseYamlText } from '../shared/yaml-text.js';
import { toFieldErrors } from '../shared/zod-errors.js';
import { checkTenancy } from './model-checks.js';
import { indexTenancy, type TenancyIndex } from './tenancy-index.js';
import { tenancySchema } from './tenancy-schema.js';

/**
 * Reads a tenancy file's text: YAML, then the schema, then the model checks. Throws one
 * `InputError` listing every problem with its key path; returns the indexed model.
 */
export function parseTenancy(
  text: string,
  options: { source: string; knownEnvironmentTypes?: readonly string[] },
): TenancyIndex {
  const raw = parseYamlText(text, `Tenancy file ${options.source}`);
  // An empty file is far more likely a truncated write than an intent to lock everyone
  // out; a model with no tenants is written as `{}` (or with keys and empty lists).
  if (raw === null || raw === undefined)
    throw new InputError(`Tenancy file ${options.source} is empty`, [
      { path: '(file)', message: 'is empty; write {} for a model with no tenants' },
    ]);
  const parsed = tenancySchema.safeParse(raw);
  if (!parsed.success)
    throw new InputError(`Invalid tenancy file ${options.source}`, toFieldErrors(parsed.error));
  const problems = checkTenancy(parsed.data, options);
  if (problems.length > 0)
    throw new InputError(`Tenancy file ${options.source} fails the model checks`, problems);
  return indexTenancy(parsed.data);
}

import { resolve } from 'node:path';
import {
  buildPolicyBundle,
  newPolicySetId,
  parseOperatorPolicies,
} from '../../adapters/cedar-authorizer/policy-bundle.js';
import { createFsAccessSource } from '../../adapters/fs-access-source/fs-access-source.js';
import { DEFAULT_ENVIRONMENT_TYPES } from '../../domain/environment-types/catalogue.js';
import { tenancyWarnings } from '../../domain/tenancy/model-checks.js';
import { parseTenancy } from '../../domain/tenancy/parse-tenancy.js';
import { reportProblems, reportWarnings } from '../report-error.js';

/**
 * `platformctl tenancy check FILE [--policies DIR]`: the same checks the server runs at
 * start and on reload, offline. Prints every problem on its own line and exits 1, or a
 * summary and exits 0 (warnings on stderr), so it fits a CI step before the file is merged.
 */
export async function checkTenancyFile(
  file: string,
  options: { policies?: string; types?: string },
): Promise<void> {
  const source = createFsAccessSource({
    tenancyPath: resolve(file),
    policyDirectory: options.policies === undefined ? undefined : resolve(options.policies),
  });
  const knownEnvironmentTypes =
    options.types === undefined
      ? Object.keys(DEFAULT_ENVIRONMENT_TYPES)
      : options.types.split(',').map((type) => type.trim());
  try {
    const snapshot = await source.read();
    const index = parseTenancy(snapshot.tenancy?.text ?? '', {
      source: file,
      knownEnvironmentTypes,
    });
    const bundle = buildPolicyBundle({
      index,
      operatorPolicies: snapshot.policyFiles.flatMap((policyFile) =>
        parseOperatorPolicies(policyFile.source, policyFile.text),
      ),
      policySetId: newPolicySetId(),
    });
    reportWarnings(tenancyWarnings(index.model));
    const products = index.model.organizations.flatMap((organization) => organization.products);
    process.stdout.write(
      `ok: ${index.model.organizations.length} organizations, ${products.length} products, ${index.productOfPool.size} pools, ${Object.keys(bundle.policies).length} policies\n`,
    );
  } catch (error) {
    reportProblems(error);
  }
}

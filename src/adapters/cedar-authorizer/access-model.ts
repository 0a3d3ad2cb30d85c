import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  buildPolicyBundle,
  parseOperatorPolicies,
  type OperatorPolicy,
  type PolicyBundle,
} from './policy-bundle.js';
import { InputError, type FieldError } from '../../domain/errors.js';
import { tenancyWarnings } from '../../domain/tenancy/model-checks.js';
import { parseTenancy } from '../../domain/tenancy/parse-tenancy.js';
import { indexTenancy } from '../../domain/tenancy/tenancy-index.js';
import { tenancySchema } from '../../domain/tenancy/tenancy-schema.js';
import type { AccessModelStatus, AccessSource } from '../../ports/access-source.js';
import type { Clock } from '../../ports/clock.js';

export interface AccessModel {
  readonly current: () => PolicyBundle;
  /** Re-reads the source if it changed; a bad edit is logged and the last good model stays. */
  readonly reloadIfChanged: () => Promise<void>;
  readonly status: () => AccessModelStatus;
}

/**
 * The tenancy model and the policies, kept current. The first load must succeed (the
 * platform does not start on a broken model); later loads replace the model only when the
 * whole of it, policies included, validates.
 */
export async function createAccessModel(deps: {
  source: AccessSource;
  policySetId: string;
  knownEnvironmentTypes: readonly string[];
  clock: Clock;
  logger: Logger;
}): Promise<AccessModel> {
  const { source, clock, logger } = deps;

  async function build(): Promise<{
    bundle: PolicyBundle;
    revision: string;
    warnings: FieldError[];
  }> {
    const snapshot = await source.read();
    const index = snapshot.tenancy
      ? parseTenancy(snapshot.tenancy.text, {
          source: snapshot.tenancy.source,
          knownEnvironmentTypes: deps.knownEnvironmentTypes,
        })
      : indexTenancy(tenancySchema.parse({}));
    const operatorPolicies: OperatorPolicy[] = snapshot.policyFiles.flatMap((file) =>
      parseOperatorPolicies(file.source, file.text),
    );
    const bundle = buildPolicyBundle({ index, operatorPolicies, policySetId: deps.policySetId });
    const hash = createHash('sha256');
    for (const text of [snapshot.tenancy?.text ?? '', ...snapshot.policyFiles.map((f) => f.text)])
      hash.update(text).update('\0');
    return { bundle, revision: hash.digest('hex'), warnings: tenancyWarnings(index.model) };
  }

  let fingerprint = await source.fingerprint();
  let { bundle, revision, warnings } = await build();
  let loadedAt = clock.now().toISOString();
  let checkedAt = loadedAt;
  let lastError: AccessModelStatus['last_error'] = null;
  if (source.locations.tenancy === undefined)
    logger.warn('no tenancy file configured: only environment types are readable; set `tenancy:`');

  return {
    current: () => bundle,
    async reloadIfChanged() {
      const now = await source.fingerprint();
      checkedAt = clock.now().toISOString();
      if (now === fingerprint) return;
      fingerprint = now;
      try {
        ({ bundle, revision, warnings } = await build());
        loadedAt = checkedAt;
        lastError = null;
        logger.info({ revision, warnings: warnings.length }, 'tenancy and policies reloaded');
      } catch (error) {
        const errors = error instanceof InputError ? error.errors : [];
        lastError = { at: checkedAt, message: (error as Error).message, errors };
        logger.error(
          { err: error, errors },
          'tenancy or policy change rejected; the last good version stays in force',
        );
      }
    },
    status() {
      const products = bundle.index.model.organizations.flatMap((o) => o.products);
      return {
        state: lastError ? 'error' : 'ok',
        tenancy: source.locations.tenancy ?? null,
        policy_directory: source.locations.policyDirectory ?? null,
        revision,
        loaded_at: loadedAt,
        checked_at: checkedAt,
        counts: {
          organizations: bundle.index.model.organizations.length,
          products: products.length,
          pools: bundle.index.productOfPool.size,
          policies: Object.keys(bundle.policies).length,
          operator_policies: bundle.operatorPolicyIds.length,
        },
        warnings,
        last_error: lastError,
      };
    },
  };
}

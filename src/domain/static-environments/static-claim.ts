import { findType, judgeClaimDocument } from '../claims/claim-rules.js';
import { claimSchema, type Claim } from '../claims/claim-schema.js';
import type { EnvironmentTypeCatalogue } from '../environment-types/catalogue.js';
import type { FieldError } from '../errors.js';

/** Where a static environment's definition comes from: the Git checkout the pipeline runs in. */
export interface Provenance {
  /** Without credentials (see `withoutCredentials`). */
  readonly repository: string;
  readonly branch: string;
  readonly commit: string;
  /** Who publishes: the pipeline's user. */
  readonly user: string;
  /** RFC 3339; the `creation_date` of an environment published for the first time. */
  readonly now: string;
}

/** Fields a definition file must not set: they describe the publication, not the environment. */
const SET_BY_PIPELINE = ['user', 'creation_date', 'git_commit'] as const;

/**
 * The claim a definition file in Git stands for, or every problem with it. The file holds
 * the claim's own fields (type, pool, services, deploy flags); the pipeline adds
 * `deployment_method: git`, the repository, branch and commit of the checkout, the user and
 * the creation date. The result is judged by the same rules the server applies to every
 * stored claim (`judgeClaimDocument`: schema, known type, expiry), plus the static rules:
 * the file is named after the environment, and the environment does not expire, since the
 * seed destroys a static environment only by removing its file ("Cleanup").
 */
export function staticClaimOf(args: {
  /** The file's name without its extension: the environment it must define. */
  stem: string;
  document: unknown;
  provenance: Provenance;
  catalogue: EnvironmentTypeCatalogue;
}): { readonly claim: Claim } | { readonly problems: readonly FieldError[] } {
  const { stem, document, provenance, catalogue } = args;
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return { problems: [{ path: '(root)', message: 'must be a mapping of claim fields' }] };
  }
  const fields = document as Record<string, unknown>;
  const problems: FieldError[] = [];
  for (const field of SET_BY_PIPELINE) {
    if (Object.hasOwn(fields, field)) {
      problems.push({
        path: field,
        message: 'is set by platformctl static publish from the pipeline; remove it',
      });
    }
  }
  const fromCheckout = {
    deployment_method: 'git',
    git_repository: provenance.repository,
    branch: provenance.branch,
  } as const;
  for (const [field, value] of Object.entries(fromCheckout)) {
    // The seed's example spells these out; a file may keep them if they agree with Git.
    if (Object.hasOwn(fields, field) && fields[field] !== value) {
      problems.push({
        path: field,
        message: `is ${JSON.stringify(fields[field])} but this checkout says ${JSON.stringify(value)}; a static environment takes it from the Git checkout, so remove it`,
      });
    }
  }
  if (Object.hasOwn(fields, 'expiration_date')) {
    problems.push({
      path: 'expiration_date',
      message: 'a static environment does not expire: it lives until its file is removed from Git',
    });
  }
  const name = fields['environment_name'];
  if (typeof name === 'string' && name !== stem) {
    problems.push({
      path: 'environment_name',
      message: `is '${name}' but the file is named '${stem}': a definition file must be named after its environment`,
    });
  }
  const candidate = {
    ...fields,
    user: provenance.user,
    creation_date: provenance.now,
    ...fromCheckout,
    git_commit: provenance.commit,
  };
  const verdict = judgeClaimDocument(JSON.stringify(candidate), catalogue);
  if (!verdict.valid) return { problems: [...problems, ...verdict.reasons] };
  const { claim } = verdict;
  const type = findType(catalogue, claim.environment_type);
  if (type?.expiry?.default != null) {
    problems.push({
      path: 'environment_type',
      message: `environments of type '${claim.environment_type}' always expire (after ${type.expiry.default}); a static environment lives until its file is removed from Git`,
    });
  }
  return problems.length > 0 ? { problems } : { claim };
}

/**
 * Problems with the provenance itself, judged by the claim schema's own fields: a short
 * `--commit`, a branch with `..`. Checked once, before any file, as they are no file's fault.
 */
export function provenanceProblems(provenance: Provenance): FieldError[] {
  const { shape } = claimSchema;
  const checks = [
    ['git_repository', shape.git_repository, provenance.repository],
    ['branch', shape.branch, provenance.branch],
    ['git_commit', shape.git_commit, provenance.commit],
    ['user', shape.user, provenance.user],
  ] as const;
  return checks.flatMap(([path, schema, value]) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? [] : [{ path, message: parsed.error.issues[0]?.message ?? 'invalid' }];
  });
}

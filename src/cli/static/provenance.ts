import { InputError } from '../../domain/errors.js';
import { withoutCredentials } from '../../domain/static-environments/repository-url.js';
import {
  provenanceProblems,
  type Provenance,
} from '../../domain/static-environments/static-claim.js';
import type { CheckoutFacts } from './git-checkout.js';

/** GitLab CI's predefined variables the command reads (each overridden by its flag). */
export const CI_VARS = {
  repository: 'CI_REPOSITORY_URL',
  branch: 'CI_COMMIT_BRANCH',
  commit: 'CI_COMMIT_SHA',
  user: 'GITLAB_USER_EMAIL',
} as const;

/** Who the claims name when neither `--user` nor `GITLAB_USER_EMAIL` says. */
export const DEFAULT_USER = 'gitlab-ci';

export interface ProvenanceFlags {
  readonly repository?: string | undefined;
  readonly branch?: string | undefined;
  readonly commit?: string | undefined;
  readonly user?: string | undefined;
}

/**
 * Where the definitions come from: each value from its flag, else GitLab CI's variable,
 * else the checkout itself (`git remote get-url origin`, the current branch, `HEAD`).
 * GitLab checks out a detached HEAD, so there the branch comes from `CI_COMMIT_BRANCH`.
 * Throws `InputError` naming what could not be found or is malformed.
 */
export function resolveProvenance(args: {
  flags: ProvenanceFlags;
  env: Readonly<Record<string, string | undefined>>;
  checkout: CheckoutFacts;
  now: string;
}): Provenance {
  const { flags, env, checkout } = args;
  const pick = (field: keyof typeof CI_VARS, fromGit: string | undefined) =>
    given(flags[field]) ?? given(env[CI_VARS[field]]) ?? fromGit;
  const repository = pick('repository', checkout.repository);
  const branch = pick('branch', checkout.branch);
  const commit = pick('commit', checkout.commit);
  const missing = [
    repository === undefined && {
      path: 'repository',
      message: `no remote origin: pass --repository or set ${CI_VARS.repository}`,
    },
    branch === undefined && {
      path: 'branch',
      message: `HEAD is not on a branch: pass --branch or set ${CI_VARS.branch}`,
    },
    commit === undefined && {
      path: 'commit',
      message: `no commit: DIR is not a Git checkout; pass --commit or set ${CI_VARS.commit}`,
    },
  ].filter((problem) => problem !== false);
  if (repository === undefined || branch === undefined || commit === undefined) {
    throw new InputError('Cannot tell where the definitions come from', missing);
  }
  const provenance: Provenance = {
    repository: withoutCredentials(repository),
    branch,
    commit,
    user: pick('user', undefined) ?? DEFAULT_USER,
    now: args.now,
  };
  const problems = provenanceProblems(provenance);
  if (problems.length > 0) throw new InputError('Invalid provenance', problems);
  return provenance;
}

/** A flag or variable that is set and not blank (CI systems export empty ones freely). */
function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

import { execFile } from 'node:child_process';

/** What `git` says about a checkout; a field is `undefined` where git could not tell. */
export interface CheckoutFacts {
  readonly repository: string | undefined;
  /** `undefined` on a detached HEAD, which is how GitLab CI checks a commit out. */
  readonly branch: string | undefined;
  readonly commit: string | undefined;
  /** Paths under `environments/` that differ from the commit, or `undefined` if unknown. */
  readonly uncommitted: readonly string[] | undefined;
}

/** Asks the real `git` about the checkout at `dir`; never throws (not a repository, no git). */
export async function readCheckout(dir: string): Promise<CheckoutFacts> {
  const [repository, branch, commit, status] = await Promise.all([
    git(dir, ['remote', 'get-url', 'origin']),
    git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']),
    git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']),
    // Untracked files count too: they would be published, yet are in no commit.
    git(dir, ['status', '--porcelain', '--untracked-files=all', '--', 'environments']),
  ]);
  return {
    repository: nonEmpty(repository),
    branch: nonEmpty(branch),
    commit: nonEmpty(commit),
    uncommitted:
      status === undefined
        ? undefined
        : status
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => line.slice(3)),
  };
}

function git(dir: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { encoding: 'utf8' }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim());
    });
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

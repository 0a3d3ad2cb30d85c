import type { Command } from 'commander';
import type { StaticPublishOptions } from '../static/publish.js';

const PUBLISH_HELP = `
Reads DIR/environments/*.yaml, *.yml and *.json (one environment per file, named after
it), validates every file with the server's claim rules, and makes the store's
static-environments bucket hold exactly those claims: creates new ones, replaces changed
ones, deletes those whose file was removed, and leaves unchanged ones untouched. Writes are
conditional: a claim someone changed meanwhile is refused, not overwritten.

The repository, branch and commit come from the flags, else GitLab CI's CI_REPOSITORY_URL,
CI_COMMIT_BRANCH and CI_COMMIT_SHA, else the checkout itself (git remote origin, the current
branch, HEAD). Credentials in the repository URL are never stored. The claims' user is
--user, else GITLAB_USER_EMAIL, else gitlab-ci. S3 credentials come from the standard AWS
variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, …), as for the server.

Exit codes:
  0  published (or, with --dry-run, planned)
  1  invalid environment files (each printed as file: field: message; nothing written),
     or a write the store refused (changed meanwhile, access denied, uncommitted files)
  2  usage error: bad flags, missing DIR or environments/, unreadable or invalid config
  5  the store is unreachable (retry the job)

Docs: docs/static-environments.md`;

/** Registers the `static` commands (definitions only; the implementation loads when one runs). */
export function registerStaticCommands(program: Command): void {
  const group = program
    .command('static')
    .description('Static environments: claims published from a Git repository by CI');
  group
    .command('publish')
    .description(
      'Publish the environment definitions of a Git checkout to the static-environments bucket (run by CI on merge to main)',
    )
    .argument('<dir>', 'the Git checkout holding environments/')
    .option(
      '-c, --config <file>',
      'platform config whose store section names the store (default PLATFORM_CONFIG)',
    )
    .option('--repository <url>', 'repository URL to record (default CI_REPOSITORY_URL, origin)')
    .option('--branch <name>', 'branch to record (default CI_COMMIT_BRANCH, the current branch)')
    .option('--commit <sha>', 'full commit hash to record (default CI_COMMIT_SHA, HEAD)')
    .option('--user <name>', 'user the claims name (default GITLAB_USER_EMAIL, gitlab-ci)')
    .option('--dry-run', 'print the plan and write nothing')
    .addHelpText('after', PUBLISH_HELP)
    .action(async (dir: string, options: StaticPublishOptions) => {
      const { staticPublish } = await import('../static/publish.js');
      const code = await staticPublish(dir, options);
      if (code !== 0) process.exitCode = code;
    });
}

import { Command } from 'commander';
import { packageVersion } from '../../shared/package-version.js';
import { reportError } from '../report-error.js';
import type { DeployOptions } from './deploy-run.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const program = new Command('platform-deploy')
  .description(
    'Deploy services to an environment: creates it if it does not exist, else updates its services. Exit codes: 0 ok, 1 refused or Failed, 2 usage, 3 not found, 4 not allowed, 5 unreachable.',
  )
  .version(packageVersion())
  .showHelpAfterError()
  .exitOverride()
  .option(
    '-e, --environment <name>',
    'the environment, e.g. dev-team1 (type and pool inferred: <type>-<pool>-…)',
  )
  .option(
    '-s, --services <name:version...>',
    'services and versions or constraints, e.g. user-service:v1.2.3 auth-service:^2.1.0',
  )
  .option(
    '--type <type>',
    'environment type for a new environment (default: the name’s first part)',
  )
  .option(
    '--pool <pool>',
    'pool for a new environment (default: the name’s second part, or your only pool)',
  )
  .option('--payload <json>', 'the request as inline JSON (deploy_environment --payload)')
  .option('-f, --file <path>', 'the request from a JSON or YAML file (deploy_environment --file)')
  .option('--deploy-only-specified', 'deploy only the listed services and their dependencies')
  .option('--use-dev-tags', 'resolve versions among development tags (automatic for sue)')
  .option('--ttl <duration>', 'expire after this long, e.g. 8h (types that expire)')
  .option('--local', 'push your local build to your user repository and deploy exactly it')
  .option(
    '--image <service=path>',
    'with --local: a docker save tar or OCI layout dir (repeatable)',
    collect,
  )
  .option(
    '--deploy-files <service=dir>',
    'with --local: the deployment files directory (repeatable)',
    collect,
  )
  .option('--registry <url>', 'with --local: the OCI registry (default PLATFORM_REGISTRY_URL)')
  .option(
    '--registry-user <name>',
    'with --local: registry user (password in PLATFORM_REGISTRY_PASSWORD)',
  )
  .option('--user-repos <prefix>', 'with --local: where user repositories live', 'user-repos')
  .option('--wait', 'follow the environment until Rendered (exit 1 if it Failed)')
  .option('--timeout <duration>', 'with --wait: give up after this long', '10m')
  .option(
    '--server <url>',
    'the Platform API (default: PLATFORM_SERVER, PLATFORM_URL, http://127.0.0.1:8080)',
  )
  .option('-q, --quiet', 'no progress lines')
  .option('--no-color', 'no colours')
  .action(async (options: DeployOptions) => {
    const [{ deploy }, { processTerminal }] = await Promise.all([
      import('./deploy-run.js'),
      import('../client/output.js'),
    ]);
    await deploy(options, { terminal: processTerminal() });
  });

program.parseAsync(process.argv).catch((error: unknown) => reportError(error, 'platform-deploy'));

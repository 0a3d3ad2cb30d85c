import { Command, InvalidArgumentError } from 'commander';
import { packageVersion } from '../shared/package-version.js';
import { registerAccessCommands } from './commands/access.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerTokenCommands } from './commands/token.js';
import { registerEnvCommands } from './commands/env.js';
import { registerStaticCommands } from './commands/static.js';
import { registerLoginCommands } from './commands/login.js';
import { registerCompletionCommand } from './commands/completion.js';
import { reportError } from './report-error.js';
import { parsePort, PORT_RULE } from '../config/port.js';

function portNumber(value: string): number {
  const port = parsePort(value);
  if (port === undefined) throw new InvalidArgumentError(PORT_RULE);
  return port;
}

const program = new Command('platformctl')
  .description('Platform Service: environment claims for the internal developer platform')
  .version(packageVersion())
  .showHelpAfterError()
  // Usage errors become CommanderErrors for the one handler: exit 2, not commander's 1.
  .exitOverride();

program
  .command('serve')
  .description(
    'Run the Platform API. Without --config (or PLATFORM_CONFIG) it runs the demo from examples/.',
  )
  .option('-c, --config <file>', 'YAML config file')
  .option('-p, --port <port>', 'port to listen on (0: any free port)', portNumber)
  .option('--host <host>', 'address to listen on (default 127.0.0.1)')
  .option('-d, --data-dir <dir>', 'data directory (default ./.platform)')
  .action(async (options: { config?: string; port?: number; host?: string; dataDir?: string }) => {
    const { serve } = await import('./commands/serve.js');
    await serve(options);
  });

program
  .command('hash-token')
  .description('Print the SHA-256 to put in auth.tokens[].sha256 for a token read from stdin')
  .action(async () => {
    const { hashTokenFromStdin } = await import('./commands/hash-token.js');
    await hashTokenFromStdin();
  });

registerEnvCommands(program);
registerTokenCommands(program);
registerAuditCommands(program);
registerAccessCommands(program);
registerLoginCommands(program);
registerStaticCommands(program);

const tenancy = program.command('tenancy').description('The tenancy model');
tenancy
  .command('check')
  .description(
    'Validate a tenancy file (and operator policies) offline; exit 1 listing every problem',
  )
  .argument('<file>', 'tenancy YAML file')
  .option('--policies <dir>', 'directory of operator .cedar policies to validate with it')
  .option(
    '--types <list>',
    'known environment types, comma-separated (default: dev,staging,prod,sue)',
  )
  .action(async (file: string, options: { policies?: string; types?: string }) => {
    const { checkTenancyFile } = await import('./commands/tenancy-check.js');
    await checkTenancyFile(file, options);
  });

program
  .command('services')
  .description('The service catalogue')
  .command('check')
  .description('Validate a service catalogue offline; exit 1 listing every problem')
  .argument('<file>', 'service catalogue YAML file')
  .option(
    '--types <list>',
    'known environment types, comma-separated (default: dev,staging,prod,sue)',
  )
  .action(async (file: string, options: { types?: string }) => {
    const { checkServicesFile } = await import('./commands/services-check.js');
    await checkServicesFile(file, options);
  });

// Last: the completion scripts are generated from every command registered above.
registerCompletionCommand(program);

program.parseAsync(process.argv).catch(reportError);

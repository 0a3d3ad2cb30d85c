import type { Command } from 'commander';
import type * as EnvRun from '../client/env-run.js';
import type { ClientIo, ClientOptions } from '../client/env-run.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The flags every client command takes (the server, and how to print). */
export function withClientOptions(command: Command): Command {
  return command
    .option(
      '--server <url>',
      'the Platform API (default: PLATFORM_SERVER, PLATFORM_URL, http://127.0.0.1:8080)',
    )
    .option('-o, --output <format>', 'table, json, yaml or name', 'table')
    .option('--no-color', 'no colours (also when NO_COLOR is set or output is not a terminal)')
    .option('-q, --quiet', 'print only what was asked for: no notes, no progress');
}

type Run = typeof EnvRun;

/** Loads the implementation when a command runs, so `--help` loads nothing of it. */
async function run(
  command: Command,
  call: (
    impl: Run,
    options: ClientOptions & Record<string, unknown>,
    io: ClientIo,
  ) => Promise<void>,
): Promise<void> {
  const [impl, { processTerminal }] = await Promise.all([
    import('../client/env-run.js'),
    import('../client/output.js'),
  ]);
  await call(impl, command.optsWithGlobals(), { terminal: processTerminal() });
}

/**
 * `platformctl env …`, `rejected list`, `audit list`, `whoami`: the Platform API from a
 * terminal. Exit codes: 0 ok, 1 refused, 2 usage, 3 not found, 4 not allowed, 5 unreachable.
 */
export function registerEnvCommands(program: Command): void {
  const env = program
    .command('env')
    .alias('environments')
    .description('Environments: list, inspect, create, change, extend, delete, wait');

  withClientOptions(env.command('list').alias('ls'))
    .description('List the environments you may read (one page unless --all)')
    .option('--type <type>', 'only this environment type')
    .option('--pool <pool>', 'only this pool')
    .option('--user <user>', 'only environments of this user')
    .option('-s, --search <text>', 'name, a service or the user contains this text')
    .option('--phase <phase>', 'only Pending, Rendered or Failed (where a deployer runs)')
    .option('--limit <n>', 'page size (default 50, at most 500)')
    .option('-A, --all', 'follow the cursor through every page')
    .action((_options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.envList(options, io)),
    );

  withClientOptions(env.command('get').argument('<name>', 'the environment name'))
    .description('Show one environment: claim, expiry, phase, requested and resolved versions')
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.envGet(name, options, io)),
    );

  withClientOptions(env.command('create').argument('<name>', 'the environment name'))
    .description('Create a dynamic environment')
    .requiredOption('--type <type>', 'environment type: dev, staging, prod, sue, …')
    .requiredOption('--pool <pool>', 'the pool (team) it belongs to')
    .option(
      '--service <name:version>',
      'a service and its version or constraint (repeatable)',
      collect,
    )
    .option('--ttl <duration>', 'expire after this long (e.g. 8h), for types that expire')
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (impl, options, io) =>
        impl.envCreate(name, options as unknown as Parameters<Run['envCreate']>[1], io),
      ),
    );

  withClientOptions(env.command('update').argument('<name>', 'the environment name'))
    .description("Change an environment's services (JSON Merge Patch)")
    .option('--service <name:version>', 'add or change a service (repeatable)', collect)
    .option('--remove <name>', 'remove a service (repeatable)', collect)
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.envUpdate(name, options, io)),
    );

  withClientOptions(env.command('extend').argument('<name>', 'the environment name'))
    .description("Push an environment's expiry back (within its type's maximum)")
    .option('--by <duration>', 'from the current expiry, e.g. 4h')
    .option('--until <time>', 'a new expiry as an RFC 3339 time')
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.envExtend(name, options, io)),
    );

  withClientOptions(env.command('delete').alias('rm').argument('<name>', 'the environment name'))
    .description('Delete a dynamic environment')
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.envDelete(name, options, io)),
    );

  withClientOptions(env.command('history').argument('<name>', 'the environment name'))
    .description('Render revisions, newest first (where a deployer runs)')
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.envHistory(name, options, io)),
    );

  withClientOptions(env.command('rollback').argument('<name>', 'the environment name'))
    .description("Return to a revision's versions and pin them")
    .requiredOption('--revision <n>', 'a revision from `env history`')
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (impl, options, io) =>
        impl.envRollback(name, options as unknown as Parameters<Run['envRollback']>[1], io),
      ),
    );

  withClientOptions(env.command('wait').argument('<name>', 'the environment name'))
    .description('Wait until the environment is Rendered (exit 1 if it Failed), or --for deleted')
    .option('--for <condition>', 'Rendered, Failed or deleted', 'Rendered')
    .option('--timeout <duration>', 'give up after this long (exit 1)', '5m')
    .option('--interval <duration>', 'between polls', '1s')
    .action((name: string, _options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.envWait(name, options, io)),
    );

  withClientOptions(
    program
      .command('rejected')
      .description('Documents in the buckets not served as environments')
      .command('list'),
  )
    .description('List rejected claim documents and why')
    .action((_options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.rejectedList(options, io)),
    );

  withClientOptions(program.command('whoami'))
    .description('Who the server takes you for: subject, groups, what you may do')
    .action((_options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.whoami(options, io)),
    );
}

/** `platformctl audit list`, beside the offline `audit verify`. */
export function registerAuditListCommand(audit: Command): void {
  withClientOptions(audit.command('list'))
    .description('Audit records from the server (needs audit:read), oldest first')
    .option('--actor <subject>', 'only this actor')
    .option('--action <action>', 'only this action, e.g. environment:create')
    .option('--decision <decision>', 'allow or deny')
    .option('--target <target>', 'a target, or a prefix ending in / (environment/)')
    .option('--since <when>', 'an RFC 3339 time, or a duration back from now (1h)')
    .option('--until <when>', 'an RFC 3339 time, or a duration back from now')
    .option('--limit <n>', 'records per page (default 100)')
    .option('--cursor <cursor>', 'the page after this cursor')
    .action((_options: unknown, command: Command) =>
      run(command, (impl, options, io) => impl.auditList(options, io)),
    );
}

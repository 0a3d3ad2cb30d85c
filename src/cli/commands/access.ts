import { InvalidArgumentError, Option, type Command } from 'commander';
import { GRANT_LEVELS, type GrantLevel } from '../../domain/access/access-output.js';
import { resolve } from 'node:path';
import type { Tenancy } from '../../domain/tenancy/tenancy-schema.js';
import { readInputFile } from '../read-input-file.js';
import { EXIT_FAILURE, reportProblems, reportWarnings } from '../report-error.js';

/** Terraform's `-detailed-exitcode`: 0 no changes, 2 changes (1 stays "failed"). */
const EXIT_CHANGES = 2;

async function loadModel(file: string): Promise<Tenancy> {
  const { parseTenancy } = await import('../../domain/tenancy/parse-tenancy.js');
  const text = await readInputFile(file, 'tenancy file');
  return parseTenancy(text, { source: file }).model;
}

/** Loaded when a command runs, so `--help` and `--version` load none of it. */
async function services() {
  const { createAccessCompilerService } = await import('../../app/access-compiler-service.js');
  const { createFsAccessOutputDirectory } =
    await import('../../adapters/fs-access-output/fs-access-output-directory.js');
  const { planCounts } = await import('../../domain/access/access-plan.js');
  const { formatPlan } = await import('../../domain/access/plan-text.js');
  const { formatUserAccess, formatWhoCan } = await import('../../domain/access/report-text.js');
  return {
    // In process: a worker thread only adds the copies of the model and the files here,
    // and two workers were slower still (docs/access-compiler.md, "Render performance").
    compiler: createAccessCompilerService(),
    directory: createFsAccessOutputDirectory,
    planCounts,
    formatPlan,
    formatUserAccess,
    formatWhoCan,
  };
}

function print(value: unknown, json: boolean | undefined, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text());
}

const levelOption = (value: string): GrantLevel => {
  if (!(GRANT_LEVELS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${GRANT_LEVELS.join(', ')}`);
  return value as GrantLevel;
};

/** `platformctl access check|render|plan|explain|who-can`: the access compiler, offline. */
export function registerAccessCommands(program: Command): void {
  const access = program
    .command('access')
    .description("The access compiler: one tenancy file becomes every tool's access configuration");

  access
    .command('check')
    .description(
      'Run the model checks only; exit 1 listing every problem (warnings go to stderr, exit 0)',
    )
    .argument('<file>', 'tenancy YAML file')
    .action(async (file: string) => {
      try {
        const model = await loadModel(file);
        const { tenancyWarnings } = await import('../../domain/tenancy/model-checks.js');
        reportWarnings(tenancyWarnings(model));
        const products = model.organizations.flatMap((organization) => organization.products);
        process.stdout.write(
          `ok: ${model.organizations.length} organizations, ${products.length} products, ${products.reduce((n, p) => n + p.namespaces.length, 0)} namespaces\n`,
        );
      } catch (error) {
        reportProblems(error);
      }
    });

  access
    .command('render')
    .description(
      'Write every output under DIR/<tool>/…, deterministically, with an ownership manifest',
    )
    .argument('<file>', 'tenancy YAML file')
    .requiredOption('--out <dir>', 'output directory (created when missing)')
    .action(async (file: string, options: { out: string }) => {
      const model = await loadModel(file);
      const { compiler, directory, planCounts } = await services();
      const plan = await compiler.render(model, directory(resolve(options.out)));
      const counts = planCounts(plan);
      process.stdout.write(
        `Rendered ${options.out}: ${counts.add} added, ${counts.change} changed, ${counts.remove} removed, ${plan.unchanged} unchanged.\n`,
      );
    });

  access
    .command('plan')
    .description(
      'Show what render would add, change and remove compared with the last render in DIR',
    )
    .argument('<file>', 'tenancy YAML file')
    .requiredOption('--against <dir>', 'directory of the last render')
    .option('--detailed-exitcode', 'exit 2 when there are changes (like terraform plan)')
    .option('--json', 'print the plan as JSON')
    .action(
      async (
        file: string,
        options: { against: string; detailedExitcode?: boolean; json?: boolean },
      ) => {
        const model = await loadModel(file);
        const { compiler, directory, planCounts, formatPlan } = await services();
        const plan = await compiler.plan(model, directory(resolve(options.against)));
        const { writes: _writes, ...shown } = plan;
        void _writes;
        print({ ...shown, counts: planCounts(plan) }, options.json, () => formatPlan(plan));
        if (options.detailedExitcode && (plan.changes.length > 0 || plan.conflicts.length > 0))
          process.exitCode = EXIT_CHANGES;
      },
    );

  access
    .command('explain')
    .description('Every group, namespace, tool permission and cloud role a user gets, and why')
    .argument('<file>', 'tenancy YAML file')
    .requiredOption('--user <user>', 'the user, as the model names them (token subject)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { user: string; json?: boolean }) => {
      const model = await loadModel(file);
      const { compiler, formatUserAccess } = await services();
      const report = compiler.explain(model, options.user);
      print(report, options.json, () => formatUserAccess(report));
      if (!report.known) process.exitCode = EXIT_FAILURE;
    });

  access
    .command('who-can')
    .description('The users and groups holding at least a level on a tool (in a namespace)')
    .argument('<file>', 'tenancy YAML file')
    .requiredOption(
      '--tool <tool>',
      'kubernetes, argocd, grafana, sonarqube, nexus, gerrit, github, aws, keycloak',
    )
    .addOption(
      new Option('--level <level>', 'read, write or admin')
        .argParser(levelOption)
        .makeOptionMandatory(),
    )
    .option('--namespace <namespace>', 'a namespace (product-wide grants of its product count)')
    .option('--json', 'print JSON')
    .action(
      async (
        file: string,
        options: { tool: string; level: GrantLevel; namespace?: string; json?: boolean },
      ) => {
        const model = await loadModel(file);
        const { compiler, formatWhoCan } = await services();
        const answer = compiler.whoCan(model, {
          tool: options.tool,
          level: options.level,
          ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        });
        print(answer, options.json, () => formatWhoCan(answer));
      },
    );
}

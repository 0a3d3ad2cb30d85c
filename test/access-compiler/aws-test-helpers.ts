/**
 * Helpers for the AWS generator's tests: compile a model and read its files back. Not used
 * by the generator itself.
 */
import { exampleModel } from './example-model.js';
import { compileAccessGraph } from '../../src/domain/access/access-graph.js';
import type { AccessFile, ToolOutput } from '../../src/domain/access/access-output.js';
import { tenancySchema, type Tenancy } from '../../src/domain/tenancy/tenancy-schema.js';
import { compileAws } from '../../src/domain/access/tools/aws/compile-aws.js';

export function compileModel(model: Tenancy): ToolOutput {
  return compileAws(compileAccessGraph(model));
}

/** The generator's output for `examples/tenancy.yaml`. */
export function exampleOutput(): ToolOutput {
  return compileModel(exampleModel());
}

export function fileOf(output: ToolOutput, path: string): AccessFile {
  const file = output.files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`no file ${path}; have ${output.files.map((f) => f.path).join(', ')}`);
  return file;
}

/** A JSON file's parsed content, loosely typed for assertions. */
export function jsonOf(output: ToolOutput, path: string): Record<string, unknown> {
  return JSON.parse(fileOf(output, path).content) as Record<string, unknown>;
}

/** A small model: one organization with the given products, and the given `aws` settings. */
export function modelWith(aws: unknown, products: readonly unknown[]): Tenancy {
  return tenancySchema.parse({ aws, organizations: [{ name: 'org', products }] });
}

/** The example's AWS settings, as written in `examples/tenancy.yaml`. */
export const EXAMPLE_AWS = {
  region: 'eu-west-1',
  registry: { account: '354918371398', shared: ['idp/helm-charts'] },
  clusters: [
    { name: 'idp-dev', account: '111111111111', authentication: ['access-entries'] },
    { name: 'idp-prod', account: '222222222222', authentication: ['access-entries', 'aws-auth'] },
  ],
} as const;

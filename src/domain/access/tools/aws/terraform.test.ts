import { describe, expect, it } from 'vitest';
import type { ToolOutput } from '../../access-output.js';
import { exampleOutput } from '../../../../../test/access-compiler/aws-test-helpers.js';
import { terraformName } from './aws-names.js';

interface Module {
  provider?: { aws?: { alias: string }[] };
  resource?: Record<string, Record<string, Record<string, unknown>>>;
}

function modules(output: ToolOutput): [string, Module][] {
  return output.files
    .filter((file) => file.path.startsWith('aws/terraform/'))
    .map((file) => [file.path, JSON.parse(file.content) as Module]);
}

/** Every string in a value, with the key it sits under. */
function* strings(value: unknown, key = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [key, value];
  else if (Array.isArray(value)) for (const item of value) yield* strings(item, key);
  else if (value && typeof value === 'object')
    for (const [name, item] of Object.entries(value)) yield* strings(item, name);
}

describe('the Terraform module', () => {
  const output = exampleOutput();
  const parsed = modules(output);
  const declared = new Set(
    parsed.flatMap(([, module]) =>
      Object.entries(module.resource ?? {}).flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `${type}.${name}`),
      ),
    ),
  );
  const aliases = new Set(
    parsed.flatMap(([, module]) => (module.provider?.aws ?? []).map((p) => `aws.${p.alias}`)),
  );

  it('has the files of the layout', () => {
    expect(parsed.map(([path]) => path)).toEqual([
      'aws/terraform/accounts.tf.json',
      'aws/terraform/ai.tf.json',
      'aws/terraform/clusters.tf.json',
      'aws/terraform/koa.tf.json',
    ]);
    expect(aliases).toEqual(
      new Set(['aws.a111111111111', 'aws.a222222222222', 'aws.a354918371398']),
    );
  });

  it('references only declared resources, providers and generated documents', () => {
    const paths = new Set(output.files.map((file) => file.path));
    let references = 0;
    for (const [, module] of parsed)
      for (const byName of Object.values(module.resource ?? {}))
        for (const body of Object.values(byName))
          for (const [key, text] of strings(body)) {
            if (key === 'provider') expect(aliases).toContain(text);
            if (key === 'depends_on') expect(declared).toContain(text);
            for (const [, address] of text.matchAll(/\$\{([a-z_]+\.[\w-]+)\.[a-z_]+\}/g)) {
              expect(declared).toContain(address);
              references += 1;
            }
            for (const [, relative] of text.matchAll(/\$\{path\.module\}\/\.\.\/([^"]+)"/g))
              expect(paths).toContain(`aws/${relative}`);
          }
    expect(references).toBeGreaterThan(20);
  });

  it('names resources with valid identifiers, and every role has its inline policy', () => {
    for (const address of declared) expect(address).toMatch(/^[a-z_]+\.[A-Za-z_][\w-]*$/);
    const roles = [...declared].filter((address) => address.startsWith('aws_iam_role.'));
    for (const role of roles)
      expect(declared).toContain(role.replace('aws_iam_role.', 'aws_iam_role_policy.'));
  });

  it('keeps distinct names distinct', () => {
    const names = ['a/b', 'a.b', 'a_b', 'a-b', '1a', 'koa/api', 'koa-api'];
    expect(new Set(names.map(terraformName)).size).toBe(names.length);
    expect(terraformName('1a')).toBe('_1a');
    expect(terraformName('koa/api')).toBe('koa__api');
  });
});

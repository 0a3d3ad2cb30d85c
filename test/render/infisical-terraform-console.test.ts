import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderEnvironment } from '../../src/domain/render/render-environment.js';
import { fileAt, inputFor } from './render-fixtures.js';

// The rendered Terraform derives the cluster's address, CA and credentials from the
// `kubeconfig` variable with Terraform expressions; `terraform console` evaluates them
// without any provider (none can be downloaded here). Skipped without the CLI.
const terraform = spawnSync('terraform', ['version'], { stdio: 'ignore' }).status === 0;

const root = mkdtempSync(join(tmpdir(), 'infisical-console-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const b64 = (text: string) => Buffer.from(text).toString('base64');

function kubeconfig(user: Record<string, string>): string {
  const lines = Object.entries(user).map(([key, value]) => `    ${key}: ${value}`);
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64('CA PEM')}`,
    '    server: https://203.0.113.7:6443',
    '  name: vke',
    'users:',
    '- name: admin',
    '  user:',
    ...lines,
    '',
  ].join('\n');
}

describe.skipIf(!terraform)('the Infisical Terraform expressions under terraform console', () => {
  const rendered = JSON.parse(
    fileAt(renderEnvironment(inputFor('prod')), 'infisical/main.tf.json').content,
  ) as {
    variable: unknown;
    locals: Record<string, string>;
    provider: { kubernetes: Record<string, string> };
    resource: { infisical_identity_kubernetes_auth: Record<string, Record<string, unknown>> };
  };
  // Only the variable and the locals, plus the provider's and the auth's expressions as
  // locals of their own: a configuration without providers, which console evaluates.
  const auth = rendered.resource.infisical_identity_kubernetes_auth['flux'] ?? {};
  writeFileSync(
    join(root, 'main.tf.json'),
    JSON.stringify({
      variable: rendered.variable,
      locals: {
        ...rendered.locals,
        ...Object.fromEntries(
          Object.entries(rendered.provider.kubernetes).map(([key, value]) => [`p_${key}`, value]),
        ),
        auth_host: auth['kubernetes_host'],
        auth_ca: auth['kubernetes_ca_certificate'],
      },
    }),
  );

  // One console run per expression: fed several lines on a pipe, it prints only the last.
  function evaluate(config: string, expressions: string[]): string[] {
    return expressions.map((expression) =>
      execFileSync('terraform', ['console'], {
        cwd: root,
        input: `nonsensitive(${expression})\n`,
        encoding: 'utf8',
        env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_VAR_kubeconfig: config },
      }).trim(),
    );
  }

  it('reads a client-certificate kubeconfig (Vultr)', () => {
    const config = kubeconfig({
      'client-certificate-data': b64('CERT'),
      'client-key-data': b64('KEY'),
    });
    expect(
      evaluate(config, [
        'local.p_host',
        'local.p_cluster_ca_certificate',
        'local.p_client_certificate',
        'local.p_client_key',
        'local.p_token',
        'local.auth_host',
        'local.auth_ca',
      ]),
    ).toEqual([
      '"https://203.0.113.7:6443"',
      '"CA PEM"',
      '"CERT"',
      '"KEY"',
      'null',
      '"https://203.0.113.7:6443"',
      '"CA PEM"',
    ]);
  }, 60_000);

  it('reads a token kubeconfig', () => {
    const config = kubeconfig({ token: 'abc.def' });
    expect(evaluate(config, ['local.p_token', 'local.p_client_certificate'])).toEqual([
      '"abc.def"',
      'null',
    ]);
  }, 60_000);
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleOutput } from './aws-test-helpers.js';

/**
 * `terraform validate` on the generated module checks argument names and block shapes
 * against the real hashicorp/aws provider schema. It needs the `terraform` CLI and a local
 * provider mirror (`TF_PROVIDER_MIRROR`, default `/opt/tf-plugins`) because tests do not
 * reach the Terraform registry; without them it is skipped.
 */
const mirror = process.env.TF_PROVIDER_MIRROR ?? '/opt/tf-plugins';
const terraform = ((): boolean => {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
    return existsSync(join(mirror, 'registry.terraform.io/hashicorp/aws'));
  } catch {
    return false;
  }
})();

describe.skipIf(!terraform)('the Terraform module with the real provider', () => {
  it('passes terraform validate', () => {
    const root = mkdtempSync(join(tmpdir(), 'aws-access-'));
    try {
      for (const file of exampleOutput().files) {
        const path = join(root, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.content);
      }
      const config = join(root, 'terraformrc');
      writeFileSync(
        config,
        `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`,
      );
      const options = {
        cwd: join(root, 'aws/terraform'),
        env: { ...process.env, TF_CLI_CONFIG_FILE: config, TF_IN_AUTOMATION: '1' },
        encoding: 'utf8' as const,
      };
      execFileSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], options);
      const result = execFileSync('terraform', ['validate', '-json', '-no-color'], options);
      expect(JSON.parse(result)).toMatchObject({ valid: true, error_count: 0 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});

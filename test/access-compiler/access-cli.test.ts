/**
 * `platformctl access …` as a real process, from the BUILT output (`npm test` builds first).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessPlanSchema } from '../../src/api/schemas/access-compiler.js';
import { runNode } from '../support/run-process.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'platformctl.js');
const EXAMPLE = join(REPO_ROOT, 'examples', 'tenancy.yaml');

const platformctl = (args: readonly string[]) => runNode([BIN, ...args], { cwd: REPO_ROOT });

let dir: string;
beforeAll(async () => {
  for (const name of [
    'cli/commands/access',
    'app/access-compiler-service',
    'domain/access/compile-access',
  ]) {
    const built = await stat(join(REPO_ROOT, 'dist', `${name}.js`)).catch(() => undefined);
    const source = await stat(join(REPO_ROOT, 'src', `${name}.ts`));
    if (!built || built.mtimeMs < source.mtimeMs)
      throw new Error(`dist/${name}.js is missing or older than its source: run npm run build`);
  }
  dir = await mkdtemp(join(tmpdir(), 'access-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('platformctl access (built)', () => {
  it('check: ok for the example, exit 1 listing every problem for a bad model', async () => {
    const ok = await platformctl(['access', 'check', EXAMPLE]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/^ok: 5 organizations, 7 products, \d+ namespaces\n$/);
    // Warnings (ai's Grafana groups have no IdP object id) go to stderr and keep exit 0.
    expect(ok.stderr.split('\n').filter((line) => line.startsWith('warning: '))).toEqual([
      expect.stringMatching(/^warning: idp\.groupIds\.ai-test-grafana-write: Grafana group/),
      expect.stringMatching(/^warning: idp\.groupIds\.ai-prod-grafana-write: Grafana group/),
    ]);

    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      [
        'organizations:',
        '  - name: a',
        '    products:',
        '      - { name: x, namespaces: [shared], aws: { account: "111111111111", clusters: [nope] } }',
        '      - { name: y, namespaces: [shared] }',
      ].join('\n'),
    );
    const failed = await platformctl(['access', 'check', bad]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("organizations.0.products.1.namespaces.0: namespace 'shared'");
    expect(failed.stdout).toContain('organizations.0.products.0.aws:');
  });

  it('render, then plan: no changes; a changed model plans its changes (exit 2 with --detailed-exitcode)', async () => {
    const out = join(dir, 'out');
    const rendered = await platformctl(['access', 'render', EXAMPLE, '--out', out]);
    expect(rendered.code).toBe(0);
    expect(rendered.stdout).toMatch(
      /^Rendered .*: \d+ added, 0 changed, 0 removed, 0 unchanged\.\n$/,
    );
    expect(await readFile(join(out, 'idp', 'groups.json'), 'utf8')).toContain(
      'koa-dev-grafana-write',
    );

    const same = await platformctl([
      'access',
      'plan',
      EXAMPLE,
      '--against',
      out,
      '--detailed-exitcode',
    ]);
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toMatch(/^No changes\. \d+ files up to date\.\n$/);

    const changed = join(dir, 'changed.yaml');
    await writeFile(
      changed,
      (await readFile(EXAMPLE, 'utf8'))
        .replace('namespaces: [koa-dev, koa-test, koa-prod]', 'namespaces: [koa-dev, koa-test]')
        // The cluster entry naming koa-prod goes too (the checks refuse a namespace koa lacks).
        .replace('- { name: idp-prod, namespaces: [koa-prod] }', '- idp-prod'),
    );
    const plan = await platformctl([
      'access',
      'plan',
      changed,
      '--against',
      out,
      '--detailed-exitcode',
    ]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('  - kubernetes/namespaces/koa-prod.yaml');
    expect(plan.stdout).toMatch(/Plan: \d+ to add, \d+ to change, \d+ to remove/);
    const json = await platformctl(['access', 'plan', changed, '--against', out, '--json']);
    const parsed = accessPlanSchema.omit({ directory: true }).parse(JSON.parse(json.stdout));
    expect(parsed.counts.remove).toBeGreaterThan(0);
  });

  it('explain and who-can', async () => {
    const explained = await platformctl([
      'access',
      'explain',
      EXAMPLE,
      '--user',
      'koa.dev@jppol.example',
    ]);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('koa developer  <- listed as developer of koa (member #1)');
    expect(explained.stdout).toContain('koa-dev-argocd-write');

    const unknown = await platformctl([
      'access',
      'explain',
      EXAMPLE,
      '--user',
      'nobody@example.com',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('not named anywhere in the model');

    const who = await platformctl([
      'access',
      'who-can',
      EXAMPLE,
      '--tool',
      'kubernetes',
      '--level',
      'admin',
      '--namespace',
      'edp',
    ]);
    expect(who.code).toBe(0);
    expect(who.stdout).toContain('group edp-oidc-admins');
    const badLevel = await platformctl([
      'access',
      'who-can',
      EXAMPLE,
      '--tool',
      'argocd',
      '--level',
      'owner',
    ]);
    expect(badLevel.code).not.toBe(0);
    expect(badLevel.stderr).toContain('must be one of read, write, admin');
  });

  it('a missing file is a one-line error with exit 2', async () => {
    const missing = await platformctl([
      'access',
      'render',
      join(dir, 'nope.yaml'),
      '--out',
      join(dir, 'x'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('Cannot read tenancy file');
  });
});

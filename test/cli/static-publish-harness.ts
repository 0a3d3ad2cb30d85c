import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, readCurrent } from '../../src/cli/static/bucket-sync.js';
import { planPublish } from '../../src/domain/static-environments/publish-plan.js';
import { STATIC_BUCKET, type ClaimStore } from '../../src/ports/claim-store.js';
import { runNode, type Run } from '../support/run-process.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'platformctl.js');
const exec = promisify(execFile);

/** The origin the checkout has; the claims must hold it without the token. */
export const ORIGIN =
  'https://gitlab-ci-token:s3cr3t-token@git.example.com/platform/static-envs.git';
export const REPOSITORY = 'https://git.example.com/platform/static-envs.git';

/** A bucket's objects as the store holds them: key → body and etag. */
export type BucketContents = ReadonlyMap<string, { readonly body: string; readonly etag: string }>;

/** What each store-specific test file provides: a config and a way to read the bucket. */
export interface StoreUnderTest {
  readonly name: string;
  /** Writes the platform config into `dir`; returns its path. */
  config(dir: string): Promise<string>;
  /** The static-environments bucket, read behind the command's back. */
  readBucket(): Promise<BucketContents>;
  /** Extra environment for the child (the S3 credentials). */
  readonly env: () => Record<string, string>;
}

/** A real Git checkout in a temp dir, changed with the real `git`. */
export async function makeCheckout(root: string) {
  const dir = join(root, 'checkout');
  await mkdir(join(dir, 'environments'), { recursive: true });
  const git = async (...args: string[]) =>
    (await exec('git', ['-C', dir, ...args], { encoding: 'utf8' })).stdout.trim();
  await git('init', '--quiet', '--initial-branch=main');
  await git('config', 'user.email', 'dev@example.com');
  await git('config', 'user.name', 'Dev');
  await git('config', 'commit.gpgsign', 'false');
  await git('remote', 'add', 'origin', ORIGIN);
  return {
    dir,
    git,
    async write(file: string, text: string) {
      await writeFile(join(dir, file), text);
      await git('add', file);
    },
    async commit(message: string): Promise<string> {
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}

/** The child's environment: nothing from a CI job running these tests leaks in. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(CI_|GITLAB_|PLATFORM_|AWS_)/.test(name)) delete env[name];
  }
  return { ...env, ...extra };
}

export async function publish(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Run> {
  return runNode([CLI, 'static', 'publish', ...args], {
    cwd: options.cwd,
    env: childEnv(options.env ?? {}),
  });
}

const yaml = (name: string, type: string, extra = '') =>
  `environment_name: ${name}\nenvironment_type: ${type}\nenvironment_pool: pool-a\n${extra}`;

interface StoredClaim {
  environment_name: string;
  environment_type: string;
  deployment_method?: string;
  git_repository?: string;
  branch?: string;
  git_commit?: string;
  user?: string;
  creation_date?: string;
  services?: Record<string, unknown>;
}

const claimIn = (bucket: BucketContents, key: string): StoredClaim => {
  const object = bucket.get(key);
  expect(object, `${key} in the bucket`).toBeDefined();
  return JSON.parse(object!.body) as StoredClaim;
};

/**
 * The publish scenario, run against one store: add, re-run unchanged, change + remove +
 * add with a dry run first, an invalid file, usage errors. Each step asserts what the
 * bucket actually holds afterwards. The steps run in order and build on each other.
 */
export function describePublishScenario(store: StoreUnderTest): void {
  describe(`platformctl static publish on ${store.name}`, () => {
    let root: string;
    let config: string;
    let checkout: Awaited<ReturnType<typeof makeCheckout>>;
    let before: BucketContents;
    const run = (...args: string[]) =>
      publish([checkout.dir, '--config', config, ...args], { cwd: root, env: store.env() });

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'static-publish-'));
      config = await store.config(root);
      checkout = await makeCheckout(root);
    });
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('publishes every definition of the checkout, with its Git provenance', async () => {
      await checkout.write(
        'environments/prod-main.yaml',
        yaml('prod-main', 'prod', 'services:\n  web: v1.0.0\n'),
      );
      await checkout.write(
        'environments/staging-eu.json',
        JSON.stringify({
          environment_name: 'staging-eu',
          environment_type: 'staging',
          environment_pool: 'pool-a',
        }),
      );
      await checkout.write('environments/dev-one.yml', yaml('dev-one', 'dev'));
      await checkout.write('README.md', 'not an environment\n');
      const sha = await checkout.commit('three environments');

      const result = await run();
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('create prod-main');
      const bucket = await store.readBucket();
      expect([...bucket.keys()].sort()).toEqual([
        'dev-one.json',
        'prod-main.json',
        'staging-eu.json',
      ]);
      const prod = claimIn(bucket, 'prod-main.json');
      expect(prod).toMatchObject({
        environment_name: 'prod-main',
        environment_type: 'prod',
        deployment_method: 'git',
        git_repository: REPOSITORY,
        branch: 'main',
        git_commit: sha,
        user: 'gitlab-ci',
        services: { web: 'v1.0.0' },
      });
      // The job token of the origin URL is nowhere in the bucket.
      for (const { body } of bucket.values()) expect(body).not.toContain('s3cr3t');
      before = bucket;
    });

    it('leaves unchanged claims untouched on the next merge', async () => {
      await checkout.write('README.md', 'still not an environment\n');
      await checkout.commit('docs only');
      const result = await run();
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('unchanged: 3');
      expect(result.stdout).not.toMatch(/^(create|update|delete) /m);
      // Same bodies and etags: not rewritten, so the older commit stays recorded.
      expect(await store.readBucket()).toEqual(before);
    });

    it('plans a change, a removal and an addition with --dry-run, writing nothing', async () => {
      await checkout.write(
        'environments/prod-main.yaml',
        yaml('prod-main', 'prod', 'services:\n  web: v1.1.0\n'),
      );
      await checkout.git('rm', '--quiet', 'environments/dev-one.yml');
      await checkout.write('environments/prod-us.yaml', yaml('prod-us', 'prod'));
      await checkout.commit('change prod-main, remove dev-one, add prod-us');

      const result = await run('--dry-run');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.split('\n').filter((line) => line !== '')).toEqual([
        'create prod-us',
        'update prod-main',
        'delete dev-one',
        'unchanged: 1',
        'dry run: nothing written to static-environments',
      ]);
      expect(await store.readBucket()).toEqual(before);
    });

    it('then applies exactly that plan', async () => {
      const sha = await checkout.git('rev-parse', 'HEAD');
      const result = await run();
      expect(result.code, result.stderr).toBe(0);
      const bucket = await store.readBucket();
      expect([...bucket.keys()].sort()).toEqual([
        'prod-main.json',
        'prod-us.json',
        'staging-eu.json',
      ]);
      const prod = claimIn(bucket, 'prod-main.json');
      expect(prod.services).toEqual({ web: 'v1.1.0' });
      expect(prod.git_commit).toBe(sha);
      // Still the environment first published: its creation date is kept.
      expect(prod.creation_date).toBe(claimIn(before, 'prod-main.json').creation_date);
      expect(claimIn(bucket, 'prod-us.json').git_commit).toBe(sha);
      expect(bucket.get('staging-eu.json')).toEqual(before.get('staging-eu.json'));
      before = bucket;
    });

    it('fails on any invalid file, naming file and field, and writes nothing', async () => {
      // A valid change rides along: it must not be published either.
      await checkout.write(
        'environments/prod-us.yaml',
        yaml('prod-us', 'prod', 'services:\n  web: v9.9.9\n'),
      );
      await checkout.write('environments/broken.yaml', 'environment_name: [broken\n');
      await checkout.write('environments/misnamed.yaml', yaml('other-name', 'prod'));
      await checkout.write('environments/temp.yaml', yaml('temp', 'sue'));
      await checkout.write(
        'environments/typo.json',
        JSON.stringify({
          environment_name: 'typo',
          environment_type: 'prd',
          environment_pool: 'pool-a',
        }),
      );
      await checkout.commit('some bad definitions');

      const result = await run();
      expect(result.code).toBe(1);
      const lines = result.stderr.split('\n');
      expect(lines).toContainEqual(
        expect.stringMatching(/^environments\/broken\.yaml: line 2, column \d+: /),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^environments\/misnamed\.yaml: environment_name: is 'other-name' but the file is named 'misnamed'/,
        ),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^environments\/temp\.yaml: environment_type: .*always expire/),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(
          /^environments\/typo\.json: environment_type: unknown environment type 'prd'/,
        ),
      );
      expect(result.stderr).toContain('nothing was published');
      expect(await store.readBucket()).toEqual(before);

      for (const file of ['broken.yaml', 'misnamed.yaml', 'temp.yaml', 'typo.json']) {
        await checkout.git('rm', '--quiet', `environments/${file}`);
      }
      await checkout.git('checkout', '--quiet', 'HEAD~1', '--', 'environments/prod-us.yaml');
      await checkout.commit('revert the bad definitions');
      const again = await run();
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('unchanged: 3');
      expect(await store.readBucket()).toEqual(before);
    });

    it('exits 2 on usage errors, writing nothing', async () => {
      await checkout.git('rm', '--quiet', 'environments/prod-us.yaml');
      await checkout.commit('remove prod-us (never published: every run below fails)');
      const missingDir = await publish(['--config', config], { cwd: root, env: store.env() });
      expect(missingDir.code).toBe(2);
      expect(missingDir.stderr).toContain("missing required argument 'dir'");
      const badFlag = await run('--frobnicate');
      expect(badFlag.code).toBe(2);
      const noConfig = await publish([checkout.dir, '--config', join(root, 'missing.yaml')], {
        cwd: root,
        env: store.env(),
      });
      expect(noConfig.code).toBe(2);
      expect(noConfig.stderr).toContain('Cannot read config file');
      const noEnvironments = await publish([root, '--config', config], {
        cwd: root,
        env: store.env(),
      });
      expect(noEnvironments.code).toBe(2);
      expect(noEnvironments.stderr).toMatch(/environments/);
      const shortCommit = await run('--commit', 'abc123');
      expect(shortCommit.code).toBe(2);
      expect(shortCommit.stderr).toContain('git_commit must be a full lowercase commit hash');
      expect(await store.readBucket()).toEqual(before);
    });

    it('takes repository, branch and commit from GitLab CI variables, and flags over those', async () => {
      const sha = await checkout.git('rev-parse', 'HEAD');
      // GitLab checks out a detached HEAD: the branch is known only from CI_COMMIT_BRANCH.
      await checkout.git('checkout', '--quiet', '--detach');
      const detached = await run('--dry-run');
      expect(detached.code).toBe(2);
      expect(detached.stderr).toContain('CI_COMMIT_BRANCH');

      const ci = {
        ...store.env(),
        CI_REPOSITORY_URL: 'https://gitlab-ci-token:job-token@gitlab.example.com/team/envs.git',
        CI_COMMIT_BRANCH: 'main',
        CI_COMMIT_SHA: sha,
        GITLAB_USER_EMAIL: 'merger@example.com',
      };
      const result = await publish([checkout.dir, '--config', config, '--branch', 'release'], {
        cwd: root,
        env: ci,
      });
      expect(result.code, result.stderr).toBe(0);
      const bucket = await store.readBucket();
      expect([...bucket.keys()].sort()).toEqual(['prod-main.json', 'staging-eu.json']);
      for (const key of bucket.keys()) {
        expect(claimIn(bucket, key)).toMatchObject({
          git_repository: 'https://gitlab.example.com/team/envs.git',
          branch: 'release',
          git_commit: sha,
          user: 'merger@example.com',
        });
      }
      await checkout.git('checkout', '--quiet', 'main');
    });
  });
}

/**
 * The conditional writes, in process against a real store: a plan made from the bucket,
 * then another writer changes it, then the plan is applied. The other writer's changes
 * must survive, each refused write reported, and the rest applied.
 */
export function describeRefusedWrites(
  name: string,
  open: () => Promise<{ mine: ClaimStore; theirs: ClaimStore }>,
): void {
  describe(`static publish's writes on ${name}`, () => {
    it('refuses to overwrite what changed since the plan, and applies the rest', async () => {
      const { mine, theirs } = await open();
      const put = (store: ClaimStore, key: string, body: string) =>
        store.putIfAbsent(STATIC_BUCKET, key, Buffer.from(body));
      const stored = (n: string, pool: string) => ({
        environment_name: n,
        environment_type: 'prod',
        environment_pool: pool,
        user: 'gitlab-ci',
        creation_date: '2026-01-01T00:00:00Z',
        deployment_method: 'git' as const,
        git_repository: REPOSITORY,
        branch: 'main',
        git_commit: '1'.repeat(40),
        services: {},
      });
      for (const n of ['a', 'b', 'c'])
        await put(mine, `${n}.json`, JSON.stringify(stored(n, 'p1')));
      const plan = planPublish(
        ['a', 'c', 'd'].map((n) => ({ key: `${n}.json`, claim: stored(n, 'p2') })),
        await readCurrent(mine),
      );
      expect(plan.update.map(({ key }) => key)).toEqual(['a.json', 'c.json']);
      expect(plan.create.map(({ key }) => key)).toEqual(['d.json']);
      expect(plan.remove.map(({ key }) => key)).toEqual(['b.json']);

      // Another writer, meanwhile: changes a and b, creates d.
      const theirsBody = (n: string) => `${JSON.stringify(stored(n, 'theirs'))}\n`;
      for (const n of ['a', 'b']) {
        const etag = await theirs.head(STATIC_BUCKET, `${n}.json`);
        await theirs.putIfMatch(STATIC_BUCKET, `${n}.json`, Buffer.from(theirsBody(n)), etag!);
      }
      await put(theirs, 'd.json', theirsBody('d'));

      const result = await applyPlan(mine, plan);
      expect(result).toMatchObject({ created: 0, updated: 1, deleted: 0 });
      expect(result.refused).toEqual([
        expect.stringMatching(/^create d: /) as string,
        expect.stringMatching(/^update a: /) as string,
        expect.stringMatching(/^delete b: /) as string,
      ]);
      const body = async (key: string) =>
        Buffer.from((await theirs.get(STATIC_BUCKET, key))!.body).toString('utf8');
      for (const n of ['a', 'b', 'd']) expect(await body(`${n}.json`)).toBe(theirsBody(n));
      expect(JSON.parse(await body('c.json'))).toMatchObject({ environment_pool: 'p2' });
    });
  });
}

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentViewSchema } from '../../src/api/schemas/environments.js';
import { pushService, TEST_CATALOGUE } from '../deploy/deploy-harness.js';
import { writeOciLayout } from '../oci-registry/local-image-fixtures.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import { runNode, type Run } from '../support/run-process.js';
import {
  REPO_ROOT,
  installE2eHooks,
  makeTempDir,
  startServer,
  type ServerHandle,
} from '../e2e/serve-helper.js';

installE2eHooks();

const DEPLOY = join(REPO_ROOT, 'bin', 'platform-deploy.js');
const ALICE = { subject: 'alice@example.com', groups: ['team1'], token: 'alice-deploy-token' };

let registry: TestRegistry;
let server: ServerHandle;
let work: string;

beforeAll(async () => {
  registry = await startRegistry();
  await pushService(registry.url, 'auth-service', 'v1.0.0');
  await pushService(registry.url, 'user-service', 'v1.0.0');
  work = await makeTempDir('platform-deploy-');
  await writeFile(join(work, 'services.yaml'), TEST_CATALOGUE);
  server = await startServer({
    tokens: [ALICE],
    extraYaml: `deploy:
  catalogue: ${join(work, 'services.yaml')}
  registry: { url: '${registry.url}', cacheTtl: 1ms }
  resolveInterval: 1h
`,
  });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await registry?.stop();
});

function platformDeploy(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runNode([DEPLOY, ...args], {
    cwd: work,
    env: {
      ...process.env,
      PLATFORM_SERVER: server.url,
      PLATFORM_TOKEN: ALICE.token,
      XDG_CONFIG_HOME: join(work, 'xdg'),
      ...env,
    },
  });
}

async function view(name: string) {
  const response = await server.request('GET', `/api/v1/environments/${name}`);
  expect(response.status).toBe(200);
  return environmentViewSchema.parse(response.body);
}

describe('platform-deploy against a running server with the deployer', () => {
  it(
    'creates the environment (type and pool from its name), waits for Rendered, then updates it',
    { timeout: 60_000 },
    async () => {
      const created = await platformDeploy([
        '--environment',
        'dev-team1',
        '--services',
        'user-service:v1.0.0',
        'auth-service:^1.0.0',
        '--deploy-only-specified',
        '--wait',
        '--timeout',
        '30s',
      ]);
      expect(created.stderr).toContain('environment dev-team1 created (dev in pool team1)');
      expect(created.stderr).toContain('dev-team1: Rendered');
      expect(created.code).toBe(0);
      const first = await view('dev-team1');
      expect(first.environment_pool).toBe('team1');
      expect(first.status.deployment?.phase).toBe('Rendered');
      expect(first.status.deployment?.resolved['auth-service']?.image.tag).toBe('v1.0.0');

      const updated = await platformDeploy([
        '-e',
        'dev-team1',
        '--payload',
        '{"services": {"auth-service": "v1.0.0"}}',
        '-q',
      ]);
      expect(updated.code).toBe(0);
      expect(updated.stderr).toBe('');
      expect((await view('dev-team1')).services).toEqual({
        'user-service': 'v1.0.0',
        'auth-service': 'v1.0.0',
      });
    },
  );

  it(
    '--local pushes the build to the user repository and deploys exactly those digests',
    { timeout: 60_000 },
    async () => {
      const layout = join(work, 'user-service-oci');
      await writeOciLayout(layout, 'user-service-local');
      const files = join(work, 'deploy-files');
      await mkdir(files, { recursive: true });
      await writeFile(join(files, 'kustomization.yaml'), 'resources: [deployment.yaml]\n');
      await writeFile(join(files, 'deployment.yaml'), 'kind: Deployment\n');

      const run = await platformDeploy([
        '--local',
        '-e',
        'dev-team1-mine',
        '--services',
        'user-service:v1.1.0-dev.1',
        '--image',
        layout,
        '--deploy-files',
        files,
        '--registry',
        registry.url,
        '--deploy-only-specified',
        '--wait',
        '--timeout',
        '30s',
      ]);
      expect(run.stderr).toContain(
        'pushing user-service:v1.1.0-dev.1 to user-repos/alice-example.com-local-repo',
      );
      expect(run.stderr).not.toContain('platform-deploy:');
      expect(run.code).toBe(0);

      const repository = 'user-repos/alice-example.com-local-repo/user-service';
      const head = await fetch(`${registry.url}/v2/${repository}/manifests/v1.1.0-dev.1`, {
        method: 'HEAD',
        headers: {
          accept:
            'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
        },
      });
      const pushed = head.headers.get('docker-content-digest');
      expect(pushed).toMatch(/^sha256:/);

      const environment = await view('dev-team1-mine');
      const service = environment.services['user-service'];
      expect(service).toMatchObject({
        version: 'v1.1.0-dev.1',
        docker_image: `${repository}:v1.1.0-dev.1@${pushed}`,
      });
      const resolved = environment.status.deployment?.resolved['user-service'];
      expect(resolved?.source).toBe('explicit');
      expect(resolved?.image).toEqual({ repository, tag: 'v1.1.0-dev.1', digest: pushed });
      expect(resolved?.deployment.repository).toBe(`${repository}-ansible`);
    },
  );

  it('exits 2 on usage errors and 3-5 as platformctl does', async () => {
    const noName = await platformDeploy(['--services', 'a:v1']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toBe(
      'platform-deploy: which environment? pass --environment NAME (or environment_name in the payload)\n',
    );
    const noType = await platformDeploy(['-e', 'feature-x', '--services', 'user-service:v1.0.0']);
    expect(noType.code).toBe(2);
    expect(noType.stderr).toContain('pass --type');
    const local = await platformDeploy([
      '--local',
      '-e',
      'dev-team1-x',
      '--services',
      'user-service:v1',
    ]);
    expect(local.code).toBe(2);
    expect(local.stderr).toContain('--local needs the registry');
    const refused = await platformDeploy(['-e', 'dev-team1', '--services', 'a:v1'], {
      PLATFORM_TOKEN: 'wrong',
    });
    expect(refused.code).toBe(4);
    const unreachable = await platformDeploy([
      '-e',
      'dev-team1',
      '--services',
      'a:v1',
      '--server',
      'http://127.0.0.1:9',
    ]);
    expect(unreachable.code).toBe(5);
  });
});

import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { environmentPageSchema, problemSchema } from '../../src/api/schemas/environments.js';
import type { AccessModelStatus } from '../../src/ports/access-source.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

/** The seed examples' tenancy model, as shipped in `examples/tenancy.yaml`. */
export const EXAMPLE_TENANCY = readFileSync(
  new URL('../../examples/tenancy.yaml', import.meta.url),
  'utf8',
);

/** Tokens of the example model's people and robots: token → identity. */
export const TOKENS = {
  admin: { subject: 'platform-team@example.com' },
  adminByGroup: { subject: 'ops.oncall@example.com', groups: ['platform-admins'] },
  koaDev: { subject: 'koa.dev@jppol.example' },
  koaReader: { subject: 'koa.reader@jppol.example' },
  aiDev: { subject: 'ai.dev@jppol.example' },
  valDev: { subject: 'val.dev@p1.example.mil' },
  valDevByGroup: {
    subject: 'val.newcomer@p1.example.mil',
    groups: ['Platform-One/Products/Valkyrie/developer'],
  },
  valDevIl2: {
    subject: 'val.newcomer2@p1.example.mil',
    groups: ['Platform-One/Products/Valkyrie/developer', 'IL2 Authorized'],
  },
  valCleared: { subject: 'val.cleared@p1.example.mil' },
  valLead: { subject: 'val.lead@p1.example.mil' },
  marine: { subject: 'gunny@usmc.example.mil', groups: ['USMC/Marine Coders/developer'] },
  // Seed 001: an extension group extends an independent group (here the viewers).
  edpDeployer: {
    subject: 'deploy.bot@edp.example',
    groups: ['edp-oidc-viewers', 'edp-oidc-deployers'],
  },
  edpDeployerAlone: { subject: 'lone.deployer@edp.example', groups: ['edp-oidc-deployers'] },
  edpCi: { subject: 'gitlab-ci-edp', kind: 'service' },
  stranger: { subject: 'stranger@example.com' },
} as const satisfies Record<
  string,
  { subject: string; groups?: readonly string[]; kind?: 'user' | 'service' }
>;
export type Who = keyof typeof TOKENS;

/** The bearer token of a named identity. */
export const tokenOf = (who: Who): string => `token-${who}`;

/** A platform on the example model, with every token of `TOKENS`, index loaded. */
export async function startExamplePlatform(
  options: {
    tenancy?: string;
    policies?: Record<string, string>;
    accessOutputDirectory?: string;
  } = {},
): Promise<TestPlatform> {
  const platform = await createTestPlatform({
    tenancy: options.tenancy ?? EXAMPLE_TENANCY,
    ...(options.accessOutputDirectory
      ? { accessOutputDirectory: options.accessOutputDirectory }
      : {}),
    ...(options.policies ? { policies: options.policies } : {}),
    tokens: Object.fromEntries(
      Object.entries(TOKENS).map(([who, entry]) => [
        tokenOf(who as Who),
        {
          subject: entry.subject,
          groups: 'groups' in entry ? [...entry.groups] : [],
          kind: 'kind' in entry ? entry.kind : 'user',
        },
      ]),
    ),
  });
  await platform.start();
  return platform;
}

/** A create body as `platform-deploy` sends it. */
export const claim = (name: string, type: string, pool: string) => ({
  environment_name: name,
  environment_type: type,
  environment_pool: pool,
  services: { 'user-service': 'v1.2.3' },
});

export const as = (platform: TestPlatform, who: Who) => ({
  create: (name: string, type: string, pool: string) =>
    platform.call('POST', '/api/v1/environments', {
      body: claim(name, type, pool),
      token: tokenOf(who),
    }),
  get: (name: string) =>
    platform.call('GET', `/api/v1/environments/${name}`, { token: tokenOf(who) }),
  patch: (name: string, body: unknown = { services: { 'user-service': 'v2.0.0' } }) =>
    platform.call('PATCH', `/api/v1/environments/${name}`, { body, token: tokenOf(who) }),
  delete: (name: string) =>
    platform.call('DELETE', `/api/v1/environments/${name}`, { token: tokenOf(who) }),
  status: () => platform.call('GET', '/api/v1/tenancy/status', { token: tokenOf(who) }),
  explain: (query: Record<string, string>) =>
    platform.call('GET', `/api/v1/access/explain?${new URLSearchParams(query).toString()}`, {
      token: tokenOf(who),
    }),
  list: (query: Record<string, string> = {}) =>
    platform.call('GET', `/api/v1/environments?${new URLSearchParams(query).toString()}`, {
      token: tokenOf(who),
    }),
});

/** Asserts a problem+json response with `status` and returns its body. */
export async function problemOf(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = problemSchema.parse(await response.json());
  expect(problem.status).toBe(status);
  return problem;
}

/** Asserts the uniform deny: 403 problem+json whose detail names the subject and action. */
export async function expectDenied(
  response: Response,
  action: string,
  subject?: string,
): Promise<void> {
  const problem = await problemOf(response, 403);
  expect(problem.title).toBe('Forbidden');
  expect(problem.detail).toContain(`may not perform ${action}`);
  if (subject !== undefined) expect(problem.detail).toContain(subject);
}

export async function pageOf(response: Response) {
  expect(response.status).toBe(200);
  return environmentPageSchema.parse(await response.json());
}

export async function statusOf(response: Response): Promise<AccessModelStatus> {
  expect(response.status).toBe(200);
  return (await response.json()) as AccessModelStatus;
}

/**
 * Replaces a file the way editors and config management do (write aside, rename over), so
 * the reloader's fingerprint (size, mtime, inode) surely changes.
 */
async function replaceFile(path: string, text: string): Promise<void> {
  const aside = `${path}.${process.pid}.tmp`;
  await writeFile(aside, text);
  await rename(aside, path);
}

export async function editTenancy(platform: TestPlatform, text: string): Promise<void> {
  await replaceFile(join(platform.dataDir, 'tenancy.yaml'), text);
  await platform.accessModel.reloadIfChanged();
}

export async function putPolicy(platform: TestPlatform, name: string, text: string): Promise<void> {
  await replaceFile(join(platform.dataDir, 'policies', name), text);
  await platform.accessModel.reloadIfChanged();
}

export async function removePolicy(platform: TestPlatform, name: string): Promise<void> {
  await rm(join(platform.dataDir, 'policies', name));
  await platform.accessModel.reloadIfChanged();
}

/** `text` with `search` replaced once; fails the test if `search` is not there. */
export function edited(text: string, search: string, replacement: string): string {
  expect(text).toContain(search);
  return text.replace(search, replacement);
}

export const STATIC_REPOSITORY = 'https://git.example.com/jppol/gitops-environments.git';

/** A static (Git-managed) environment, as CI writes it, picked up by the sync. */
export async function writeStatic(
  platform: TestPlatform,
  name: string,
  fields: { type: string; pool: string },
): Promise<void> {
  const directory = join(platform.bucketsDir, 'static-environments');
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, `${name}.json`),
    JSON.stringify({
      environment_name: name,
      environment_type: fields.type,
      environment_pool: fields.pool,
      user: 'gitlab-ci',
      creation_date: '2026-01-01T00:00:00Z',
      deployment_method: 'git',
      git_repository: STATIC_REPOSITORY,
      branch: 'main',
      services: { 'user-service': 'v1.2.3' },
    }),
  );
  await platform.sync.reconcileName(name);
}

/** A dynamic claim put straight into the bucket (`mc cp`), e.g. one owned by someone else. */
export async function writeDynamic(
  platform: TestPlatform,
  name: string,
  fields: { type: string; pool: string; user: string },
): Promise<void> {
  const directory = join(platform.bucketsDir, 'environments');
  await mkdir(directory, { recursive: true });
  await writeFile(
    join(directory, `${name}.json`),
    JSON.stringify({
      environment_name: name,
      environment_type: fields.type,
      environment_pool: fields.pool,
      user: fields.user,
      creation_date: '2026-01-15T10:00:00Z',
      expiration_date: fields.type === 'sue' ? '2026-01-16T10:00:00Z' : null,
      deployment_method: 'dynamic',
      services: {},
    }),
  );
  await platform.sync.reconcileName(name);
}

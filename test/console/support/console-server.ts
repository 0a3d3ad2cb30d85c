import { join } from 'node:path';
import {
  bucketPath,
  claimJson,
  DYNAMIC,
  makeTempDir,
  randomHex,
  startServer,
  STATIC,
  writeAtomically,
  type ServerHandle,
} from '../../e2e/serve-helper.js';
import {
  CONSOLE_CLIENT_ID,
  RESOURCE,
  startTestIdp,
  type TestIdp,
} from '../../support/oidc-provider.js';

/**
 * The people of the console tests, by their account id at the test IdP (what they type on
 * its sign-in page), with the claims their access tokens carry. The subject is the e-mail.
 */
export const PEOPLE = {
  /** A platform administrator (IdP group `platform-admins`). */
  ada: { email: 'ada@example.com', groups: ['platform-admins'] },
  /** Developer of product koa: creates and changes koa environments, not ai ones. */
  anna: { email: 'anna@example.com', groups: ['koa-developer'] },
  /** Collaborator of koa: reads koa environments, may change none. */
  kim: { email: 'kim@example.com', groups: ['koa-collaborator'] },
} as const;

export type Person = keyof typeof PEOPLE;

/** Two products, one pool each; roles from the IdP groups `<product>-<role>`. */
export const CONSOLE_TENANCY = `
platformAdmins:
  users: [ops@example.com]
  groups: [platform-admins]
organizations:
  - name: jppol
    groupNaming: { roles: '{product}-{role}' }
    products:
      - name: koa
        pools: [koa]
      - name: ai
        pools: [ai]
`;

/** The static (Git) environment every console server has. */
export const STATIC_ENVIRONMENT = {
  name: 'koa-staging',
  repository: 'https://git.example.com/jppol/koa-gitops.git',
  branch: 'main',
};

/** Writes {@link STATIC_ENVIRONMENT}'s claim, published from Git, into `dataDir`'s bucket. */
export async function writeStaticEnvironment(dataDir: string): Promise<void> {
  await writeAtomically(
    join(bucketPath(dataDir, STATIC), `${STATIC_ENVIRONMENT.name}.json`),
    claimJson(STATIC_ENVIRONMENT.name, {
      environment_type: 'staging',
      environment_pool: 'koa',
      user: 'gitops-pipeline',
      deployment_method: 'git',
      git_repository: STATIC_ENVIRONMENT.repository,
      branch: STATIC_ENVIRONMENT.branch,
      services: { 'user-service': 'v1.2.0' },
    }),
  );
}

export interface ConsoleServer {
  /** The real `platformctl serve`; `url` is the console's origin. */
  readonly server: ServerHandle;
  readonly idp: TestIdp;
  /** A platform administrator's static token (what the demo's pasted token is). */
  readonly adminToken: string;
  /** The names of the dynamic environments seeded, in name order. */
  readonly seeded: readonly string[];
  stop(): Promise<void>;
}

export interface ConsoleServerOptions {
  /** Dynamic environments in pool koa seeded before the start (`koa-env-000`, …); default 0. */
  readonly environments?: number;
}

/**
 * A test IdP with the console's public client and `PEOPLE`, and a real `platformctl serve`
 * that trusts it (`auth.oidc[].console` set, so `/login-config` offers it), with the tenancy
 * above, the static environment `STATIC_ENVIRONMENT` and `environments` dynamic ones, all
 * written to the buckets before the start (as the Git pipeline or `mc cp` would) so the
 * initial sync loads them at once. Needs `installE2eHooks()` in the test file.
 */
export async function startConsoleServer(
  options: ConsoleServerOptions = {},
): Promise<ConsoleServer> {
  const idp = await startTestIdp({ accounts: PEOPLE });
  const dataDir = await makeTempDir('platform-console-');
  const seeded: string[] = [];
  const now = Date.now();
  for (let i = 0; i < (options.environments ?? 0); i += 1) {
    const name = `koa-env-${String(i).padStart(3, '0')}`;
    seeded.push(name);
    // Every third a sue environment expiring in 3 to 102 hours (sue's maximum is 7 days), the
    // first in one hour: inside sue's two-hour warning window.
    const sue = i % 3 === 0;
    await writeAtomically(
      join(bucketPath(dataDir, DYNAMIC), `${name}.json`),
      claimJson(name, {
        environment_type: sue ? 'sue' : 'dev',
        environment_pool: 'koa',
        user: i % 2 === 0 ? PEOPLE.anna.email : PEOPLE.ada.email,
        services: { 'user-service': 'v1.2.3' },
        ...(sue
          ? {
              expiration_date: new Date(
                now + (i === 0 ? 1 : 3 + (i % 100)) * 3_600_000,
              ).toISOString(),
            }
          : {}),
      }),
    );
  }
  await writeStaticEnvironment(dataDir);
  const adminToken = `ops-${randomHex(16)}`;
  const server = await startServer({
    dataDir,
    tokens: [{ subject: 'ops@example.com', token: adminToken }],
    tenancyYaml: CONSOLE_TENANCY,
    oidcYaml: [
      `    - issuer: ${JSON.stringify(idp.issuer)}`,
      `      audience: ${JSON.stringify(idp.audience)}`,
      '      subjectClaim: email',
      `      console: { clientId: ${CONSOLE_CLIENT_ID}, scopes: [openid, api], resource: ${JSON.stringify(RESOURCE)} }`,
    ].join('\n'),
  }).catch(async (error: unknown) => {
    await idp.close();
    throw error;
  });
  await idp.allowConsoleRedirect(`${server.url}/signin/callback`);
  return {
    server,
    idp,
    adminToken,
    seeded,
    async stop() {
      await server.stop();
      await idp.close();
    },
  };
}

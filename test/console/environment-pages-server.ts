import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { pushService } from '../deploy/deploy-harness.js';
import { makeTempDir, randomHex, startServer, type ServerHandle } from '../e2e/serve-helper.js';
import { startRegistry, type TestRegistry } from '../support/oci-registry.js';
import {
  CONSOLE_CLIENT_ID,
  RESOURCE,
  startTestIdp,
  type TestIdp,
} from '../support/oidc-provider.js';
import {
  CONSOLE_TENANCY,
  PEOPLE,
  writeStaticEnvironment,
  type Person,
} from './support/console-server.js';

/**
 * The console harness's people, tenancy and static environment (support/console-server.ts),
 * with the deployer on: a registry holding user-service v1.2.3 and v1.3.0 and a catalogue,
 * so the environment page has resolved tags, digests and a render history to roll back.
 * Needs `installE2eHooks()` in the test file.
 */
export interface DeployerConsole {
  readonly server: ServerHandle;
  readonly idp: TestIdp;
  readonly registry: TestRegistry;
  /** Digests of the image of user-service per tag. */
  readonly imageDigests: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export const CATALOGUE = `services:
  user-service:
    versions: { prod: v1.2.3, staging: '>=1.0.0, <2.0.0', default: '*' }
`;

export async function startDeployerConsole(): Promise<DeployerConsole> {
  const [idp, registry] = await Promise.all([startTestIdp({ accounts: PEOPLE }), startRegistry()]);
  const imageDigests: Record<string, string> = {};
  for (const tag of ['v1.2.0', 'v1.2.3', 'v1.3.0']) {
    imageDigests[tag] = (await pushService(registry.url, 'user-service', tag)).image;
  }
  const dataDir = await makeTempDir('platform-console-env-');
  const catalogue = join(dataDir, 'services.yaml');
  await writeFile(catalogue, CATALOGUE);
  await writeStaticEnvironment(dataDir);
  const server = await startServer({
    dataDir,
    tokens: [{ subject: 'ops@example.com', token: `ops-${randomHex(16)}` }],
    tenancyYaml: CONSOLE_TENANCY,
    oidcYaml: [
      `    - issuer: ${JSON.stringify(idp.issuer)}`,
      `      audience: ${JSON.stringify(idp.audience)}`,
      '      subjectClaim: email',
      `      console: { clientId: ${CONSOLE_CLIENT_ID}, scopes: [openid, api], resource: ${JSON.stringify(RESOURCE)} }`,
    ].join('\n'),
    extraYaml: [
      'deploy:',
      `  catalogue: ${catalogue}`,
      `  registry: { url: '${registry.url}', cacheTtl: 1ms }`,
      '  resolveInterval: 200ms',
    ].join('\n'),
  }).catch(async (error: unknown) => {
    await Promise.all([idp.close(), registry.stop()]);
    throw error;
  });
  await idp.allowConsoleRedirect(`${server.url}/signin/callback`);
  return {
    server,
    idp,
    registry,
    imageDigests,
    async stop() {
      await server.stop();
      await Promise.all([idp.close(), registry.stop()]);
    },
  };
}

/**
 * Signs `person` in through the sign-in page with a real access token of the test IdP
 * (pasted, as the demo token is), then opens `path`.
 */
export async function signInAs(
  page: Page,
  site: DeployerConsole,
  person: Person,
  path: string,
): Promise<void> {
  const token = await site.idp.userToken(person);
  await page.goto(`${site.server.url}${path}`);
  await page.getByLabel('Bearer token (a service token, or the demo token)').fill(token);
  await page.getByRole('button', { name: 'Sign in with token' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

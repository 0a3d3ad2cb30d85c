import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  environmentPageSchema,
  environmentViewSchema,
} from '../../src/api/schemas/environments.js';
import { whoAmISchema } from '../../src/api/schemas/session.js';
import { auditPageSchema } from '../../src/api/schemas/audit.js';
import { runNode, type Run } from '../support/run-process.js';
import {
  CLI,
  REPO_ROOT,
  installE2eHooks,
  startServer,
  waitFor,
  type ServerHandle,
} from '../e2e/serve-helper.js';

installE2eHooks();

const ALICE = { subject: 'alice@example.com', groups: ['team1'], token: 'alice-client-token' };
const BOB = { subject: 'bob@example.com', groups: ['team2'], token: 'bob-client-token' };

let server: ServerHandle;
beforeAll(async () => {
  server = await startServer({ tokens: [ALICE, BOB] });
});
afterAll(async () => {
  await server.stop();
});

/** Runs the built platformctl as a user would: server and token from the environment. */
function ctl(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return runNode([CLI, ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PLATFORM_SERVER: server.url,
      PLATFORM_TOKEN: ALICE.token,
      XDG_CONFIG_HOME: join(server.dataDir, 'xdg'),
      NO_COLOR: undefined,
      ...env,
    },
  });
}

describe('platformctl env against a running server', () => {
  it('creates, gets, lists, updates, extends and deletes an environment', async () => {
    const created = await ctl([
      'env',
      'create',
      'sue-cli',
      '--type',
      'sue',
      '--pool',
      'team1',
      '--service',
      'user-service:v1.2.3',
      '--ttl',
      '4h',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('environment sue-cli created\n');

    const got = await ctl(['env', 'get', 'sue-cli', '-o', 'json']);
    expect(got.code).toBe(0);
    const view = environmentViewSchema.parse(JSON.parse(got.stdout));
    expect(view.services).toEqual({ 'user-service': 'v1.2.3' });
    const expiresIn = Date.parse(view.status.expires_at ?? '') - Date.now();
    expect(expiresIn).toBeGreaterThan(3.9 * 3_600_000);
    expect(expiresIn).toBeLessThanOrEqual(4 * 3_600_000);

    const table = await ctl(['env', 'list']);
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+TYPE\s+POOL\s+SOURCE\s+PHASE\s+EXPIRES\s+USER\s+SERVICES$/);
    expect(row).toMatch(
      /^sue-cli\s+sue\s+team1\s+api\s+-\s+in 3h5\dm\s+alice@example.com\s+user-service:v1.2.3$/,
    );
    expect(table.stdout).not.toContain('\u001b['); // not a terminal: no colour

    const names = await ctl(['env', 'list', '-o', 'name']);
    expect(names.stdout).toBe('sue-cli\n');
    const yaml = await ctl(['env', 'list', '-o', 'yaml']);
    expect(environmentPageSchema.parse(parseYaml(yaml.stdout)).items).toHaveLength(1);

    const updated = await ctl([
      'env',
      'update',
      'sue-cli',
      '--service',
      'auth-service=v2.1.0',
      '--remove',
      'user-service',
      '-o',
      'json',
    ]);
    expect(updated.code).toBe(0);
    expect(environmentViewSchema.parse(JSON.parse(updated.stdout)).services).toEqual({
      'auth-service': 'v2.1.0',
    });

    const extended = await ctl(['env', 'extend', 'sue-cli', '--by', '2h']);
    expect(extended.code).toBe(0);
    expect(extended.stdout).toMatch(/^environment sue-cli now expires in 5h5\dm\n$/);

    const deleted = await ctl(['env', 'delete', 'sue-cli']);
    expect(deleted.code).toBe(0);
    const gone = await ctl(['env', 'wait', 'sue-cli', '--for', 'deleted', '--timeout', '5s']);
    expect(gone.code).toBe(0);
    const missing = await ctl(['env', 'get', 'sue-cli']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe("platformctl: environment 'sue-cli' not found\n");
  });

  it('prints the server refusal and each field error on a line, exit 1', async () => {
    const run = await ctl(['env', 'create', 'Bad_Name', '--type', 'sue', '--pool', 'team1']);
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^platformctl: /);
    expect(lines.slice(1).some((line) => line.startsWith('  environment_name: '))).toBe(true);
  });

  it('exits 2 on a usage error, before anything is sent', async () => {
    const unknown = await ctl(['env', 'list', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const badFormat = await ctl(['env', 'list', '-o', 'xml']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toBe(
      "platformctl: --output must be one of table, json, yaml, name; got 'xml'\n",
    );
    const badService = await ctl([
      'env',
      'create',
      'x',
      '--type',
      'sue',
      '--pool',
      'p',
      '--service',
      'nover',
    ]);
    expect(badService.code).toBe(2);
  });

  it('exits 4 when the token is refused or the action not allowed', async () => {
    const refused = await ctl(['env', 'list'], { PLATFORM_TOKEN: 'not-a-token' });
    expect(refused.code).toBe(4);
    // Only alice stays a platform admin: bob may no longer read the audit log.
    await writeFile(
      join(server.dataDir, 'tenancy.yaml'),
      `platformAdmins:\n  users: [${ALICE.subject}]\n`,
    );
    await waitFor(
      'bob to lose the platform actions',
      async () => {
        const me = await ctl(['whoami', '-o', 'json'], { PLATFORM_TOKEN: BOB.token });
        return me.code === 0 &&
          !whoAmISchema.parse(JSON.parse(me.stdout)).platform_actions.includes('audit:read')
          ? true
          : undefined;
      },
      15_000,
      300,
    );
    const denied = await ctl(['audit', 'list'], { PLATFORM_TOKEN: BOB.token });
    expect(denied.code).toBe(4);
    expect(denied.stderr).toMatch(/^platformctl: .*audit:read/);
  });

  it('exits 5 when the server cannot be reached', async () => {
    const run = await ctl(['env', 'list', '--server', 'http://127.0.0.1:9']);
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^platformctl: cannot reach http:\/\/127.0.0.1:9: /);
  });

  it('tells who you are, lists rejected claims and audit records', async () => {
    const me = await ctl(['whoami']);
    expect(me.code).toBe(0);
    expect(me.stdout).toContain(`Subject:  ${ALICE.subject} (user)`);
    expect(me.stdout).toContain('audit:read');

    await writeFile(join(server.bucketDir('environments'), 'broken.json'), '{ not json');
    await waitFor(
      'the rejected claim to be listed',
      async () => {
        const run = await ctl(['rejected', 'list', '-o', 'name']);
        return run.stdout.includes('environments/broken.json') ? true : undefined;
      },
      15_000,
      300,
    );

    const audit = await ctl(['audit', 'list', '--action', 'environment:create', '-o', 'json']);
    expect(audit.code).toBe(0);
    const page = auditPageSchema.parse(JSON.parse(audit.stdout));
    expect(page.items.some((item) => item.target === 'environment/sue-cli')).toBe(true);
  });

  it('waits with a timeout: exit 1 when the condition never comes', async () => {
    await ctl(['env', 'create', 'sue-wait', '--type', 'sue', '--pool', 'team1']);
    const run = await ctl(['env', 'wait', 'sue-wait', '--timeout', '1s', '--interval', '200ms']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('timed out after 1s waiting for sue-wait to be Rendered');
  });
});

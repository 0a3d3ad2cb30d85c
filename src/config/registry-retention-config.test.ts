import { describe, expect, it } from 'vitest';
import { useConfigFiles } from '../../test/support/config-files.js';
import { InputError } from '../domain/errors.js';

// Issue 14's keys, in a file of their own beside load-config.test.ts.
const DEPLOY = "deploy: { catalogue: ./s.yaml, registry: { url: 'http://r:5000'";

const load = useConfigFiles('retention-config-');

describe('deploy.registry.retention and deploy.repositories.users', () => {
  it('defaults to the seed: user-repos, 24 h, swept every hour', async () => {
    const config = await load(`${DEPLOY} } }\n`);
    expect(config.deploy?.registry.retention).toEqual({
      enabled: true,
      userRepositoriesMs: 24 * 3_600_000,
      intervalMs: 3_600_000,
    });
    expect(config.deploy?.repositories.users).toBe('user-repos');
  });

  it('reads durations like the other durations, and can be turned off', async () => {
    const config = await load(
      `${DEPLOY}, retention: { enabled: false, userRepositories: 36h, interval: 15m } }, repositories: { users: dev/users } }\n`,
    );
    expect(config.deploy?.registry.retention).toEqual({
      enabled: false,
      userRepositoriesMs: 36 * 3_600_000,
      intervalMs: 15 * 60_000,
    });
    expect(config.deploy?.repositories.users).toBe('dev/users');
  });

  it.each([
    [
      `${DEPLOY}, retention: { userRepositories: 1 day } } }\n`,
      'deploy.registry.retention.userRepositories',
    ],
    [`${DEPLOY}, retention: { interval: 0s } } }\n`, 'deploy.registry.retention.interval'],
    [`${DEPLOY}, retention: { keep: 1h } } }\n`, 'deploy.registry.retention'],
    [`${DEPLOY} }, repositories: { users: docker-releases } }\n`, 'deploy.repositories.users'],
    [
      `${DEPLOY} }, repositories: { users: oci-snapshots/users } }\n`,
      'deploy.repositories.users: must not overlap the release or snapshot repositories (oci-snapshots)',
    ],
    [`${DEPLOY} }, repositories: { users: User_Repos/ } }\n`, 'deploy.repositories.users'],
  ])('refuses %s', async (text, message) => {
    const error = await load(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const lines = (error as InputError).errors.map((e) => `${e.path}: ${e.message}`).join('\n');
    expect(lines).toContain(message);
  });
});

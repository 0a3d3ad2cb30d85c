import { describe, expect, it } from 'vitest';
import { useConfigFiles } from '../../test/support/config-files.js';
import { InputError } from '../domain/errors.js';

// Issue 16's Infisical keys: deploy.infisical and environmentTypes.<type>.secrets.
const DEPLOY = "deploy: { catalogue: ./s.yaml, registry: { url: 'http://r:5000' }";

const load = useConfigFiles('infisical-config-');

describe('deploy.infisical', () => {
  it('is on by default, with the platform-shared project', async () => {
    const config = await load(`${DEPLOY} }\n`);
    expect(config.deploy?.infisical).toEqual({
      enabled: true,
      hostAPI: 'http://infisical.platform.svc:8080/api',
      sharedProject: 'platform-shared',
      platformSource: { kind: 'Bucket', name: 'rendered-environments', namespace: 'flux-system' },
      credentialsSecret: 'infisical-platform-credentials',
    });
  });

  it('takes the API, the shared project, and can be turned off', async () => {
    const config = await load(
      `${DEPLOY}, infisical: { enabled: false, hostAPI: 'https://secrets.example.com/api', sharedProject: idp-shared } }\n`,
    );
    expect(config.deploy?.infisical).toMatchObject({
      enabled: false,
      hostAPI: 'https://secrets.example.com/api',
      sharedProject: 'idp-shared',
    });
  });

  it('takes token lifetimes and the project placement per environment type', async () => {
    const config = await load(
      'environmentTypes:\n  sue: { secrets: { accessTokenMaxTTL: 2h } }\n  dev: { secrets: { project: dedicated } }\n',
    );
    expect(config.catalogue.sue?.secrets).toEqual({
      project: 'shared',
      accessTokenTTL: '15m',
      accessTokenMaxTTL: '2h',
    });
    expect(config.catalogue.dev?.secrets.project).toBe('dedicated');
    expect(config.catalogue.prod?.secrets.project).toBe('dedicated');
  });

  it.each([
    [
      `${DEPLOY}, infisical: { sharedProject: Platform_Shared } }\n`,
      'deploy.infisical.sharedProject',
    ],
    [`${DEPLOY}, infisical: { hostAPI: 'ftp://x/api' } }\n`, 'deploy.infisical.hostAPI'],
    [`${DEPLOY}, infisical: { token: abc } }\n`, 'deploy.infisical'],
    [
      'environmentTypes: { sue: { secrets: { accessTokenTTL: 2h } } }\n',
      'environmentTypes.sue.secrets.accessTokenTTL: must not be longer than accessTokenMaxTTL',
    ],
    [
      'environmentTypes: { sue: { secrets: { accessTokenTTL: 10ms } } }\n',
      'environmentTypes.sue.secrets.accessTokenTTL',
    ],
  ])('refuses %s', async (text, message) => {
    const error = await load(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const lines = (error as InputError).errors.map((e) => `${e.path}: ${e.message}`).join('\n');
    expect(lines).toContain(message);
  });
});

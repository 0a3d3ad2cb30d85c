import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../domain/errors.js';
import { deployRequestOf } from './deploy-request.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploy-request-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('deployRequestOf', () => {
  it('layers the file, then the payload, then the flags', async () => {
    const file = join(dir, 'env.yaml');
    await writeFile(
      file,
      'environment_name: dev-local\nenvironment_type: dev\nservices:\n  user-service: latest\n  auth-service: v1.0.0\n',
    );
    const request = await deployRequestOf({
      file,
      payload: '{"services": {"user-service": "v1.2.3"}, "use_dev_tags": true}',
      services: ['auth-service:^2.1.0'],
      deployOnlySpecified: true,
    });
    expect(request).toEqual({
      name: 'dev-local',
      type: 'dev',
      pool: undefined,
      services: { 'user-service': 'v1.2.3', 'auth-service': '^2.1.0' },
      deployOnlySpecified: true,
      useDevTags: true,
    });
  });

  it('reads a JSON file as well', async () => {
    const file = join(dir, 'env.json');
    await writeFile(file, JSON.stringify({ environment_name: 'sue-x', services: { a: 'v1' } }));
    expect((await deployRequestOf({ file })).services).toEqual({ a: 'v1' });
  });

  it('refuses what it cannot use, saying why', async () => {
    await expect(deployRequestOf({ services: ['a:v1'] })).rejects.toThrow(
      'which environment? pass --environment NAME',
    );
    await expect(deployRequestOf({ environment: 'x', payload: '{' })).rejects.toThrow(
      /^--payload is not JSON/,
    );
    await expect(
      deployRequestOf({ environment: 'x', payload: '{"environment_nam": "y"}' }),
    ).rejects.toMatchObject({
      message: '--payload is not a usable request',
      errors: [{ path: 'environment_nam', message: 'unknown field' }],
    });
    await expect(deployRequestOf({ environment: 'x', payload: '[]' })).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(
      deployRequestOf({ environment: 'x', file: join(dir, 'nope.yaml') }),
    ).rejects.toThrow(/^Cannot read deployment file/);
  });
});

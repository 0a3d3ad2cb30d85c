import { describe, expect, it } from 'vitest';
import { useConfigFiles } from '../../test/support/config-files.js';
import { InputError } from '../domain/errors.js';

// Issue 15's `metrics` keys, in a file of their own beside load-config.test.ts.
const loadFile = useConfigFiles('metrics-config-');
const load = (text: string, flags: { host?: string } = {}) => loadFile(text, { flags });

describe('metrics', () => {
  it('defaults to on, on the API port, behind the token', async () => {
    const config = await load('{}\n');
    expect(config.metrics).toEqual({
      enabled: true,
      port: undefined,
      host: '127.0.0.1',
      requireToken: true,
    });
  });

  it('takes a port of its own on the server host unless metrics.host says otherwise', async () => {
    expect((await load('metrics: { port: 9090 }\n', { host: '0.0.0.0' })).metrics).toMatchObject({
      port: 9090,
      host: '0.0.0.0',
    });
    expect(
      (await load('metrics: { port: 9090, host: 127.0.0.2 }\n', { host: '0.0.0.0' })).metrics.host,
    ).toBe('127.0.0.2');
    expect(
      (await load('metrics: { requireToken: false, enabled: false }\n')).metrics,
    ).toMatchObject({ enabled: false, requireToken: false });
  });

  it('refuses a bad port or an unknown key, naming the key path', async () => {
    const bad = await load('metrics: { port: 70000 }\n').catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(InputError);
    expect((bad as InputError).errors.map((e) => e.path)).toEqual(['metrics.port']);
    const unknown = await load('metrics: { requiresToken: true }\n').catch(
      (error: unknown) => error,
    );
    expect(unknown).toBeInstanceOf(InputError);
    expect(JSON.stringify((unknown as InputError).errors)).toContain('requiresToken');
  });
});

import { describe, expect, it } from 'vitest';
import { useConfigFiles } from '../../test/support/config-files.js';
import { InputError } from '../domain/errors.js';

// Issue 15's `notifications` keys, in a file of their own beside load-config.test.ts.
const loadFile = useConfigFiles('notifications-config-');
const load = (text: string, env: Record<string, string> = {}) => loadFile(text, { env });

async function problems(text: string, env: Record<string, string> = {}) {
  const error = await load(text, env).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).errors;
}

describe('notifications config', () => {
  it('has no sinks by default, and the queue defaults', async () => {
    const config = await load('log: { level: info }\n');
    expect(config.notifications).toEqual({
      sinks: [],
      warnIntervalMs: 30_000,
      queue: {
        maxLength: 1000,
        concurrency: 4,
        retryBaseMs: 1000,
        retryMaxMs: 300_000,
        maxAttempts: 20,
        maxAgeMs: 86_400_000,
        pollIntervalMs: 10_000,
      },
    });
  });

  it('reads sinks: every event unless listed, json by default, a header secret from the environment', async () => {
    const config = await load(
      [
        'notifications:',
        '  sinks:',
        '    - name: ops',
        '      url: https://hooks.example.com/platform',
        '      headers: { Authorization: { secretEnv: OPS_HOOK_TOKEN }, X-Team: platform }',
        '    - name: chat',
        '      url: https://hooks.slack.com/services/T/B/X',
        '      format: slack',
        '      events: [expiring, failed]',
        '      timeout: 2s',
        '',
      ].join('\n'),
      { OPS_HOOK_TOKEN: 'Bearer abc' },
    );
    expect(config.notifications.sinks).toEqual([
      {
        name: 'ops',
        url: 'https://hooks.example.com/platform',
        format: 'json',
        events: ['expiring', 'expired', 'created', 'deleted', 'failed'],
        headers: { Authorization: 'Bearer abc', 'X-Team': 'platform' },
        timeoutMs: 5000,
      },
      {
        name: 'chat',
        url: 'https://hooks.slack.com/services/T/B/X',
        format: 'slack',
        events: ['expiring', 'failed'],
        headers: {},
        timeoutMs: 2000,
      },
    ]);
  });

  it('refuses a missing secret, a bad sink name, an unknown event and duplicate names, naming the key', async () => {
    expect(
      await problems(
        'notifications: { sinks: [{ name: ops, url: "http://h/", headers: { Authorization: { secretEnv: NOPE } } }] }\n',
      ),
    ).toEqual([
      {
        path: 'notifications.sinks.0.headers.Authorization.secretEnv',
        message: 'the environment variable NOPE is not set',
      },
    ]);
    const paths = (
      await problems(
        'notifications: { sinks: [{ name: Ops_1, url: "ftp://h/", events: [later] }] }\n',
      )
    ).map((problem) => problem.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'notifications.sinks.0.name',
        'notifications.sinks.0.url',
        'notifications.sinks.0.events.0',
      ]),
    );
    expect(
      (
        await problems(
          'notifications: { sinks: [{ name: a, url: "http://h/" }, { name: a, url: "http://g/" }] }\n',
        )
      ).map((problem) => problem.path),
    ).toEqual(['notifications.sinks']);
  });

  it('takes expiry.warnBefore per environment type', async () => {
    const config = await load(
      'environmentTypes: { sue: { expiry: { default: 24h, maximum: 7d, warnBefore: 30m } } }\n',
    );
    expect(config.catalogue.sue?.expiry?.warnBefore).toBe('30m');
    expect(config.catalogue.dev?.expiry?.warnBefore).toBe('2h');
  });
});

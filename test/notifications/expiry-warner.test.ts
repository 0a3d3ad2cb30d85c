import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startExpiryWarner } from '../../src/controllers/expiry-warner.js';
import { waitFor } from '../e2e/serve-helper.js';
import { createTestPlatform, manualClock, type TestPlatform } from '../support/test-platform.js';

let platform: TestPlatform;
let stop: AbortController;

beforeEach(async () => {
  platform = await createTestPlatform({
    clock: manualClock(new Date('2026-01-15T10:30:00Z')),
    configYaml: `environmentTypes:
  sue:
    expiry: { default: 24h, maximum: 7d, warnBefore: 1h }
notifications:
  sinks:
    - { name: ops, url: 'http://127.0.0.1:9/hook', events: [expiring] }
`,
  });
  await platform.start();
  stop = new AbortController();
});
afterEach(async () => {
  stop.abort();
  await platform.close();
});

const create = (name: string, body: Record<string, unknown>) =>
  platform.call('POST', '/api/v1/environments', {
    body: { environment_name: name, environment_pool: 'team1', services: {}, ...body },
  });

/** The expiring warnings queued so far, as `environment@expires_at`, sorted. */
async function warnings(): Promise<string[]> {
  const pending = await platform.notifications!.outbox.pending(100);
  return pending.map(({ event }) => `${event.environment}@${event.expires_at}`).sort();
}

it('warns once per environment and expiry date inside warnBefore, again after an extension', async () => {
  expect(
    (await create('sue-soon', { environment_type: 'sue', expiration_date: '2026-01-15T11:00:00Z' }))
      .status,
  ).toBe(201);
  expect(
    (
      await create('sue-later', {
        environment_type: 'sue',
        expiration_date: '2026-01-15T12:00:00Z',
      })
    ).status,
  ).toBe(201);
  expect((await create('prod-a', { environment_type: 'prod' })).status).toBe(201);
  let runs = 0;
  const real = platform.notifications!.notifier;
  const notifier = {
    wants: (type: Parameters<typeof real.wants>[0]) => real.wants(type),
    publish: (...args: Parameters<typeof real.publish>) => {
      runs++;
      return real.publish(...args);
    },
  };
  const stopped = startExpiryWarner({
    notifier,
    index: platform.index,
    catalogue: platform.config.catalogue,
    clock: platform.clock,
    intervalMs: 10,
    logger: pino({ level: 'silent' }),
    signal: stop.signal,
  });
  await waitFor('the first warning', async () =>
    (await warnings()).length > 0 ? true : undefined,
  );
  // Several more runs: still one warning, and none for what is outside its window.
  const seen = runs;
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await warnings()).toEqual(['sue-soon@2026-01-15T11:00:00Z']);
  expect(runs).toBe(seen); // remembered in this term: no store round trip per run

  // An hour on: sue-later enters its window; sue-soon is past its date and is not warned again.
  platform.clock.advance(3_600_000);
  await waitFor('the second warning', async () =>
    (await warnings()).length === 2 ? true : undefined,
  );
  // Extended to a later date inside the window: a new warning for the new date.
  const patched = await platform.call('PATCH', '/api/v1/environments/sue-later', {
    body: { expiration_date: '2026-01-15T12:15:00Z' },
  });
  expect(patched.status, await patched.text()).toBe(200);
  await waitFor('the third warning', async () =>
    (await warnings()).length === 3 ? true : undefined,
  );
  expect(await warnings()).toEqual([
    'sue-later@2026-01-15T12:00:00Z',
    'sue-later@2026-01-15T12:15:00Z',
    'sue-soon@2026-01-15T11:00:00Z',
  ]);
  stop.abort();
  await stopped;
});

it('a new warner (a restart, another leader) does not warn again for the same date', async () => {
  await create('sue-soon', { environment_type: 'sue', expiration_date: '2026-01-15T11:00:00Z' });
  const { notifier, outbox } = platform.notifications!;
  const event = await notifier.publish('expiring', (await platform.index.get('sue-soon'))!);
  expect(event).toBe(1);
  const delivered = (await outbox.pending(10))[0]!;
  await outbox.complete(delivered, new Date('2026-01-16T11:00:00Z'));
  const stopped = startExpiryWarner({
    notifier,
    index: platform.index,
    catalogue: platform.config.catalogue,
    clock: platform.clock,
    intervalMs: 10,
    logger: pino({ level: 'silent' }),
    signal: stop.signal,
  });
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(await outbox.pending(10)).toEqual([]);
  stop.abort();
  await stopped;
});

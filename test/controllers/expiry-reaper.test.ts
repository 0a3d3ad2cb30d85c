import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startExpiryReaper } from '../../src/controllers/expiry-reaper.js';
import type { Principal } from '../../src/ports/principal.js';
import { createTestPlatform, type TestPlatform } from '../support/test-platform.js';

const alice: Principal = {
  subject: 'alice@example.com',
  groups: ['team1'],
  kind: 'user',
  authenticatedBy: 'static-token',
};
const DAY = 24 * 3_600_000;

let platform: TestPlatform;
beforeEach(async () => {
  platform = await createTestPlatform();
  await platform.start();
});
afterEach(async () => {
  await platform.close();
});

async function createSue(...names: string[]): Promise<void> {
  for (const name of names) {
    await platform.service.create(alice, {
      environment_name: name,
      environment_type: 'sue',
      environment_pool: 'team1',
    });
  }
}

describe('the reaper fence', () => {
  it('deletes nothing when the fence says this replica is no longer the leader', async () => {
    await createSue('sue-a', 'sue-b');
    platform.clock.advance(DAY);
    let asked = 0;
    const fence = (): Promise<boolean> => {
      asked++;
      return Promise.resolve(false);
    };
    expect(await platform.service.reapExpired({ fence })).toEqual([]);
    expect(asked).toBe(1);
    expect(await platform.index.get('sue-a')).toBeDefined();
    expect(await platform.index.get('sue-b')).toBeDefined();
  });

  it('asks before each delete and stops the run at the first refusal', async () => {
    await createSue('sue-a', 'sue-b', 'sue-c');
    platform.clock.advance(DAY);
    const answers = [true, false];
    const reaped = await platform.service.reapExpired({
      fence: () => Promise.resolve(answers.shift() ?? true),
    });
    expect(reaped).toHaveLength(1);
    expect(answers).toEqual([]);
    const left = await Promise.all(['sue-a', 'sue-b', 'sue-c'].map((n) => platform.index.get(n)));
    expect(left.filter((entry) => entry !== undefined)).toHaveLength(2);
  });

  it('the reaper controller passes its term fence to every run', async () => {
    await createSue('sue-a');
    platform.clock.advance(DAY);
    const term = new AbortController();
    let asked = 0;
    const stopped = startExpiryReaper({
      service: platform.service,
      fence: () => {
        asked++;
        return Promise.resolve(false);
      },
      intervalMs: 10,
      logger: pino({ level: 'silent' }),
      signal: term.signal,
    });
    while (asked < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    term.abort();
    await stopped;
    expect(await platform.index.get('sue-a')).toBeDefined();
  });
});

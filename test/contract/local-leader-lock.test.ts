import { describe, expect, it } from 'vitest';
import { createLocalLeaderLock } from '../../src/adapters/local-leader-lock/local-leader-lock.js';
import { describeLeaderLockContract } from './leader-lock-contract.js';

describeLeaderLockContract('single process', () => {
  // One lock is the whole "backend": every replica of a single process shares it.
  const lock = createLocalLeaderLock({ retryMs: 50 });
  return Promise.resolve({ openReplica: () => lock, close: () => Promise.resolve() });
});

describe('local leader lock', () => {
  it('elects synchronously, inside campaign, so the embedded default starts as before', async () => {
    const controller = new AbortController();
    let elected = false;
    const stopped = createLocalLeaderLock().campaign(controller.signal, () => {
      elected = true;
    });
    expect(elected).toBe(true);
    controller.abort();
    await stopped;
  });
});

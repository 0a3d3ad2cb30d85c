import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryClaimIndex } from '../../src/adapters/memory-index/memory-claim-index.js';
import { startDeployerQueue } from '../../src/controllers/deployer-queue.js';

const logger = pino({ level: 'silent' });

describe('startDeployerQueue', () => {
  it('opens the queue for the term, queues the indexed environments, then closes and drains', async () => {
    const calls: string[] = [];
    let open = false;
    const deployer = {
      schedule: (name: string) => calls.push(`schedule ${name} (${open ? 'open' : 'closed'})`),
      setQueueOpen: (value: boolean) => {
        open = value;
        calls.push(value ? 'open' : 'close');
      },
      idle: () => {
        calls.push('idle');
        return Promise.resolve();
      },
    };
    const index = createMemoryClaimIndex();
    await index.upsert({
      claim: {
        environment_name: 'sue-a',
        environment_type: 'sue',
        environment_pool: 'team1',
        user: 'alice@example.com',
        services: {},
      } as never,
      bucket: 'environments',
      key: 'sue-a.json',
      etag: '"1"',
      expiresAt: null,
    });
    const term = new AbortController();
    const stopped = startDeployerQueue({ deployer, index, logger, signal: term.signal });
    expect(calls).toEqual(['open']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls).toEqual(['open', 'schedule sue-a (open)']);
    term.abort();
    await stopped;
    expect(calls).toEqual(['open', 'schedule sue-a (open)', 'close', 'idle']);
  });
});

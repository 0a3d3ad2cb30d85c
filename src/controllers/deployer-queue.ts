import type { Logger } from 'pino';
import { allIndexed } from '../app/claim-sync.js';
import type { Deployer } from '../app/deployer.js';
import type { ClaimIndex } from '../ports/claim-index.js';

/**
 * Lets the deployer's queue render claim changes until `signal` aborts: opens it, and
 * queues every indexed environment once (a new leader renders what changed under the
 * previous one; at a first start the index is still empty and the load queues each
 * environment instead). On abort closes the queue and resolves once no render runs.
 */
export async function startDeployerQueue(options: {
  deployer: Pick<Deployer, 'schedule' | 'setQueueOpen' | 'idle'>;
  index: ClaimIndex;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { deployer, index, logger, signal } = options;
  if (signal.aborted) return;
  deployer.setQueueOpen(true);
  const stopped = new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  try {
    for await (const environment of allIndexed(index)) {
      if (signal.aborted) break;
      deployer.schedule(environment.claim.environment_name);
    }
  } catch (error) {
    // The next claim change or re-resolution run renders what this missed.
    logger.error({ err: error }, 'could not queue the indexed environments');
  }
  await stopped;
  deployer.setQueueOpen(false);
  await deployer.idle();
}

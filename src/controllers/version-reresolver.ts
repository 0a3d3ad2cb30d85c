import type { Logger } from 'pino';
import type { Deployer } from '../app/deployer.js';
import { allIndexed } from '../app/claim-sync.js';
import type { ClaimIndex } from '../ports/claim-index.js';
import { runEvery } from './interval-loop.js';

/** Environments re-decided at once: enough to overlap registry round trips, few enough to be polite. */
const CONCURRENCY = 4;

/**
 * The seed's "Automatic Updates": every `intervalMs`, resolves every environment's
 * constraints again and re-renders those for which a newer matching tag (or a moved
 * digest) appeared; the change goes to the environment's history. Pinned (rolled-back)
 * environments keep their versions. Also removes rendered output whose claim is gone.
 * One environment's failure is its own `Failed` phase; the run goes on.
 */
export function startVersionReresolver(options: {
  deployer: Deployer;
  index: ClaimIndex;
  /** The leader term's `stillLeader`, asked before each removal of orphaned output. */
  fence?: () => Promise<boolean>;
  intervalMs: number;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { deployer, index, logger, signal } = options;
  return runEvery({
    name: 'version-reresolver',
    intervalMs: options.intervalMs,
    logger,
    signal,
    task: async () => {
      const names: string[] = [];
      for await (const environment of allIndexed(index)) {
        names.push(environment.claim.environment_name);
      }
      let next = 0;
      let updated = 0;
      const worker = async (): Promise<void> => {
        while (next < names.length && !signal.aborted) {
          const name = names[next++] ?? '';
          try {
            if ((await deployer.deploy(name, 'interval')).changed) updated++;
          } catch (error) {
            logger.error({ err: error, environment: name }, 're-resolution failed');
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await deployer.removeOrphans(options.fence ? { fence: options.fence } : {});
      if (updated > 0) logger.info({ updated, environments: names.length }, 're-resolution run');
    },
  });
}

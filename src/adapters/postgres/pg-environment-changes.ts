import type { Logger } from 'pino';
import pg from 'pg';
import { describePgUrl, type PgPool } from './pg-pool.js';

/** The channel on which any replica announces that an environment's claim changed. */
const CHANNEL = 'platform_environment_changed';
/** How long a listener waits before connecting again after losing its connection. */
const RECONNECT_MS = 1_000;

/**
 * Announces to every replica (the leader's deployer in particular) that `name`'s claim was
 * indexed anew or removed. Fire and forget: a lost notification is caught up by the
 * leader's periodic re-resolution, so a failure here is logged, never thrown.
 */
export function notifyEnvironmentChanged(pool: PgPool, name: string, logger?: Logger): void {
  pool.query('SELECT pg_notify($1, $2)', [CHANNEL, name]).catch((error: unknown) => {
    logger?.warn(
      { environment: name, err: { message: (error as Error).message } },
      'could not announce an environment change to the other replicas',
    );
  });
}

/**
 * Calls `onChange(name)` for every announced change until `signal` aborts, on a dedicated
 * connection (LISTEN holds its session), reconnecting after a failure. Changes announced
 * while disconnected are missed; `onReconnect` lets the caller catch up on them.
 */
export async function listenEnvironmentChanges(options: {
  url: string;
  onChange: (name: string) => void;
  onReconnect?: () => void;
  signal: AbortSignal;
  logger?: Logger;
}): Promise<void> {
  const { url, onChange, signal, logger } = options;
  let first = true;
  while (!signal.aborted) {
    const client = new pg.Client({
      connectionString: url,
      application_name: 'platform-service:listener',
      keepAlive: true,
    });
    try {
      const ended = new Promise<void>((resolve) => {
        client.on('error', () => resolve());
        client.once('end', () => resolve());
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === CHANNEL && message.payload) onChange(message.payload);
      });
      await client.query(`LISTEN ${CHANNEL}`);
      if (!first) options.onReconnect?.();
      first = false;
      await ended;
    } catch (error) {
      logger?.warn(
        { database: describePgUrl(url), err: { message: (error as Error).message } },
        'environment change listener lost its connection; reconnecting',
      );
    } finally {
      await client.end().catch(() => undefined);
    }
    if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

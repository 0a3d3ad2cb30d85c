import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { requestHeader, setResponseHeader } from '../node-headers.js';
import type { RequestObserver } from './observe-requests.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Assigns a request id (the caller's `X-Request-Id` if sane) and logs one line per request
 * with method, path, status, duration and principal. Headers and bodies are never logged:
 * they carry tokens.
 */
export function requestLog(options: { logger: Logger }): RequestObserver {
  const { logger } = options;
  return {
    started(c) {
      const offered = requestHeader(c, 'x-request-id');
      const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
      c.set('requestId', requestId);
      setResponseHeader(c, 'x-request-id', requestId);
    },
    finished(c, { status, ms }) {
      if (status < 500 && !logger.isLevelEnabled('info')) return;
      const line = {
        request_id: c.get('requestId'),
        method: c.req.method,
        // The path without its query: `?token=` carries the bucket events secret.
        path: c.req.path,
        status,
        duration_ms: Math.round(ms * 100) / 100,
        principal: c.get('principal')?.subject ?? null,
      };
      // 503 is the platform saying "not yet" (loading, an unwritable audit log): a warning,
      // not an error that pages someone while the index loads.
      if (status === 503) logger.warn(line, 'request');
      else if (status >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
    },
  };
}

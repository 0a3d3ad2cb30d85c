import type { Context, MiddlewareHandler } from 'hono';
import type { HttpEnv } from '../http-env.js';

/** One concern that watches every request: the request log, the metrics, audit outcomes. */
export interface RequestObserver {
  /** Before the routes run: may set context variables and response headers. */
  readonly started?: (c: Context<HttpEnv>) => void;
  /** After the answer, with the status the client gets and the time it took. */
  readonly finished: (c: Context<HttpEnv>, answer: { status: number; ms: number }) => void;
}

/**
 * The observers of every request in one middleware layer, started in order and finished
 * in order once the answer is made. A layer per concern cost an async step each on every
 * request (bench/scale.js's authorized GET); none of them needs to wrap the others.
 */
export function observeRequests(observers: readonly RequestObserver[]): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const started = performance.now();
    for (const observer of observers) observer.started?.(c);
    try {
      await next();
    } finally {
      const answer = {
        // Hono maps a thrown error to the response before this runs; a failure past that
        // point is Node's to answer, and answered 500.
        status: c.finalized ? c.res.status : 500,
        ms: performance.now() - started,
      };
      for (const observer of observers) observer.finished(c, answer);
    }
  };
}

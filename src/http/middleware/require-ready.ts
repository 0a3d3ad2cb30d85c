import { UnavailableError } from '../../domain/errors.js';

/** Until the index is loaded an empty list would be a lie: answer 503 with Retry-After. */
export function assertReady(isReady: () => boolean): void {
  if (!isReady()) {
    throw new UnavailableError('The claim index is still loading; retry shortly', {
      retryAfterSeconds: 1,
    });
  }
}

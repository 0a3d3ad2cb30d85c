import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { z } from 'zod';
import type { whoAmISchema } from '../../../src/api/schemas/session.js';

export type WhoAmI = z.output<typeof whoAmISchema>;

/**
 * What the signed-in caller may do, as `GET /api/v1/me` answered: pages offer an action
 * only when the server said so, and still show the server's reason when it refuses.
 */
export const WhoAmIContext = createContext<WhoAmI | undefined>(undefined);

export function useWhoAmI(): WhoAmI {
  const me = useContext(WhoAmIContext);
  if (me === undefined) throw new Error('useWhoAmI outside a signed-in page');
  return me;
}

import { decodeJwt } from 'jose';
import { z } from 'zod';
import { UnavailableError } from '../../domain/errors.js';

/** A successful token answer (RFC 6749 §5.1) in the CLI's terms. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds; absent when the IdP did not say (`expires_in` is optional). */
  readonly expiresAt?: number;
  readonly idToken?: string;
}

const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  // Only bearer tokens: a DPoP-bound token would be useless without its key (RFC 9449).
  token_type: z.string().refine((type) => type.toLowerCase() === 'bearer', 'must be Bearer'),
  expires_in: z.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().min(1).optional(),
});

/** Reads a 200 token answer received at `now`; a malformed one is the IdP's fault (exit 5). */
export function parseTokenAnswer(body: unknown, now: number, host: string): TokenSet {
  const parsed = tokenAnswerSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnavailableError(
      `the token endpoint at ${host} sent an unusable answer: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  const answer = parsed.data;
  const expiresAt =
    answer.expires_in === undefined
      ? jwtExpiry(answer.access_token)
      : now + answer.expires_in * 1000;
  return {
    accessToken: answer.access_token,
    ...(answer.refresh_token === undefined ? {} : { refreshToken: answer.refresh_token }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
    ...(answer.id_token === undefined ? {} : { idToken: answer.id_token }),
  };
}

// Without `expires_in`, a JWT access token still says when it ends; an opaque one does not.
function jwtExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return exp === undefined ? undefined : exp * 1000;
  } catch {
    return undefined;
  }
}

import { hash } from 'node:crypto';

/** Every service token starts with this, so authenticators and secret scanners spot it. */
export const SERVICE_TOKEN_PREFIX = 'pst_';
/** 8 random bytes: 16 lower-case hex characters. Not secret; it names the token. */
export const SERVICE_TOKEN_ID_BYTES = 8;
/** 32 random bytes (256 bits): 43 base64url characters. The secret. */
export const SERVICE_TOKEN_SECRET_BYTES = 32;

export const SERVICE_TOKEN_ID_PATTERN = /^[0-9a-f]{16}$/;
// The id has a fixed length, so the `_` that base64url may put in the secret is harmless.
const TOKEN = /^pst_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ServiceTokenParts {
  readonly id: string;
  readonly secret: string;
}

/** A new id and secret from `random` (the caller injects the CSPRNG; the domain stays pure). */
export function newServiceTokenParts(random: (size: number) => Uint8Array): ServiceTokenParts {
  const id = Buffer.from(random(SERVICE_TOKEN_ID_BYTES)).toString('hex');
  const secret = Buffer.from(random(SERVICE_TOKEN_SECRET_BYTES)).toString('base64url');
  if (!SERVICE_TOKEN_ID_PATTERN.test(id) || secret.length !== 43) {
    throw new TypeError('random() returned the wrong number of bytes');
  }
  return { id, secret };
}

/** `pst_<id>_<secret>`. */
export function formatServiceToken(parts: ServiceTokenParts): string {
  return `${SERVICE_TOKEN_PREFIX}${parts.id}_${parts.secret}`;
}

/** The parts of a well-formed service token; `undefined` for anything else. */
export function parseServiceToken(token: string): ServiceTokenParts | undefined {
  const match = TOKEN.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  return { id: match[1], secret: match[2] };
}

/** Hex SHA-256 of the whole token: what is stored instead of the token. */
export function hashServiceToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/** Whether `id` could name a service token (the id part of `pst_<id>_<secret>`). */
export function isServiceTokenId(id: string): boolean {
  return SERVICE_TOKEN_ID_PATTERN.test(id);
}

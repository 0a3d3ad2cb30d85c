import { exportSPKI, generateKeyPair, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcAuthenticator } from '../../src/adapters/oidc-authenticator/oidc-authenticator.js';
import type { Authenticator } from '../../src/ports/authenticator.js';
import { oidcIssuerSchema, type OidcIssuerConfig } from '../../src/config/oidc-config-schema.js';
import {
  capturingLogger,
  movableClock,
  recordingFetch,
  startTestIdp,
  type MovableClock,
  type TestIdp,
} from '../support/oidc-provider.js';

let idp: TestIdp;
let other: TestIdp;
let untrusted: TestIdp;

beforeAll(async () => {
  idp = await startTestIdp({ accounts: { bob: { groups: ['team2'] } } });
  other = await startTestIdp();
  untrusted = await startTestIdp({ accounts: { bob: { groups: ['platform-admins'] } } });
});

afterAll(async () => {
  await idp?.close();
  await other?.close();
  await untrusted?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const configOf = (provider: TestIdp, extra: Record<string, unknown> = {}): OidcIssuerConfig =>
  oidcIssuerSchema.parse({ issuer: provider.issuer, audience: provider.audience, ...extra });

interface Setup {
  readonly authenticator: Authenticator;
  readonly urls: string[];
  readonly lines: string[];
  readonly clock: MovableClock;
}

function setup(issuers: OidcIssuerConfig[] = [configOf(idp)]): Setup {
  const { fetchImpl, urls } = recordingFetch();
  const { logger, lines } = capturingLogger();
  const clock = movableClock();
  const authenticator = createOidcAuthenticator({ issuers, fetchImpl, clock, logger });
  return { authenticator, urls, lines, clock };
}

/** The claims of a token the IdP could have issued to Mallory, valid for ten minutes. */
function claims(clock: MovableClock, extra: Record<string, unknown> = {}): JWTPayload {
  const now = seconds(clock.now());
  return {
    iss: idp.issuer,
    aud: idp.audience,
    sub: 'mallory',
    client_id: 'platform-web',
    groups: ['platform-admins'],
    iat: now,
    exp: now + 600,
    ...extra,
  };
}

/** The reasons logged for refusals; the debug lines must never hold the token. */
function refusals(lines: readonly string[], token: string): string[] {
  const signature = token.split('.')[2] ?? token;
  for (const line of lines) {
    expect(line).not.toContain(token);
    if (signature !== '') expect(line).not.toContain(signature);
  }
  return lines
    .map((line) => JSON.parse(line) as { level: number; msg: string; reason?: string })
    .filter((entry) => entry.msg === 'OIDC bearer token refused')
    .map((entry) => {
      expect(entry.level).toBe(20);
      return entry.reason ?? '';
    });
}

function encode(part: object): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url');
}

describe('OIDC authenticator refuses', () => {
  it('(control) accepts a token signed with the IdP key when nothing is wrong', async () => {
    const { authenticator, clock } = setup();
    expect(await authenticator.authenticate(bearer(await idp.sign(claims(clock))))).toEqual({
      subject: 'mallory',
      groups: ['platform-admins'],
      kind: 'user',
      authenticatedBy: `oidc:${idp.issuer}`,
    });
  });

  it('alg none, without fetching anything', async () => {
    const { authenticator, urls, lines, clock } = setup();
    for (const alg of ['none', 'None', 'NONE']) {
      const token = `${encode({ alg, typ: 'at+jwt' })}.${encode(claims(clock))}.`;
      expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
      expect(refusals(lines, token).at(-1)).toBe('algorithm not allowed');
    }
    expect(urls).toEqual([]);
  });

  it('HS256 signed with the IdP public key as the secret (key confusion)', async () => {
    const { authenticator, urls, lines, clock } = setup();
    const secret = new TextEncoder().encode(await exportSPKI(idp.signingKey.publicKey));
    const token = await new SignJWT(claims(clock))
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: idp.signingKey.kid })
      .sign(secret);
    // The forgery is sound: a verifier that took the public key as an HMAC secret accepts it.
    await expect(jwtVerify(token, secret)).resolves.toBeDefined();

    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['algorithm not allowed']);
    expect(urls).toEqual([]);
  });

  it('an algorithm left out of the issuer allow-list', async () => {
    const { authenticator, urls, lines } = setup([configOf(idp, { algorithms: ['ES256'] })]);
    const token = await idp.clientCredentialsToken();
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['algorithm not allowed']);
    expect(urls).toEqual([]);
  });

  it('an expired token, beyond the clock tolerance only', async () => {
    const { authenticator, lines, clock } = setup();
    const token = await idp.clientCredentialsToken();
    const expiry = new Date(Number(decodeJwtPayload(token).exp) * 1000);

    clock.set(new Date(expiry.getTime() + 29_000));
    expect((await authenticator.authenticate(bearer(token)))?.kind).toBe('service');
    clock.set(new Date(expiry.getTime() + 31_000));
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['"exp" claim timestamp check failed']);
  });

  it('an expired token with a tighter configured tolerance', async () => {
    const { authenticator, clock } = setup([configOf(idp, { clockTolerance: '5s' })]);
    const token = await idp.clientCredentialsToken();
    const expiry = Number(decodeJwtPayload(token).exp) * 1000;

    clock.set(new Date(expiry + 4_000));
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    clock.set(new Date(expiry + 6_000));
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
  });

  it('a token without exp', async () => {
    const { authenticator, lines, clock } = setup();
    const token = await idp.sign(claims(clock, { exp: undefined }));
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['missing required "exp" claim']);
  });

  it('a token not yet valid (nbf in the future)', async () => {
    const { authenticator, lines, clock } = setup();
    const nbf = seconds(clock.now()) + 120;
    const token = await idp.sign(claims(clock, { nbf }));

    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['"nbf" claim timestamp check failed']);
    clock.advance(120_000);
    expect((await authenticator.authenticate(bearer(token)))?.subject).toBe('mallory');
  });

  it('a wrong issuer, without fetching anything', async () => {
    const { authenticator, urls, lines, clock } = setup();
    for (const iss of ['https://evil.example.com', `${idp.issuer}/`, undefined]) {
      const token = await idp.sign(claims(clock, { iss }));
      expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
      expect(refusals(lines, token).at(-1)).toBe('issuer not configured');
    }
    expect(urls).toEqual([]);
  });

  it('a token naming another configured issuer but signed with this one’s key', async () => {
    const { authenticator, lines, urls, clock } = setup([configOf(idp), configOf(other)]);
    const token = await idp.sign(claims(clock, { iss: other.issuer, aud: other.audience }));
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['no applicable key found in the JSON Web Key Set']);
    expect(urls.every((url) => url.startsWith(other.issuer))).toBe(true);
  });

  it('a wrong audience', async () => {
    const { authenticator, lines, clock } = setup();
    for (const aud of ['https://other.example.com', ['https://a.example', 'https://b.example']]) {
      const token = await idp.sign(claims(clock, { aud }));
      expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
      expect(refusals(lines, token).at(-1)).toBe('unexpected "aud" claim value');
    }
  });

  it('an unknown kid, without refetching the JWKS more than the cooldown allows', async () => {
    const { authenticator, lines, urls, clock } = setup();
    expect(
      await authenticator.authenticate(bearer(await idp.clientCredentialsToken())),
    ).toBeDefined();
    const rogue = await generateKeyPair('RS256');
    const token = await new SignJWT(claims(clock))
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'rogue-kid' })
      .sign(rogue.privateKey);

    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    }
    expect(refusals(lines, token)).toEqual(
      Array.from({ length: 3 }, () => 'no applicable key found in the JSON Web Key Set'),
    );
    expect(urls).toEqual([`${idp.issuer}/.well-known/openid-configuration`, `${idp.issuer}/jwks`]);
  });

  it('a signature by another key under the IdP key id', async () => {
    const { authenticator, lines, clock } = setup();
    const rogue = await generateKeyPair('RS256');
    const token = await new SignJWT(claims(clock))
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: idp.signingKey.kid })
      .sign(rogue.privateKey);
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['signature verification failed']);
  });

  it('a real token whose payload was changed, signature kept', async () => {
    const { authenticator, lines } = setup();
    const token = await idp.userToken('bob');
    expect(await authenticator.authenticate(bearer(token))).toMatchObject({ groups: ['team2'] });

    const [header, payload, signature] = token.split('.');
    const elevated = { ...decodeJwtPayload(token), groups: ['team2', 'platform-admins'] };
    const tampered = [header, encode(elevated), signature].join('.');
    expect(tampered).not.toBe(token);
    expect(payload).not.toBe(encode(elevated));
    expect(await authenticator.authenticate(bearer(tampered))).toBeUndefined();
    expect(refusals(lines, tampered)).toEqual(['signature verification failed']);
  });

  it('a real token of an untrusted OpenID Provider', async () => {
    const { authenticator, lines, urls } = setup();
    const token = await untrusted.userToken('bob');
    expect(decodeJwtPayload(token)).toMatchObject({ sub: 'bob', groups: ['platform-admins'] });
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['issuer not configured']);
    expect(urls).toEqual([]);
  });

  it('a user token without the configured subject claim', async () => {
    const { authenticator, lines } = setup([configOf(idp, { subjectClaim: 'email' })]);
    const token = await idp.userToken('bob');
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['no string in the subject claim email']);
  });

  it('a payload that is not JSON', async () => {
    const { authenticator, lines, urls } = setup();
    const token = `${encode({ alg: 'RS256' })}.${Buffer.from('not json').toString('base64url')}.c2ln`;
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(refusals(lines, token)).toEqual(['not a decodable JWT']);
    expect(urls).toEqual([]);
  });
});

function decodeJwtPayload(token: string): JWTPayload {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as JWTPayload;
}

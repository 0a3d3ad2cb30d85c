import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createStaticTokenAuthenticator, hashToken } from './static-token-authenticator.js';

const ALICE_TOKEN = 'alice-secret-token-1234';
const BOT_TOKEN = 'ci.bot~token_XYZ';

const authenticator = createStaticTokenAuthenticator([
  {
    subject: 'alice@company.com',
    groups: ['team1', 'platform-admins'],
    sha256: hashToken(ALICE_TOKEN),
  },
  { subject: 'ci-bot', groups: [], sha256: hashToken(BOT_TOKEN).toUpperCase(), kind: 'service' },
]);

describe('hashToken', () => {
  it('is the hex SHA-256 of the token', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hashToken('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('matches `printf %s TOKEN | sha256sum`', () => {
    for (const token of [ALICE_TOKEN, BOT_TOKEN, 'ünïcødé-tøken']) {
      const output = execFileSync('sh', ['-c', 'printf %s "$1" | sha256sum', 'sh', token], {
        encoding: 'utf8',
      });
      expect(hashToken(token)).toBe(output.split(' ')[0]);
    }
  });
});

describe('createStaticTokenAuthenticator', () => {
  it('returns the principal of the matching token', async () => {
    expect(await authenticator.authenticate({ authorization: `Bearer ${ALICE_TOKEN}` })).toEqual({
      subject: 'alice@company.com',
      groups: ['team1', 'platform-admins'],
      kind: 'user',
      authenticatedBy: 'static-token',
    });
  });

  it('uses the configured kind, and accepts an upper-case hash in config', async () => {
    expect(await authenticator.authenticate({ authorization: `Bearer ${BOT_TOKEN}` })).toEqual({
      subject: 'ci-bot',
      groups: [],
      kind: 'service',
      authenticatedBy: 'static-token',
    });
  });

  it('accepts the scheme in any case', async () => {
    const principal = await authenticator.authenticate({ authorization: `bearer ${ALICE_TOKEN}` });
    expect(principal?.subject).toBe('alice@company.com');
  });

  it('returns a principal no caller can change for the next request', async () => {
    const principal = await authenticator.authenticate({ authorization: `Bearer ${ALICE_TOKEN}` });
    expect(() => (principal?.groups as string[] | undefined)?.push('injected')).toThrow(TypeError);
    expect(() => Object.assign(principal ?? {}, { subject: 'mallory' })).toThrow(TypeError);
    const again = await authenticator.authenticate({ authorization: `Bearer ${ALICE_TOKEN}` });
    expect(again?.groups).toEqual(['team1', 'platform-admins']);
    expect(again?.subject).toBe(principal?.subject);
  });

  it('returns undefined for a wrong token', async () => {
    expect(
      await authenticator.authenticate({ authorization: 'Bearer wrong-token' }),
    ).toBeUndefined();
    expect(
      await authenticator.authenticate({ authorization: `Bearer ${ALICE_TOKEN}x` }),
    ).toBeUndefined();
    expect(
      await authenticator.authenticate({ authorization: `Bearer ${hashToken(ALICE_TOKEN)}` }),
    ).toBeUndefined();
  });

  it('returns undefined without an Authorization header', async () => {
    expect(await authenticator.authenticate({ authorization: undefined })).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['no scheme', ALICE_TOKEN],
    ['another scheme', `Basic ${ALICE_TOKEN}`],
    ['scheme only', 'Bearer'],
    ['scheme and space only', 'Bearer '],
    ['two spaces', `Bearer  ${ALICE_TOKEN}`],
    ['trailing space', `Bearer ${ALICE_TOKEN} `],
    ['token with a space', `Bearer ${ALICE_TOKEN} extra`],
    ['non-ASCII token', 'Bearer tökén'],
    ['newline', `Bearer ${ALICE_TOKEN}\n`],
  ])('returns undefined for a malformed header (%s)', async (_label, authorization) => {
    expect(await authenticator.authenticate({ authorization })).toBeUndefined();
  });

  it('recognises nobody with no entries', async () => {
    const none = createStaticTokenAuthenticator([]);
    expect(await none.authenticate({ authorization: `Bearer ${ALICE_TOKEN}` })).toBeUndefined();
  });

  it('ignores an entry whose hash is malformed', async () => {
    const broken = createStaticTokenAuthenticator([
      { subject: 'x', groups: [], sha256: 'not-hex' },
      { subject: 'alice', groups: [], sha256: hashToken(ALICE_TOKEN) },
    ]);
    expect((await broken.authenticate({ authorization: `Bearer ${ALICE_TOKEN}` }))?.subject).toBe(
      'alice',
    );
  });

  it('the first of two entries with the same hash wins', async () => {
    const duplicate = createStaticTokenAuthenticator([
      { subject: 'first', groups: [], sha256: hashToken(ALICE_TOKEN) },
      { subject: 'second', groups: [], sha256: hashToken(ALICE_TOKEN) },
    ]);
    expect(
      (await duplicate.authenticate({ authorization: `Bearer ${ALICE_TOKEN}` }))?.subject,
    ).toBe('first');
  });
});

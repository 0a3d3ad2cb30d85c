import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, UnavailableError } from '../../domain/errors.js';
import {
  newServiceTokenRecord,
  revokedRecord,
} from '../../domain/service-tokens/service-token-rules.js';
import { serviceTokenCreateSchema } from '../../domain/service-tokens/service-token-schema.js';
import {
  formatServiceToken,
  hashServiceToken,
  newServiceTokenParts,
} from '../../domain/service-tokens/token-format.js';
import { createFsServiceTokenStore, SERVICE_TOKEN_FILE } from './fs-service-token-store.js';

const NOW = new Date('2026-01-15T10:30:00Z');

function issue(subject = 'gitlab-ci') {
  const parts = newServiceTokenParts(randomBytes);
  const token = formatServiceToken(parts);
  const record = newServiceTokenRecord({
    request: serviceTokenCreateSchema.parse({ subject, scopes: ['environment:read'] }),
    id: parts.id,
    sha256: hashServiceToken(token),
    createdBy: 'admin@example.com',
    now: NOW,
  });
  return { token, record };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'service-tokens-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createFsServiceTokenStore', () => {
  it('starts empty and creates no file until the first write', async () => {
    const store = await createFsServiceTokenStore({ dir });
    expect(await store.list()).toEqual([]);
    expect(await store.get('0123456789abcdef')).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });

  it('persists records across a re-open, in creation order', async () => {
    const first = issue('first');
    const second = issue('second');
    const store = await createFsServiceTokenStore({ dir });
    await store.create(first.record);
    await store.create(second.record);
    await store.update(first.record.id, (current) => revokedRecord(current, NOW));

    const reopened = await createFsServiceTokenStore({ dir });
    expect(await reopened.list()).toEqual([
      { ...first.record, revoked_at: '2026-01-15T10:30:00Z' },
      second.record,
    ]);
    expect(await reopened.get(second.record.id)).toEqual(second.record);
  });

  it('writes the file with mode 0600 and leaves no temp file', async () => {
    const store = await createFsServiceTokenStore({ dir });
    await store.create(issue().record);
    await store.update((await store.list())[0]?.id ?? '', (current) => revokedRecord(current, NOW));
    expect((await stat(join(dir, SERVICE_TOKEN_FILE))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([SERVICE_TOKEN_FILE]);
  });

  it('stores the hash, never the token or its secret', async () => {
    const { token, record } = issue();
    const store = await createFsServiceTokenStore({ dir });
    await store.create(record);
    const text = await readFile(join(dir, SERVICE_TOKEN_FILE), 'utf8');
    expect(text).toContain(hashServiceToken(token));
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.slice(21));
    expect(JSON.parse(text)).toEqual({ version: 1, tokens: [record] });
  });

  it('refuses a second record with the same id', async () => {
    const { record } = issue();
    const store = await createFsServiceTokenStore({ dir });
    await store.create(record);
    await expect(store.create({ ...record, subject: 'other' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await store.list()).toEqual([record]);
  });

  it('update: undefined for an unknown id, refuses an id change', async () => {
    const { record } = issue();
    const store = await createFsServiceTokenStore({ dir });
    await store.create(record);
    expect(await store.update('fedcba9876543210', (current) => current)).toBeUndefined();
    await expect(
      store.update(record.id, (current) => ({ ...current, id: 'fedcba9876543210' })),
    ).rejects.toThrow(TypeError);
    expect(await store.list()).toEqual([record]);
  });

  it('returns copies: changing one changes nothing stored', async () => {
    const { record } = issue();
    const store = await createFsServiceTokenStore({ dir });
    await store.create(record);
    const copy = await store.get(record.id);
    copy?.scopes.push('environment:delete');
    record.scopes.push('environment:delete');
    expect((await store.get(record.id))?.scopes).toEqual(['environment:read']);
  });

  it('serialises concurrent writes: none is lost', async () => {
    const store = await createFsServiceTokenStore({ dir });
    const records = Array.from({ length: 25 }, (_, i) => issue(`ci-${i}`).record);
    await Promise.all(records.map((record) => store.create(record)));
    const revokes = records
      .slice(0, 10)
      .map((record) => store.update(record.id, (current) => revokedRecord(current, NOW)));
    await Promise.all(revokes);
    const reopened = await createFsServiceTokenStore({ dir });
    const stored = await reopened.list();
    expect(stored.map((record) => record.id).sort()).toEqual(
      records.map((record) => record.id).sort(),
    );
    expect(stored.filter((record) => record.revoked_at !== null)).toHaveLength(10);
  });

  it('sees a change another process made to the file', async () => {
    const { record } = issue();
    const store = await createFsServiceTokenStore({ dir });
    await store.create(record);
    expect((await store.get(record.id))?.revoked_at).toBeNull();
    const other = await createFsServiceTokenStore({ dir });
    await other.update(record.id, (current) => revokedRecord(current, NOW));
    expect((await store.get(record.id))?.revoked_at).toBe('2026-01-15T10:30:00Z');
  });

  it('reports a damaged file as unavailable without echoing it', async () => {
    const { record } = issue();
    const store = await createFsServiceTokenStore({ dir });
    await writeFile(
      join(dir, SERVICE_TOKEN_FILE),
      `{"version":1,"tokens":[${JSON.stringify(record)}`,
    );
    await expect(store.get(record.id)).rejects.toBeInstanceOf(UnavailableError);
    await expect(store.list()).rejects.not.toThrow(record.sha256);

    await writeFile(
      join(dir, SERVICE_TOKEN_FILE),
      JSON.stringify({ version: 1, tokens: [{ ...record, sha256: 'not-a-hash' }] }),
    );
    const failure = store.list();
    await expect(failure).rejects.toThrow(/tokens\.0\.sha256/);
    await expect(failure).rejects.not.toThrow('not-a-hash');
    // A failed read does not let a write replace the damaged file.
    await expect(store.create(issue().record)).rejects.toBeInstanceOf(UnavailableError);
  });
});
